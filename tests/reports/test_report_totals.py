"""The reports' totals equal the invoice details (Factus' figures) to the cent, notes subtracted."""

import random
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from invoicing.models import DocumentStatus
from invoicing.services.credit_notes import credit_note_create_void
from invoicing.views.common import detail_figures
from reports.selectors import ReportFilters, build_report, sales_report, vat_report, withholdings_report
from tests.catalog.factories import ProductFactory
from tests.invoicing.factories import CustomerFactory
from tests.reports.data import make_invoice, validate

pytestmark = pytest.mark.django_db
MARCH = ReportFilters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))


def _validated(documents):
    return [d for d in documents if d.status == DocumentStatus.VALIDATED]


def _detail_sum(invoices, name):
    """What the invoice pages show, added up: the ``summary`` of each validated invoice."""
    return sum((detail_figures(invoice)["summary"][name] for invoice in _validated(invoices)), Decimal(0))


def _notes_sum(notes, name):
    return sum((getattr(note, name) for note in _validated(notes)), Decimal(0))


@pytest.mark.parametrize("group", ["day", "month", "customer", "product"])
def test_sales_total_billed_equals_the_invoice_details(march, group):
    report = sales_report(group=group, filters=MARCH)
    assert report.totals["total"] == _detail_sum(march["invoices"], "total")


@pytest.mark.parametrize("group", ["day", "month", "customer", "product"])
def test_sales_iva_billed_equals_the_invoice_details(march, group):
    report = sales_report(group=group, filters=MARCH)
    assert report.totals["tax_amount"] == _detail_sum(march["invoices"], "tax_amount")


@pytest.mark.parametrize("group", ["day", "month", "customer", "product"])
def test_sales_credited_equals_the_validated_notes(march, group):
    report = sales_report(group=group, filters=MARCH)
    assert report.totals["credited"] == _notes_sum(march["notes"], "total")


def test_sales_net_is_billed_minus_credited(march):
    report = sales_report(group="month", filters=MARCH)
    expected = _detail_sum(march["invoices"], "total") - _notes_sum(march["notes"], "total")
    assert report.totals["net_total"] == expected


def test_sales_counts_only_validated_invoices(march):
    report = sales_report(group="month", filters=MARCH)
    assert report.totals["invoices"] == len(_validated(march["invoices"]))


def test_vat_billed_equals_the_invoice_details(march):
    assert vat_report(filters=MARCH).totals["tax_amount"] == _detail_sum(march["invoices"], "tax_amount")


def test_vat_base_equals_the_invoices_taxable_amount(march):
    expected = sum((i.taxable_amount for i in _validated(march["invoices"])), Decimal(0))
    assert vat_report(filters=MARCH).totals["taxable_amount"] == expected


def test_vat_credited_equals_the_validated_notes(march):
    assert vat_report(filters=MARCH).totals["credited_tax_amount"] == _notes_sum(march["notes"], "tax_amount")


def _by_rate(invoices):
    """IVA per (excluded, rate) from the invoice pages' lines."""
    sums = {}
    for invoice in _validated(invoices):
        for item, line in detail_figures(invoice)["lines"]:
            key = "Excluido de IVA" if item.is_excluded else item.tax_rate
            sums[key] = sums.get(key, Decimal(0)) + (
                line.gross_value if item.is_excluded else line.tax_amount
            )
    return sums


@pytest.mark.parametrize("rate", [Decimal("19.00"), Decimal("5.00")])
def test_vat_per_rate_equals_the_lines_of_the_invoice_details(march, rate):
    rows = {row["rate"]: row for row in vat_report(filters=MARCH).rows if row["label"].startswith("Gravado")}
    assert rows[rate]["tax_amount"] == _by_rate(march["invoices"])[rate]


def _excluded_row(march):
    return next(row for row in vat_report(filters=MARCH).rows if row["label"] == "Excluido de IVA")


def test_vat_excluded_row_has_the_value_of_the_excluded_lines(march):
    assert _excluded_row(march)["gross_value"] == _by_rate(march["invoices"])["Excluido de IVA"]


def test_vat_excluded_row_has_no_tax(march):
    assert _excluded_row(march)["tax_amount"] == 0


def test_vat_exempt_row_has_the_base_of_the_zero_rate_lines(march):
    expected = sum(
        (
            line.taxable_amount
            for invoice in _validated(march["invoices"])
            for item, line in detail_figures(invoice)["lines"]
            if not item.is_excluded and item.tax_rate == 0
        ),
        Decimal(0),
    )
    row = next(row for row in vat_report(filters=MARCH).rows if row["label"].startswith("Exento"))
    assert row["taxable_amount"] == expected


def test_vat_exempt_row_has_no_tax(march):
    row = next(row for row in vat_report(filters=MARCH).rows if row["label"].startswith("Exento"))
    assert row["tax_amount"] == 0


@pytest.mark.parametrize("code", ["05", "06", "07"])
def test_withholdings_equal_what_factus_returned_per_invoice(march, code):
    expected = sum(
        (
            Decimal(w["value"])
            for i in _validated(march["invoices"])
            for w in i.withholdings
            if w["code"] == code
        ),
        Decimal(0),
    )
    row = next(row for row in withholdings_report(filters=MARCH).rows if f"({code})" in row["label"])
    assert row["value"] == expected


def test_withholdings_credited_equal_the_validated_notes(march):
    expected = sum(
        (Decimal(w["value"]) for n in _validated(march["notes"]) for w in n.withholdings), Decimal(0)
    )
    assert withholdings_report(filters=MARCH).totals["credited_value"] == expected


def test_customer_filter_keeps_only_that_customers_invoices(march):
    customer = march["customers"][0]
    mine = [i for i in march["invoices"] if i.customer_id == customer.pk]
    report = sales_report(
        group="day", filters=ReportFilters(MARCH.date_from, MARCH.date_to, customer_id=customer.pk)
    )
    assert report.totals["total"] == _detail_sum(mine, "total")


def test_product_filter_sums_that_products_lines(march):
    item = _validated(march["invoices"])[0].items.first()
    item.product = ProductFactory()
    item.save()
    filters = ReportFilters(MARCH.date_from, MARCH.date_to, product_id=item.product_id)
    assert sales_report(group="month", filters=filters).totals["total"] == item.line_total


def test_unknown_report_is_a_key_error():
    with pytest.raises(KeyError):
        build_report(slug="nada", filters=MARCH)


def test_a_void_written_by_the_credit_note_service_nets_the_iva_to_zero(user):
    """The service stores each note line's figures (invoicing.services.figures), as drafts do."""
    at = timezone.now()
    invoice = make_invoice(random.Random(7), CustomerFactory(), at=at)
    invoice.factus_id, invoice.number = 4242, "SETP990042"
    invoice.save()
    note = credit_note_create_void(invoice_id=invoice.pk, user=user)
    validate(note, list(note.items.all()), at=at)
    today = ReportFilters(date_from=timezone.localdate(at), date_to=timezone.localdate(at))
    assert vat_report(filters=today).totals["net_tax_amount"] == Decimal("0.00")
