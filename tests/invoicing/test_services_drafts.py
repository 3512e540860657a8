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
    data = {
        "customer_id": CustomerFactory().pk,
        "numbering_range_id": NumberingRangeFactory().pk,
        "payment_form": "1",
        "payment_method_code": "10",
        "payment_due_date": date(2030, 1, 1),
        "observation": "",
        "send_email": True,
    }
    data.update(overrides)
    return data


def test_create_draft_with_items_and_event(staff):
    invoice = invoice_create_draft(
        user=staff, items=[item_dict(), item_dict(code_reference="P-2")], **header()
    )
    assert invoice.status == Invoice.Status.DRAFT and invoice.created_by == staff
    assert invoice.payment_due_date is None  # only for crédito
    assert list(invoice.items.values_list("position", "code_reference")) == [(0, "P-1"), (1, "P-2")]
    assert invoice.items.first().withholdings == [{"code": "06", "rate": "7.00"}]
    assert invoice.events.get().action == "create"


def test_credit_needs_a_due_date_and_items_are_required(staff):
    with pytest.raises(ValidationError):
        invoice_create_draft(
            user=staff, items=[item_dict()], **header(payment_form="2", payment_due_date=None)
        )
    with pytest.raises(ValidationError):
        invoice_create_draft(user=staff, items=[], **header())
    assert not Invoice.objects.exists()


def test_update_keeps_the_reference_and_clears_field_errors(staff):
    invoice = invoice_create_draft(user=staff, items=[item_dict()], **header())
    Invoice.objects.filter(pk=invoice.pk).update(
        status=Invoice.Status.INVALID, field_errors={"items.0.name": ["x"]}
    )
    updated = invoice_update_draft(
        invoice_id=invoice.pk,
        user=staff,
        items=[item_dict(quantity=3)],
        **header(payment_form="2", observation="Nota"),
    )
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


def test_drafts_carry_our_estimated_total_of_the_saved_items(staff, django_assert_num_queries):
    invoice = invoice_create_draft(user=staff, items=[item_dict()], **header())
    invoice.refresh_from_db()
    assert invoice.estimated_total == Decimal("1335000.00") and invoice.total is None
    updated = invoice_update_draft(
        invoice_id=invoice.pk,
        user=staff,
        items=[item_dict(quantity=2), item_dict(price=Decimal("100"), discount_rate=Decimal("0"))],
        **header(),
    )
    assert Invoice.objects.get(pk=updated.pk).estimated_total == Decimal("2670100.00")
    copy = invoice_duplicate(invoice_id=invoice.pk, user=staff)
    assert Invoice.objects.get(pk=copy.pk).estimated_total == Decimal("2670100.00")
    # The figure comes from the items being saved: no per-item query, whatever their number.
    data, items = header(), [item_dict()] * 20
    # Inside a transaction (the test's) no savepoint of its own: invoice, items (one INSERT), event.
    with django_assert_num_queries(3):
        invoice_create_draft(user=staff, items=items, **data)


def test_refresh_estimated_total_after_items_changed_elsewhere(staff, admin_client):
    from invoicing.services import invoice_refresh_estimated_total

    invoice = invoice_create_draft(user=staff, items=[item_dict()], **header())
    invoice.items.update(quantity=2)  # e.g. the admin's inline; its save_related calls the service
    assert invoice_refresh_estimated_total(invoice_id=invoice.pk) == Decimal("2670000.00")
    assert Invoice.objects.get(pk=invoice.pk).estimated_total == Decimal("2670000.00")
    page = admin_client.get(f"/admin/invoicing/invoice/{invoice.pk}/change/").text
    assert "2670000" in page.replace(".", "").replace(",", "") and 'name="estimated_total"' not in page
