"""core.cursor (the API): pages by (created_at, id), newest first, however many rows share a moment."""

import pytest
from django.utils import timezone

from core.cursor import BadCursor, cursor_page
from invoicing.models import Invoice
from tests.invoicing.factories import InvoiceFactory

pytestmark = pytest.mark.django_db


def walk(limit: int) -> list[int]:
    seen, cursor = [], ""
    while True:
        page = cursor_page(Invoice.objects.all(), cursor=cursor, limit=limit)
        seen += [row.pk for row in page.rows]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


def test_rows_of_one_moment_are_paged_by_id():
    moment = timezone.now()
    made = [InvoiceFactory(created_at=moment).pk for _ in range(5)]
    assert walk(limit=2) == sorted(made, reverse=True)


def test_newest_first_across_moments():
    older = InvoiceFactory(created_at=timezone.now() - timezone.timedelta(days=1)).pk
    newer = InvoiceFactory(created_at=timezone.now()).pk
    assert walk(limit=1) == [newer, older]


def test_last_page_has_no_next_cursor():
    InvoiceFactory()
    assert cursor_page(Invoice.objects.all(), limit=1).next_cursor is None


@pytest.mark.parametrize("cursor", ["nada", "MjAyNi0wMS0wMXwx", "!!!"])
def test_a_cursor_we_did_not_make_is_refused(cursor):
    with pytest.raises(BadCursor):
        cursor_page(Invoice.objects.all(), cursor=cursor, limit=1)
