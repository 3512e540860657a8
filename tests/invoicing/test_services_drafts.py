from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from invoicing.models import Invoice
from invoicing.services import (
    InvoiceActionError,
    invoice_create_draft,
    invoice_duplicate,
    invoice_update_draft,
)
from tests.invoicing.factories import CustomerFactory, NumberingRangeFactory, item_dict

pytestmark = pytest.mark.django_db


def header(**overrides):
    data = {"customer_id": CustomerFactory().pk, "numbering_range_id": NumberingRangeFactory().pk,
            "payment_form": "1", "payment_method_code": "10", "payment_due_date": date(2030, 1, 1),
            "observation": "", "send_email": True}
    data.update(overrides)
    return data


def test_create_draft_with_items_and_event(staff):
    invoice = invoice_create_draft(user=staff, items=[item_dict(), item_dict(code_reference="P-2")],
                                   **header())
    assert invoice.status == Invoice.Status.DRAFT and invoice.created_by == staff
    assert invoice.payment_due_date is None  # only for crédito
    assert list(invoice.items.values_list("position", "code_reference")) == [(0, "P-1"), (1, "P-2")]
    assert invoice.items.first().withholdings == [{"code": "06", "rate": "7.00"}]
    assert invoice.events.get().action == "create"


def test_credit_needs_a_due_date_and_items_are_required(staff):
    with pytest.raises(ValidationError):
        invoice_create_draft(user=staff, items=[item_dict()],
                             **header(payment_form="2", payment_due_date=None))
    with pytest.raises(ValidationError):
        invoice_create_draft(user=staff, items=[], **header())
    assert not Invoice.objects.exists()


def test_update_keeps_the_reference_and_clears_field_errors(staff):
    invoice = invoice_create_draft(user=staff, items=[item_dict()], **header())
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.INVALID,
                                                 field_errors={"items.0.name": ["x"]})
    updated = invoice_update_draft(invoice_id=invoice.pk, user=staff, items=[item_dict(quantity=3)],
                                   **header(payment_form="2", observation="Nota"))
    assert updated.reference_code == invoice.reference_code and updated.status == Invoice.Status.DRAFT
    assert updated.field_errors == {} and updated.payment_due_date == date(2030, 1, 1)
    assert updated.items.get().quantity == 3


def test_update_refuses_a_validated_invoice(staff):
    invoice = invoice_create_draft(user=staff, items=[item_dict()], **header())
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.VALIDATED)
    with pytest.raises(InvoiceActionError, match="no se puede editar"):
        invoice_update_draft(invoice_id=invoice.pk, user=staff, items=[item_dict()], **header())


def test_duplicate_copies_items_with_a_new_reference(staff):
    source = invoice_create_draft(user=staff, items=[item_dict(price=Decimal("99.99"))], **header())
    Invoice.objects.filter(pk=source.pk).update(status=Invoice.Status.VALIDATED, number="SETP1")
    copy = invoice_duplicate(invoice_id=source.pk, user=staff)
    assert copy.pk != source.pk and copy.reference_code != source.reference_code
    assert copy.status == Invoice.Status.DRAFT and copy.number == ""
    assert copy.items.get().price == Decimal("99.99")
    assert "SETP1" in copy.events.get().message
