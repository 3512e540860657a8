"""invoices_import / sync_invoices: imports unknown bills, refreshes known ones, idempotent."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Customer
from factus.errors import FactusRejected
from invoicing.credit_selectors import invoice_credit_balance
from invoicing.models import Invoice
from invoicing.payloads import bill_payload
from invoicing.services import credit_note_create_void, credit_note_submit, invoice_submit, invoices_import

pytestmark = pytest.mark.django_db
Status = Invoice.Status


def foreign_bill(factus, make_invoice, identification: str, reference: str, **extra):
    """A bill created at Factus by another system (the app keeps no record of it)."""
    invoice = make_invoice()
    payload = bill_payload(invoice)
    invoice.delete()
    payload.update(extra, reference_code=reference)
    payload["customer"].update(identification=identification, names=f"Externo {identification}")
    return factus.validate_bill(payload)


def test_import_creates_refreshes_and_is_idempotent(make_invoice, staff, factus, sandbox):
    for n in range(11):  # more than one Factus page (10 per page)
        foreign_bill(factus, make_invoice, f"7000{n:04d}", f"EXT-{n}")
    ours = make_invoice("3333333333")
    invoice_submit(invoice_id=ours.pk, user=staff, client=factus)
    factus.validate_bill(bill_payload(ours))  # validated at Factus behind our back
    customers = Customer.objects.count()

    summary = invoices_import(user=staff, client=factus)
    assert (summary.seen, summary.created, summary.updated, summary.failed) == (12, 11, 1, 0)
    assert "11 nuevas" in str(summary)
    imported = Invoice.objects.get(reference_code="EXT-3")
    assert imported.status == Status.VALIDATED and len(imported.cufe) == 96
    assert imported.customer.identification == "70000003" and imported.customer.names == "Externo 70000003"
    assert imported.total == Decimal("1335000.00") and imported.items.get().price == Decimal("1500000.00")
    assert imported.estimated_total == Decimal("1335000.00")  # ours, from the imported items
    assert imported.numbering_range.factus_id == 8 and imported.events.get().action == "import"
    assert Customer.objects.count() == customers + 11
    ours.refresh_from_db()
    assert ours.status == Status.VALIDATED and ours.cufe and ours.events.first().action == "reconcile"

    again = invoices_import(user=staff, client=factus)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 12)
    assert Invoice.objects.count() == 12


FREIGHT = {
    "concept_type": "03",
    "is_surcharge": True,
    "reason": "Flete",
    "base_amount": 1335000,
    "amount": 133500,
}


@pytest.fixture
def imported_with_freight(make_invoice, staff, factus):
    """A bill made at Factus by another system with a 133.500 freight surcharge, then imported."""
    foreign_bill(factus, make_invoice, "70000009", "EXT-S", allowance_charges=[FREIGHT])
    invoices_import(user=staff, client=factus)
    return Invoice.objects.get(reference_code="EXT-S")


def test_an_imported_bill_with_a_surcharge_is_voided_whole(imported_with_freight, staff, factus, note_range):
    void = credit_note_create_void(invoice_id=imported_with_freight.pk, user=staff)
    result = credit_note_submit(credit_note_id=void.pk, user=staff, client=factus)
    assert result.outcome == "validated", result.message
    assert invoice_credit_balance(imported_with_freight).is_voided


def test_an_imported_bill_keeps_its_surcharge_in_factus_total(imported_with_freight):
    assert imported_with_freight.total == Decimal("1468500.00")


def test_an_imported_bill_keeps_its_surcharge_in_our_total(imported_with_freight):
    assert imported_with_freight.estimated_total == Decimal("1468500.00")


@pytest.fixture
def pending_import_validated_later(make_invoice, staff, factus):
    """A bill made elsewhere, pending at the DIAN when imported (a list row: no lines), then
    validated at Factus and imported again."""
    invoice = make_invoice("3333333333")  # the emulator keeps this customer's bills pending
    payload = bill_payload(invoice)
    invoice.delete()
    payload.update(reference_code="EXT-P", allowance_charges=[FREIGHT])
    factus.validate_bill(payload)
    invoices_import(user=staff, client=factus)
    factus.validate_bill(payload)  # the same reference again: validated
    invoices_import(user=staff, client=factus)
    return Invoice.objects.get(reference_code="EXT-P")


def test_a_pending_import_validated_later_gets_its_lines(pending_import_validated_later):
    assert pending_import_validated_later.items.get().price == Decimal("1500000.00")


def test_a_pending_import_validated_later_is_voided_with_its_surcharge(pending_import_validated_later, staff):
    # Its customer keeps every document pending at the emulator: the void's own total tells.
    void = credit_note_create_void(invoice_id=pending_import_validated_later.pk, user=staff)
    assert void.estimated_total == Decimal("1468500.00")


def test_import_keeps_unvalidated_bills_and_their_rejection(make_invoice, factus):
    with pytest.raises(FactusRejected):
        foreign_bill(factus, make_invoice, "1111111111", "EXT-R")
    summary = invoices_import(client=factus)
    assert summary.created == 1
    rejected = Invoice.objects.get(reference_code="EXT-R")
    assert rejected.status == Status.REJECTED and rejected.can_delete_at_factus
    assert "Rechazo" in rejected.dian_messages[0] and rejected.total == Decimal("1335000.00")


def test_import_stops_politely_when_rate_limited(make_invoice, factus, sandbox):
    foreign_bill(factus, make_invoice, "70000001", "EXT-1")
    sandbox.configure(rate_limit=1)
    summary = invoices_import(client=factus)
    assert summary.interrupted and "Interrumpido" in str(summary)


def test_sync_invoices_command_prints_one_summary_line(make_invoice, factus, monkeypatch):
    foreign_bill(factus, make_invoice, "70000001", "EXT-1")
    monkeypatch.setattr("invoicing.services.imports.get_client", lambda: factus)
    out = StringIO()
    call_command("sync_invoices", stdout=out)
    assert out.getvalue().strip().startswith("Factus: 1 facturas revisadas, 1 nuevas")
