"""Credit notes against the emulator as a real HTTP server: every outcome an invoice has, the balance
rule (per line and in total, at creation and again when sent), and no double note."""

import uuid
from decimal import Decimal

import pytest

from invoicing.credit_selectors import invoice_credit_balance, invoices_with_credit_state
from invoicing.models import CreditNote, Invoice
from invoicing.services import (
    CreditLimitError,
    CreditLine,
    credit_note_create_partial,
    credit_note_create_void,
    credit_note_delete_at_factus,
    credit_note_document,
    credit_note_send_email,
    credit_note_submit,
    credit_note_totals,
    credit_note_update_draft,
)
from tests.invoicing.credit_helpers import credit_notes, validated_invoice

pytestmark = pytest.mark.django_db
Status = CreditNote.Status
RETURN, DISCOUNT = CreditNote.Concept.PARTIAL_RETURN, CreditNote.Concept.DISCOUNT


def _lines(invoice):
    return list(invoice.items.order_by("position"))


def _submit(note, user, client):
    return credit_note_submit(credit_note_id=note.pk, user=user, client=client)


def test_a_void_note_credits_the_whole_invoice_and_it_reads_as_voided(live, staff, note_range, sandbox):
    invoice = validated_invoice(live, staff)
    note = credit_note_create_void(invoice_id=invoice.pk, user=staff)
    result = _submit(note, staff, live)
    assert result.outcome == "validated", result.message
    note.refresh_from_db()
    assert note.total == invoice.total
    assert note.cude and note.number.startswith("NC")
    assert invoice_credit_balance(invoice).balance == 0
    assert invoice_credit_balance(invoice).is_voided
    assert invoices_with_credit_state(Invoice.objects.filter(pk=invoice.pk)).get().is_voided


def test_the_note_sent_references_our_bill_and_its_concept(live, staff, note_range, sandbox):
    invoice = validated_invoice(live, staff)
    _submit(credit_note_create_void(invoice_id=invoice.pk, user=staff), staff, live)
    sent = credit_notes(sandbox)[0]["data"]["credit_note"]
    assert (sent["bill_id"], sent["correction_concept"]["code"], sent["customization_id"]["code"]) == (
        invoice.factus_id,
        "2",
        "20",
    )


def test_a_partial_return_leaves_the_rest_of_the_line(live, staff, note_range):
    invoice = validated_invoice(live, staff)
    first = _lines(invoice)[0]  # 2 units of 50 000
    note = credit_note_create_partial(
        invoice_id=invoice.pk, user=staff, concept=RETURN, lines=[CreditLine(first.pk, 1)]
    )
    assert _submit(note, staff, live).outcome == "validated"
    balance = invoice_credit_balance(invoice)
    assert balance.line(first.pk).quantity_left == 1
    assert balance.balance == invoice.total - Decimal("50000.00")
    assert not balance.is_voided


def test_a_price_reduction_keeps_the_units_and_takes_value_off(live, staff, note_range):
    invoice = validated_invoice(live, staff)
    first = _lines(invoice)[0]
    note = credit_note_create_partial(
        invoice_id=invoice.pk,
        user=staff,
        concept=DISCOUNT,
        lines=[CreditLine(first.pk, 2, Decimal("10000"))],
    )
    assert _submit(note, staff, live).outcome == "validated"
    left = invoice_credit_balance(invoice).line(first.pk)
    assert (left.quantity_left, left.amount_left) == (2, Decimal("80000.00"))


def test_more_units_than_the_line_has_are_refused_on_that_line(live, staff, note_range):
    invoice = validated_invoice(live, staff)
    first, second = _lines(invoice)
    with pytest.raises(CreditLimitError) as refused:
        credit_note_create_partial(
            invoice_id=invoice.pk,
            user=staff,
            concept=RETURN,
            lines=[CreditLine(first.pk, 0), CreditLine(second.pk, 2)],
        )
    assert list(refused.value.field_errors) == ["lines-1-quantity"]
    assert not CreditNote.objects.exists()


def test_a_reduction_above_the_unit_price_is_refused_on_its_price(live, staff, note_range):
    invoice = validated_invoice(live, staff)
    first = _lines(invoice)[0]
    with pytest.raises(CreditLimitError) as refused:
        credit_note_create_partial(
            invoice_id=invoice.pk,
            user=staff,
            concept=DISCOUNT,
            lines=[CreditLine(first.pk, 1, Decimal("50000.01"))],
        )
    assert list(refused.value.field_errors) == ["lines-0-price"]


def test_nothing_is_credited_twice_after_a_void(live, staff, note_range):
    invoice = validated_invoice(live, staff)
    _submit(credit_note_create_void(invoice_id=invoice.pk, user=staff), staff, live)
    with pytest.raises(CreditLimitError) as refused:
        credit_note_create_void(invoice_id=invoice.pk, user=staff)
    assert "no le queda nada" in refused.value.message


def test_a_draft_that_no_longer_fits_is_refused_when_sent_and_nothing_reaches_factus(
    live, staff, note_range, sandbox
):
    invoice = validated_invoice(live, staff)
    first = _lines(invoice)[0]
    one = credit_note_create_partial(
        invoice_id=invoice.pk, user=staff, concept=RETURN, lines=[CreditLine(first.pk, 2)]
    )
    two = credit_note_create_partial(
        invoice_id=invoice.pk, user=staff, concept=RETURN, lines=[CreditLine(first.pk, 2)]
    )
    assert _submit(one, staff, live).outcome == "validated"
    refused = _submit(two, staff, live)
    assert (refused.outcome, refused.recorded) == ("invalid", False)
    assert "lines-0-quantity" in refused.field_errors
    assert len(credit_notes(sandbox)) == 1
    assert CreditNote.objects.get(pk=two.pk).status == Status.DRAFT


def test_the_same_form_token_twice_makes_one_note(live, staff, note_range):
    invoice = validated_invoice(live, staff)
    token = uuid.uuid4()
    first = credit_note_create_void(invoice_id=invoice.pk, user=staff, form_token=token)
    again = credit_note_create_void(invoice_id=invoice.pk, user=staff, form_token=token)
    assert first.pk == again.pk and CreditNote.objects.count() == 1


def test_a_note_on_an_invoice_not_validated_is_refused(staff, make_invoice):
    invoice = make_invoice()
    with pytest.raises(CreditLimitError):
        credit_note_create_void(invoice_id=invoice.pk, user=staff)


def test_pending_at_the_dian_counts_against_the_invoice_and_a_retry_validates_it(live, staff, note_range):
    invoice = validated_invoice(live, staff)
    note = credit_note_create_void(invoice_id=invoice.pk, user=staff, observation="emulator:pendiente")
    first = _submit(note, staff, live)
    assert first.outcome == "pending" and "nota crédito" in first.message
    assert invoice_credit_balance(invoice).committed == invoice.total
    assert invoice_credit_balance(invoice).credited == 0
    assert _submit(note, staff, live).outcome == "validated"


def test_a_dian_rejection_is_deleted_at_factus_and_corrected(live, staff, note_range, sandbox):
    invoice = validated_invoice(live, staff)
    note = credit_note_create_void(invoice_id=invoice.pk, user=staff, observation="emulator:rechazo")
    rejected = _submit(note, staff, live)
    assert rejected.outcome == "rejected" and "Elimínela en Factus" in rejected.message
    old = note.reference_code
    reopened = credit_note_delete_at_factus(credit_note_id=note.pk, user=staff, client=live)
    assert reopened.status == Status.DRAFT and reopened.reference_code != old
    credit_note_update_draft(
        credit_note_id=note.pk, user=staff, concept=CreditNote.Concept.VOID, lines=[], observation=""
    )
    assert _submit(note, staff, live).outcome == "validated"
    assert [n["reference_code"] for n in credit_notes(sandbox)] == [reopened.reference_code]


def test_a_422_lands_on_the_row_of_the_form_that_posted_the_line(live, staff, note_range):
    invoice = validated_invoice(live, staff)
    first, second = _lines(invoice)
    note = credit_note_create_partial(
        invoice_id=invoice.pk,
        user=staff,
        concept=RETURN,
        lines=[CreditLine(first.pk, 0), CreditLine(second.pk, 1)],
    )
    note.items.update(code_reference="")  # what Factus refuses on that line
    result = _submit(note, staff, live)
    assert result.outcome == "invalid"
    assert list(result.field_errors) == ["lines-1-code_reference"]
    note.refresh_from_db()
    assert note.status == Status.INVALID and note.field_errors == result.field_errors


def test_a_409_names_the_pending_note_that_blocks_and_whether_it_is_ours(live, staff, note_range):
    invoice = validated_invoice(live, staff)
    first, second = _lines(invoice)
    pending = credit_note_create_partial(
        invoice_id=invoice.pk,
        user=staff,
        concept=RETURN,
        lines=[CreditLine(first.pk, 1)],
        observation="emulator:pendiente",
    )
    _submit(pending, staff, live)
    pending.refresh_from_db()
    blocked_note = credit_note_create_partial(
        invoice_id=invoice.pk, user=staff, concept=RETURN, lines=[CreditLine(second.pk, 1)]
    )
    result = _submit(blocked_note, staff, live)
    assert result.outcome == "conflict"
    assert result.blocking["credit_note_id"] == pending.pk and result.blocking["ours"]
    assert pending.number in result.message
    assert CreditNote.objects.get(pk=blocked_note.pk).status == Status.FAILED


def test_a_lost_answer_is_looked_up_by_reference_and_recorded_once(live, staff, note_range, sandbox):
    invoice = validated_invoice(live, staff)
    sandbox.configure(lose_rate=1.0, lose_modes="500")
    result = _submit(credit_note_create_void(invoice_id=invoice.pk, user=staff), staff, live)
    assert result.outcome == "validated" and "sí la tenía" in result.message
    assert len(credit_notes(sandbox)) == 1


def test_a_dropped_connection_is_looked_up_too(live, staff, note_range, sandbox):
    invoice = validated_invoice(live, staff)
    sandbox.configure(lose_rate=1.0, lose_modes="drop")
    result = _submit(credit_note_create_void(invoice_id=invoice.pk, user=staff), staff, live)
    assert result.outcome == "validated"
    assert len(credit_notes(sandbox)) == 1


def test_a_server_error_before_processing_is_not_a_note(live, staff, note_range, sandbox):
    invoice = validated_invoice(live, staff)
    sandbox.configure(fail_rate=1.0)
    result = _submit(credit_note_create_void(invoice_id=invoice.pk, user=staff), staff, live)
    assert result.outcome in ("failed", "unverified")
    assert credit_notes(sandbox) == []


def test_429_says_when_to_retry_and_sends_nothing(live, staff, note_range, sandbox):
    invoice = validated_invoice(live, staff)
    note = credit_note_create_void(invoice_id=invoice.pk, user=staff)
    sandbox.configure(rate_limit=1)
    live.list_credit_notes()  # spends the minute's only request
    result = _submit(note, staff, live)
    assert result.outcome == "rate_limited" and result.retry_after
    assert credit_notes(sandbox) == []


def test_a_second_submit_of_a_validated_note_sends_nothing(live, staff, note_range, sandbox):
    invoice = validated_invoice(live, staff)
    note = credit_note_create_void(invoice_id=invoice.pk, user=staff)
    _submit(note, staff, live)
    again = _submit(note, staff, live)
    assert (again.outcome, again.recorded) == ("validated", False)
    assert len(credit_notes(sandbox)) == 1


def test_live_totals_equal_what_the_note_will_send(live, staff, note_range):
    invoice = validated_invoice(live, staff)
    first = _lines(invoice)[0]
    totals = credit_note_totals(invoice_id=invoice.pk, concept=RETURN, lines=[CreditLine(first.pk, 1)])
    assert totals.total == Decimal("50000.00")


def test_pdf_xml_and_email_of_a_validated_note(live, staff, note_range, sandbox):
    invoice = validated_invoice(live, staff)
    note = credit_note_create_void(invoice_id=invoice.pk, user=staff)
    _submit(note, staff, live)
    pdf = credit_note_document(credit_note_id=note.pk, user=staff, kind="pdf", client=live)
    xml = credit_note_document(credit_note_id=note.pk, user=staff, kind="xml", client=live)
    assert pdf.content.startswith(b"%PDF") and xml.file_name.endswith(".xml")
    credit_note_send_email(credit_note_id=note.pk, user=staff, email="a@example.com", client=live)
    assert sandbox.outbox[-1]["to"] == "a@example.com"


def test_sync_imports_the_accounts_credit_notes_linked_to_their_invoice_once(live, staff, note_range):
    from invoicing.services import credit_notes_import

    invoice = validated_invoice(live, staff)
    note = credit_note_create_void(invoice_id=invoice.pk, user=staff)
    _submit(note, staff, live)
    number = CreditNote.objects.get(pk=note.pk).number
    CreditNote.objects.all().delete()  # known at Factus only
    first = credit_notes_import(user=staff, client=live)
    again = credit_notes_import(user=staff, client=live)
    imported = CreditNote.objects.get()
    assert (imported.number, imported.invoice_id, imported.status) == (number, invoice.pk, Status.VALIDATED)
    assert imported.items.count() == invoice.items.count()
    assert (first.created, again.created, again.unchanged) == (1, 0, 1)
    assert invoice_credit_balance(invoice).is_voided


def test_sync_refuses_a_note_whose_bill_is_not_ours(live, staff, note_range):
    from invoicing.services import credit_notes_import

    invoice = validated_invoice(live, staff)
    _submit(credit_note_create_void(invoice_id=invoice.pk, user=staff), staff, live)
    CreditNote.objects.all().delete()
    invoice.items.all().delete()
    Invoice.objects.all().delete()
    summary = credit_notes_import(user=staff, client=live)
    assert summary.failed == 1 and "no está en la aplicación" in summary.errors[0]


def test_voiding_after_a_reduction_credits_exactly_what_is_left(live, staff, note_range):
    invoice = validated_invoice(live, staff)
    first = _lines(invoice)[0]
    reduce = credit_note_create_partial(
        invoice_id=invoice.pk, user=staff, concept=DISCOUNT, lines=[CreditLine(first.pk, 1, Decimal("0.01"))]
    )
    _submit(reduce, staff, live)
    void = credit_note_create_void(invoice_id=invoice.pk, user=staff)
    assert _submit(void, staff, live).outcome == "validated"
    void.refresh_from_db()
    assert void.total == invoice.total - Decimal("0.01")
    assert invoice_credit_balance(invoice).is_voided


def test_voiding_after_a_partial_return_returns_the_units_left(live, staff, note_range):
    invoice = validated_invoice(live, staff)
    first = _lines(invoice)[0]
    _submit(
        credit_note_create_partial(
            invoice_id=invoice.pk, user=staff, concept=RETURN, lines=[CreditLine(first.pk, 1)]
        ),
        staff,
        live,
    )
    void = credit_note_create_void(invoice_id=invoice.pk, user=staff)
    assert void.items.get(invoice_item=first).quantity == 1
    assert _submit(void, staff, live).outcome == "validated"
    assert invoice_credit_balance(invoice).balance == 0
