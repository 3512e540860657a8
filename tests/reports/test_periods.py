"""Reports date documents by validation, in Bogotá time, and count only validated ones."""

import random
from datetime import date

import pytest

from invoicing.models import DocumentStatus
from reports.selectors import ReportFilters, sales_report
from tests.catalog.factories import CustomerFactory
from tests.reports.data import local, make_invoice, make_note

pytestmark = pytest.mark.django_db
MARCH = ReportFilters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))


@pytest.fixture
def rng():
    return random.Random(7)


def test_an_invoice_validated_late_on_the_last_local_day_counts_in_that_month(rng):
    # 23:30 in Bogotá on 31 March is already 1 April in UTC.
    invoice = make_invoice(rng, CustomerFactory(), at=local(2026, 3, 31, 23, 30))
    assert sales_report(group="month", filters=MARCH).totals["total"] == invoice.total


def test_an_invoice_validated_at_midnight_after_the_period_is_left_out(rng):
    make_invoice(rng, CustomerFactory(), at=local(2026, 4, 1, 0, 0))
    assert sales_report(group="month", filters=MARCH).rows == []


def test_the_day_row_is_the_local_day(rng):
    make_invoice(rng, CustomerFactory(), at=local(2026, 3, 31, 23, 30))
    assert sales_report(group="day", filters=MARCH).rows[0]["key"] == date(2026, 3, 31)


def test_the_month_row_is_a_date_on_the_first(rng):
    make_invoice(rng, CustomerFactory(), at=local(2026, 3, 15))
    assert sales_report(group="month", filters=MARCH).rows[0]["key"] == date(2026, 3, 1)


@pytest.mark.parametrize(
    "status", [DocumentStatus.REJECTED, DocumentStatus.PENDING_DIAN, DocumentStatus.DRAFT]
)
def test_an_invoice_not_validated_is_not_sales(rng, status):
    make_invoice(rng, CustomerFactory(), at=local(2026, 3, 15), status=status)
    assert sales_report(group="month", filters=MARCH).rows == []


def test_a_rejected_note_subtracts_nothing(rng):
    invoice = make_invoice(rng, CustomerFactory(), at=local(2026, 3, 15))
    make_note(invoice, at=local(2026, 3, 16), share=0, status=DocumentStatus.REJECTED)
    assert sales_report(group="month", filters=MARCH).totals["net_total"] == invoice.total


def test_a_void_note_leaves_the_invoice_at_zero(rng):
    invoice = make_invoice(rng, CustomerFactory(), at=local(2026, 3, 15))
    make_note(invoice, at=local(2026, 3, 16), share=0)
    assert sales_report(group="customer", filters=MARCH).totals["net_total"] == 0


def test_a_note_counts_in_the_month_it_was_validated(rng):
    invoice = make_invoice(rng, CustomerFactory(), at=local(2026, 2, 27))
    note = make_note(invoice, at=local(2026, 3, 2), share=1)
    assert sales_report(group="month", filters=MARCH).totals["net_total"] == -note.total
