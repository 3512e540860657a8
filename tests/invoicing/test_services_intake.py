"""Forms sent once: the one-time token of the new-invoice form and the version of the edit form."""

import uuid

import pytest

from invoicing.models import Invoice
from invoicing.services import StaleEditError, intake, invoice_update_current
from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory, item_dict
from tests.invoicing.test_services_drafts import header

pytestmark = pytest.mark.django_db


def test_the_same_token_twice_creates_one_invoice(staff):
    token = uuid.uuid4()
    first, created = intake.invoice_create_once(form_token=token, user=staff, items=[item_dict()], **header())
    second, again = intake.invoice_create_once(form_token=token, user=staff, items=[item_dict()], **header())
    assert created and not again and second.pk == first.pk
    assert Invoice.objects.get().form_token == token


def test_a_token_that_lost_the_race_returns_the_first_invoice(monkeypatch, staff):
    """The second of two concurrent POSTs passed the check before the first committed: the unique
    index refuses its draft, which is rolled back, and it gets the first invoice."""
    token = uuid.uuid4()
    first, _ = intake.invoice_create_once(form_token=token, user=staff, items=[item_dict()], **header())
    real, checks = intake.created_with, iter([None])  # the first check "ran before the commit"
    monkeypatch.setattr(intake, "created_with", lambda t: next(checks, None) or real(t))
    second, created = intake.invoice_create_once(
        form_token=token, user=staff, items=[item_dict()], **header()
    )
    assert not created and second.pk == first.pk
    assert Invoice.objects.count() == 1


def test_an_edit_of_an_old_version_is_refused(staff):
    invoice = InvoiceFactory()
    InvoiceItemFactory(invoice=invoice)
    old = invoice.version_stamp
    data = {**header(customer_id=invoice.customer_id), "items": [item_dict()]}
    invoice_update_current(invoice_id=invoice.pk, version=old, user=staff, **data)
    with pytest.raises(StaleEditError):
        invoice_update_current(invoice_id=invoice.pk, version=old, user=staff, **data)
    assert invoice.events.filter(action="update").count() == 1
