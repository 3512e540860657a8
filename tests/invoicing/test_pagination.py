"""The invoice list's keyset pagination (invoicing.selectors.invoice_page, core/keyset.py)."""

import base64
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.keyset import KeysetPage, keyset_page
from invoicing.models import Invoice
from invoicing.selectors import invoice_list, invoice_page
from tests.invoicing.factories import CustomerFactory, InvoiceFactory

pytestmark = pytest.mark.django_db

SORTS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "number": ("prefix", "number", "id"),
    # NULLs placed as PostgreSQL places them by default (and core.keyset on every database): the
    # reference query below then reads the same order on SQLite, whose default is the opposite.
    "total desc": (Coalesce("total", "estimated_total").desc(nulls_first=True), "-id"),
    "total asc": (Coalesce("total", "estimated_total").asc(nulls_last=True), "id"),
    "customer": ("customer__company", "customer__names", "id"),
}


@pytest.fixture
def invoices():
    """23 invoices: equal timestamps, equal totals, no totals at all (NULL), two customers."""
    now = timezone.now()
    customers = [CustomerFactory(names="Ana"), CustomerFactory(names="Beto")]
    rows = []
    for n in range(23):
        total = None if n % 5 == 0 else Decimal(100 * (n % 4))
        rows.append(
            InvoiceFactory(
                customer=customers[n % 2],
                created_at=now - timedelta(minutes=n // 3),  # three share each timestamp
                total=total,
                estimated_total=None,
                prefix=("SETP", "FE", "")[n % 3],
                number=f"X{n}" if n % 4 else "",
            )
        )
    return rows


def walk_forward(queryset, size) -> list[int]:
    seen, cursor = [], None
    while True:
        page = invoice_page(queryset, cursor=cursor, size=size)
        seen += [row.pk for row in page.object_list]
        if not page.has_next:
            return seen
        cursor = page.next_cursor


def walk_back_from_the_end(queryset, size, cap) -> list[int]:
    def at(cursor):
        return keyset_page(queryset, cursor=cursor, size=size, count_cap=cap)

    page = at(at(None).last_cursor)
    seen = [row.pk for row in page.object_list]
    while page.has_previous:
        page = at(page.previous_cursor)
        seen = [row.pk for row in page.object_list] + seen
    return seen


@pytest.mark.parametrize("sort", SORTS)
def test_walking_forward_gives_every_row_once_in_order(invoices, sort):
    queryset = invoice_list().order_by(*SORTS[sort])
    assert walk_forward(queryset, 4) == list(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("cap", [1000, 10], ids=["exact count", "capped count"])
@pytest.mark.parametrize("sort", SORTS)
def test_walking_back_from_the_last_page_gives_every_row_once_in_order(invoices, sort, cap):
    queryset = invoice_list().order_by(*SORTS[sort])
    assert walk_back_from_the_end(queryset, 4, cap) == list(queryset.values_list("pk", flat=True))


def test_the_last_page_is_numbered_when_the_count_is_exact(invoices):
    queryset = invoice_list()
    page = invoice_page(queryset, cursor=invoice_page(queryset, cursor=None, size=5).last_cursor, size=5)
    assert (page.number, page.start_index, page.end_index) == (5, 21, 23)


def test_filters_apply_on_every_page(invoices):
    queryset = invoice_list(filters={"customer": invoices[0].customer_id})
    assert set(walk_forward(queryset, 3)) == {
        i.pk for i in invoices if i.customer_id == invoices[0].customer_id
    }


def test_previous_from_the_second_page_is_the_first(invoices):
    queryset = invoice_list()
    second = invoice_page(queryset, cursor=invoice_page(queryset, cursor=None, size=5).next_cursor, size=5)
    assert (second.number, second.has_previous, second.previous_cursor) == (2, True, None)


def test_the_third_page_knows_its_place(invoices):
    queryset = invoice_list()
    page = invoice_page(queryset, cursor=None, size=5)
    for _ in range(2):
        page = invoice_page(queryset, cursor=page.next_cursor, size=5)
    assert (page.number, page.start_index, page.end_index, page.num_pages) == (3, 11, 15, 5)


def test_the_count_is_capped(invoices):
    page = invoice_page(invoice_list(), cursor=None, size=5)
    capped = KeysetPage(object_list=page.object_list, size=5, number=1, count=page.count, cap=10)
    assert (capped.count_capped, capped.num_pages) == (True, None)


@pytest.mark.parametrize("size", [5, 20])
def test_two_queries_per_page_at_any_depth_and_size(invoices, size):
    queryset = invoice_list()
    first = invoice_page(queryset, cursor=None, size=size)
    with CaptureQueriesContext(connection) as queries:
        page = invoice_page(queryset, cursor=first.last_cursor, size=size)
        [(row.customer.names, row.numbering_range) for row in page.object_list]
    assert len(queries) == 2


@pytest.mark.parametrize(
    "cursor",
    ["", "x", "bm9ub25zZW5zZQ", "WyJuIiwxLFsiMjAyNC0wMS0wMSIsInh5eiJdXQ", "WyJuIiwtNSxbXV0", "%" * 3000],
)
def test_a_cursor_that_is_not_ours_is_the_first_page(invoices, cursor):
    page = invoice_page(invoice_list(), cursor=cursor, size=5)
    assert [r.pk for r in page.object_list] == [
        r.pk for r in invoice_page(invoice_list(), cursor=None, size=5).object_list
    ]


def test_a_cursor_past_the_end_is_an_empty_page_with_a_way_back(invoices):
    queryset = invoice_list()
    first = invoice_page(queryset, cursor=None, size=5)
    Invoice.objects.exclude(pk__in=[row.pk for row in first.object_list]).delete()
    page = invoice_page(queryset, cursor=first.next_cursor, size=5)
    assert (page.object_list, page.has_previous) == ([], True)


def test_an_ordering_without_the_primary_key_walks_every_row_once(invoices):
    # Three invoices share each timestamp: without the key added, a page edge could repeat or skip one.
    seen = walk_forward(Invoice.objects.order_by("-created_at"), size=2)
    assert sorted(seen) == sorted(row.pk for row in invoices)


def crafted(payload) -> str:
    raw = json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "payload",
    [
        ["n", 2, ["2024-01-01T00:00:00", 10**30]],
        ["n", 2, [{"a": 1}, [1]]],
        ["p", 3, [None, None]],
        ["n", True, ["2024-01-01", 1]],
        ["n", 2, ["no es fecha", 1]],
        ["l", None, "x"],
        ["p", 2, ["NaN", "Infinity"]],
        {"n": 1},
        "texto",
    ],
)
@pytest.mark.parametrize("sort", ["-date", "total", "-customer"])
def test_a_crafted_cursor_is_never_a_server_error(user_client, invoices, payload, sort):
    response = user_client.get(reverse("invoicing:invoice_list"), {"cursor": crafted(payload), "sort": sort})
    assert response.status_code == 200
