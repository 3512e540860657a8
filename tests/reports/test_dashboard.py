"""Inicio's figures: billed today and this month net of notes, cards, ranges, 12 months, tops."""

import random
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicing.models import DocumentStatus
from reports import dashboard
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory
from tests.reports.data import generate, local, make_invoice, make_note

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 20)


@pytest.fixture
def rng():
    return random.Random(3)


def test_today_is_the_invoices_validated_today_minus_todays_notes(rng):
    customer = CustomerFactory()
    first = make_invoice(rng, customer, at=local(2026, 3, 20, 9))
    second = make_invoice(rng, customer, at=local(2026, 3, 20, 10))
    note = make_note(first, at=local(2026, 3, 20, 11), share=1)
    assert dashboard.billed(today=TODAY)["day"].net == first.total + second.total - note.total


def test_today_counts_invoices_validated_today(rng):
    make_invoice(rng, CustomerFactory(), at=local(2026, 3, 20, 9))
    make_invoice(rng, CustomerFactory(), at=local(2026, 3, 19, 23, 59))
    assert dashboard.billed(today=TODAY)["day"].count == 1


def test_this_month_leaves_last_month_out(rng):
    make_invoice(rng, CustomerFactory(), at=local(2026, 2, 28, 23, 59))
    march = make_invoice(rng, CustomerFactory(), at=local(2026, 3, 1, 0, 0))
    assert dashboard.billed(today=TODAY)["month"].total == march.total


@pytest.mark.parametrize(
    "status",
    [DocumentStatus.REJECTED, DocumentStatus.PENDING_DIAN, DocumentStatus.UNVERIFIED, DocumentStatus.DRAFT],
)
def test_each_attention_card_counts_its_invoices(rng, status):
    make_invoice(rng, CustomerFactory(), at=local(2026, 3, 20), status=status)
    cards = {card["status"]: card["count"] for card in dashboard.attention()}
    assert cards[status] == 1


def test_an_attention_card_links_to_the_list_filtered_by_its_status():
    card = next(card for card in dashboard.attention() if card["status"] == DocumentStatus.REJECTED)
    assert card["url"] == "/facturas/?status=rejected"


def test_a_range_says_how_many_numbers_are_left():
    NumberingRangeFactory(current=995000000 - 10)
    [health] = dashboard.numbering_range_health(today=TODAY)
    assert health.numbers_left == 11


def test_a_range_with_few_numbers_left_warns():
    NumberingRangeFactory(current=995000000 - 10)
    [health] = dashboard.numbering_range_health(today=TODAY)
    assert health.warning is True


def test_a_range_says_how_many_days_are_left():
    NumberingRangeFactory(end_date=TODAY + timedelta(days=12))
    [health] = dashboard.numbering_range_health(today=TODAY)
    assert health.days_left == 12


def test_a_range_ending_soon_warns():
    NumberingRangeFactory(end_date=TODAY + timedelta(days=12))
    [health] = dashboard.numbering_range_health(today=TODAY)
    assert health.warning is True


def test_a_healthy_range_does_not_warn():
    NumberingRangeFactory(end_date=TODAY + timedelta(days=400))
    [health] = dashboard.numbering_range_health(today=TODAY)
    assert health.warning is False


def test_an_expired_range_has_no_numbers_left():
    NumberingRangeFactory(is_expired=True, end_date=TODAY + timedelta(days=400))
    [health] = dashboard.numbering_range_health(today=TODAY)
    assert health.numbers_left == 0


def test_the_chart_has_the_twelve_months_ending_with_this_one():
    months = [row["month"] for row in dashboard.monthly(today=TODAY)]
    assert months == [date(2025, 4, 1), *[date(2025 + (m > 12), (m - 1) % 12 + 1, 1) for m in range(5, 16)]]


def test_the_chart_month_total_is_billed_minus_notes(rng):
    invoice = make_invoice(rng, CustomerFactory(), at=local(2026, 1, 10))
    note = make_note(invoice, at=local(2026, 1, 12), share=1)
    january = next(row for row in dashboard.monthly(today=TODAY) if row["month"] == date(2026, 1, 1))
    assert january["total"] == invoice.total - note.total


def test_the_chart_month_iva_is_billed_minus_notes(rng):
    invoice = make_invoice(rng, CustomerFactory(), at=local(2026, 1, 10))
    note = make_note(invoice, at=local(2026, 1, 12), share=1)
    january = next(row for row in dashboard.monthly(today=TODAY) if row["month"] == date(2026, 1, 1))
    assert january["tax"] == invoice.tax_amount - note.tax_amount


def test_top_customers_are_ordered_by_net_billed(rng):
    small, big = CustomerFactory(company="Pequeña SAS"), CustomerFactory(company="Grande SAS")
    make_invoice(rng, small, at=local(2026, 3, 5))
    for _ in range(4):
        make_invoice(rng, big, at=local(2026, 3, 6))
    names = [row["name"] for row in dashboard.top_customers(today=TODAY)]
    assert names == ["Grande SAS", "Pequeña SAS"]


def test_top_products_show_at_most_five(rng):
    for _ in range(12):
        make_invoice(rng, CustomerFactory(), at=local(2026, 3, 5))
    assert len(dashboard.top_products(today=TODAY)) == 5


def _queries(today) -> int:
    cache.clear()  # both counts with the closed months computed, not one from the cache
    with CaptureQueriesContext(connection) as captured:
        dashboard.dashboard(today=today)
    return len(captured)


def test_the_query_count_does_not_grow_with_data():
    NumberingRangeFactory()
    generate(seed=5, start=local(2026, 3, 1), days=20, invoices=3)
    before = _queries(TODAY)
    generate(seed=6, start=local(2025, 6, 1), days=290, invoices=30)
    assert _queries(TODAY) == before


def test_a_closed_month_is_read_from_the_cache_until_it_expires(rng):
    dashboard.monthly(today=TODAY)
    make_invoice(rng, CustomerFactory(), at=local(2026, 1, 10))  # an import of an older bill
    january = next(row for row in dashboard.monthly(today=TODAY) if row["month"] == date(2026, 1, 1))
    assert january["total"] == 0


def test_this_month_is_always_summed_afresh(rng):
    dashboard.monthly(today=TODAY)
    invoice = make_invoice(rng, CustomerFactory(), at=local(2026, 3, 10))
    assert dashboard.monthly(today=TODAY)[-1]["total"] == invoice.total


def test_a_card_over_the_cap_says_so(rng, monkeypatch):
    monkeypatch.setattr(dashboard, "COUNT_CAP", 2)
    for _ in range(3):
        make_invoice(rng, CustomerFactory(), at=local(2026, 3, 10), status=DocumentStatus.DRAFT)
    card = next(card for card in dashboard.attention() if card["status"] == DocumentStatus.DRAFT)
    assert card["capped"] is True
