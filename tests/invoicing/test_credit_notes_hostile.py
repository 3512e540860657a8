"""Credit notes from a hostile caller: odd quantities and prices, lines and invoices that do not fit,
an invoice that changed under a draft, 200-line invoices (the emulator behind ``responses``)."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicing.credit_selectors import invoice_credit_balance
from invoicing.models import CreditNote, Invoice
from invoicing.services import (
    CreditLimitError,
    CreditLine,
    credit_note_create_partial,
    credit_note_create_void,
    credit_note_submit,
    credit_note_totals,
    credit_note_update_draft,
)
from tests.invoicing.credit_helpers import credit_notes, validated_invoice

pytestmark = pytest.mark.django_db
Concept = CreditNote.Concept
RETURN, DISCOUNT = Concept.PARTIAL_RETURN, Concept.DISCOUNT
WIDE = ((1, "1190.00", "0"),) * 200


def _first(invoice):
    return invoice.items.order_by("position").first()


def _refusal(invoice, staff, concept, lines) -> CreditLimitError:
    with pytest.raises(CreditLimitError) as refused:
        credit_note_create_partial(invoice_id=invoice.pk, user=staff, concept=concept, lines=lines)
    return refused.value


@pytest.mark.parametrize("price", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_a_reduction_that_is_not_a_number_is_refused_on_its_price(factus, staff, note_range, price):
    invoice = validated_invoice(factus, staff)
    refused = _refusal(invoice, staff, DISCOUNT, [CreditLine(_first(invoice).pk, 1, Decimal(price))])
    assert list(refused.field_errors) == ["lines-0-price"]


def test_a_reduction_that_rounds_to_zero_cents_is_refused_on_its_price(factus, staff, note_range):
    invoice = validated_invoice(factus, staff)
    refused = _refusal(invoice, staff, DISCOUNT, [CreditLine(_first(invoice).pk, 1, Decimal("0.004"))])
    assert list(refused.field_errors) == ["lines-0-price"]


def test_live_totals_refuse_a_price_that_is_not_a_number_too(factus, staff, note_range):
    invoice = validated_invoice(factus, staff)
    with pytest.raises(CreditLimitError) as refused:
        credit_note_totals(
            invoice_id=invoice.pk, concept=DISCOUNT, lines=[CreditLine(_first(invoice).pk, 1, Decimal("NaN"))]
        )
    assert list(refused.value.field_errors) == ["lines-0-price"]


@pytest.mark.parametrize("quantity", [Decimal("1.5"), 1.5, "1", True, None])
def test_a_quantity_that_is_not_a_whole_number_is_refused_on_its_quantity(
    factus, staff, note_range, quantity
):
    invoice = validated_invoice(factus, staff)
    refused = _refusal(invoice, staff, RETURN, [CreditLine(_first(invoice).pk, quantity)])
    assert list(refused.field_errors) == ["lines-0-quantity"]


@pytest.mark.parametrize("quantity", [-1, 10**30])
def test_a_negative_or_huge_quantity_is_refused_on_its_quantity(factus, staff, note_range, quantity):
    invoice = validated_invoice(factus, staff)
    refused = _refusal(invoice, staff, RETURN, [CreditLine(_first(invoice).pk, quantity)])
    assert list(refused.field_errors) == ["lines-0-quantity"]


def test_only_zero_quantities_credit_nothing_and_say_so(factus, staff, note_range):
    invoice = validated_invoice(factus, staff)
    refused = _refusal(invoice, staff, RETURN, [CreditLine(item.pk, 0) for item in invoice.items.all()])
    assert "al menos una línea" in refused.message


def test_a_huge_reduction_on_a_line_is_refused_on_its_price(factus, staff, note_range):
    invoice = validated_invoice(factus, staff)
    refused = _refusal(invoice, staff, DISCOUNT, [CreditLine(_first(invoice).pk, 1, Decimal("1e30"))])
    assert list(refused.field_errors) == ["lines-0-price"]


def test_a_line_of_another_invoice_is_refused(factus, staff, note_range):
    invoice, other = validated_invoice(factus, staff), validated_invoice(factus, staff)
    refused = _refusal(invoice, staff, RETURN, [CreditLine(_first(other).pk, 1)])
    assert "no pertenece" in refused.message


def test_an_unknown_line_id_is_refused(factus, staff, note_range):
    invoice = validated_invoice(factus, staff)
    refused = _refusal(invoice, staff, RETURN, [CreditLine("x", 1)])
    assert "no pertenece" in refused.message


def test_editing_a_draft_onto_a_line_of_another_invoice_is_refused(factus, staff, note_range):
    invoice, other = validated_invoice(factus, staff), validated_invoice(factus, staff)
    note = credit_note_create_partial(
        invoice_id=invoice.pk, user=staff, concept=RETURN, lines=[CreditLine(_first(invoice).pk, 1)]
    )
    with pytest.raises(CreditLimitError):
        credit_note_update_draft(
            credit_note_id=note.pk, user=staff, concept=RETURN, lines=[CreditLine(_first(other).pk, 1)]
        )


@pytest.mark.parametrize("status", [Invoice.Status.DELETED, Invoice.Status.REJECTED, Invoice.Status.DRAFT])
def test_a_note_on_an_invoice_that_is_no_longer_validated_is_refused(factus, staff, note_range, status):
    invoice = validated_invoice(factus, staff)
    Invoice.objects.filter(pk=invoice.pk).update(status=status)
    with pytest.raises(CreditLimitError):
        credit_note_create_void(invoice_id=invoice.pk, user=staff)


def test_a_draft_whose_invoice_is_no_longer_validated_is_not_sent(factus, staff, note_range, sandbox):
    invoice = validated_invoice(factus, staff)
    note = credit_note_create_void(invoice_id=invoice.pk, user=staff)
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.DELETED)
    result = credit_note_submit(credit_note_id=note.pk, user=staff, client=factus)
    assert (result.outcome, result.recorded) == ("invalid", False)
    assert credit_notes(sandbox) == []


def test_a_form_token_replayed_on_another_invoice_is_refused(factus, staff, note_range):
    invoice, other = validated_invoice(factus, staff), validated_invoice(factus, staff)
    token = uuid.uuid4()
    credit_note_create_void(invoice_id=invoice.pk, user=staff, form_token=token)
    with pytest.raises(CreditLimitError):
        credit_note_create_void(invoice_id=other.pk, user=staff, form_token=token)
    assert not CreditNote.objects.filter(invoice=other).exists()


def test_a_note_on_an_invoice_that_does_not_exist_is_not_found_and_nothing_is_created(staff, note_range):
    with pytest.raises(Invoice.DoesNotExist):  # the view's 404
        credit_note_create_void(invoice_id=987654, user=staff)
    assert not CreditNote.objects.exists()


def test_a_note_of_a_200_line_invoice_voids_it(factus, staff, note_range):
    invoice = validated_invoice(factus, staff, lines=WIDE)
    note = credit_note_create_void(invoice_id=invoice.pk, user=staff)
    assert credit_note_submit(credit_note_id=note.pk, user=staff, client=factus).ok
    assert invoice_credit_balance(invoice).is_voided


def test_a_return_of_one_unit_on_each_of_200_lines_is_validated(factus, staff, note_range):
    invoice = validated_invoice(factus, staff, lines=((2, "1190.00", "0"),) * 200)
    lines = [CreditLine(item.pk, 1) for item in invoice.items.all()]
    note = credit_note_create_partial(invoice_id=invoice.pk, user=staff, concept=RETURN, lines=lines)
    assert credit_note_submit(credit_note_id=note.pk, user=staff, client=factus).ok
    assert invoice_credit_balance(invoice).balance == invoice.total / 2


def _submit_queries(factus, staff, lines) -> int:
    invoice = validated_invoice(factus, staff, lines=lines)
    note = credit_note_create_void(invoice_id=invoice.pk, user=staff)
    factus.token_manager.get_token()
    with CaptureQueriesContext(connection) as captured:
        credit_note_submit(credit_note_id=note.pk, user=staff, client=factus)
    return len(captured.captured_queries)


def test_sending_a_note_costs_the_same_queries_at_1_and_200_lines(factus, staff, note_range):
    assert _submit_queries(factus, staff, WIDE[:1]) == _submit_queries(factus, staff, WIDE)


def test_returning_every_unit_one_by_one_credits_the_cent_rounding_left(factus, staff, note_range):
    # 3 x 1.08 less 7 %: the line totals 3.01, one unit 1.00; the last return credits 1.01.
    invoice = validated_invoice(factus, staff, lines=((3, "1.08", "7"),))
    line = _first(invoice)
    for _ in range(3):
        note = credit_note_create_partial(
            invoice_id=invoice.pk, user=staff, concept=RETURN, lines=[CreditLine(line.pk, 1)]
        )
        assert credit_note_submit(credit_note_id=note.pk, user=staff, client=factus).ok
    assert invoice_credit_balance(invoice).is_voided


def test_a_cent_left_on_a_line_with_no_unit_left_is_voided(factus, staff, note_range):
    # A line whose units were all returned at 1.00 each (a note of an earlier version, or imported)
    # but totals 3.01: the void credits the cent.
    invoice = validated_invoice(factus, staff, lines=((3, "1.08", "7"),))
    line = _first(invoice)
    for _ in range(2):
        note = credit_note_create_partial(
            invoice_id=invoice.pk, user=staff, concept=RETURN, lines=[CreditLine(line.pk, 1)]
        )
        assert credit_note_submit(credit_note_id=note.pk, user=staff, client=factus).ok
    last = credit_note_create_partial(
        invoice_id=invoice.pk, user=staff, concept=RETURN, lines=[CreditLine(line.pk, 1)]
    )
    last.items.update(price=Decimal("1.00"), discount_rate=0)
    CreditNote.objects.filter(pk=last.pk).update(estimated_total=Decimal("1.00"))
    assert credit_note_submit(credit_note_id=last.pk, user=staff, client=factus).ok
    assert invoice_credit_balance(invoice).balance == Decimal("0.01")
    void = credit_note_create_void(invoice_id=invoice.pk, user=staff)
    assert credit_note_submit(credit_note_id=void.pk, user=staff, client=factus).ok
    assert invoice_credit_balance(invoice).is_voided


def test_returning_the_last_unit_credits_what_rounding_left_of_the_line(factus, staff, note_range):
    # 2 x 1.06 less 5 %: the line totals 2.01, one unit 1.01; the last unit has 1.00 left.
    invoice = validated_invoice(factus, staff, lines=((2, "1.06", "5"),))
    line = _first(invoice)
    for _ in range(2):
        note = credit_note_create_partial(
            invoice_id=invoice.pk, user=staff, concept=RETURN, lines=[CreditLine(line.pk, 1)]
        )
        assert credit_note_submit(credit_note_id=note.pk, user=staff, client=factus).ok
    assert invoice_credit_balance(invoice).is_voided


def test_returning_the_last_units_after_a_reduction_credits_what_is_left_and_keeps_the_units(
    factus, staff, note_range
):
    invoice = validated_invoice(factus, staff, lines=((3, "100.00", "0"),))
    line = _first(invoice)
    reduce = credit_note_create_partial(
        invoice_id=invoice.pk, user=staff, concept=DISCOUNT, lines=[CreditLine(line.pk, 1, Decimal("10"))]
    )
    assert credit_note_submit(credit_note_id=reduce.pk, user=staff, client=factus).ok
    back = credit_note_create_partial(
        invoice_id=invoice.pk, user=staff, concept=RETURN, lines=[CreditLine(line.pk, 3)]
    )
    assert credit_note_submit(credit_note_id=back.pk, user=staff, client=factus).ok
    assert sum(item.quantity for item in back.items.all()) == 3
    assert invoice_credit_balance(invoice).is_voided
