"""The invoicing admin is read-only: every URL of every registered invoicing model, as a superuser."""

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from invoicing.models import Invoice, InvoiceEvent, InvoiceItem
from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db

MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "invoicing"),
    key=lambda model: model.__name__,
)
SAVE_BUTTONS = ('name="_save"', 'name="_continue"', 'name="_addanother"', 'name="_saveasnew"')


def snapshot() -> list:
    return [list(model.objects.order_by("pk").values()) for model in (Invoice, InvoiceItem, InvoiceEvent)]


@pytest.fixture
def records():
    """A validated invoice with a line and an event: what the admin could once edit."""
    invoice = InvoiceFactory(status=Invoice.Status.VALIDATED, number="SETP990000001", total=Decimal("59500"))
    InvoiceItemFactory(invoice=invoice, quantity=1, price=Decimal("50000"))
    InvoiceEvent.objects.create(
        invoice=invoice, action=InvoiceEvent.Action.SUBMIT, outcome=InvoiceEvent.Outcome.VALIDATED
    )
    return {Invoice: invoice, InvoiceItem: invoice.items.get(), InvoiceEvent: invoice.events.get()}


@pytest.fixture
def superuser_client(client, admin_user):
    client.force_login(admin_user)
    return client


def url(model, view, *args):
    return reverse(f"admin:invoicing_{model._meta.model_name}_{view}", args=args)


def test_invoices_items_and_events_are_all_registered():
    assert [Invoice, InvoiceEvent, InvoiceItem] == MODELS


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_shows_rows_without_add_or_delete(superuser_client, records, model):
    response = superuser_client.get(url(model, "changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert url(model, "change", records[model].pk) in html
    assert url(model, "add") not in html
    assert "delete_selected" not in html


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_change_page_shows_the_record_with_no_save_button(superuser_client, records, model):
    response = superuser_client.get(url(model, "change", records[model].pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert not [button for button in SAVE_BUTTONS if button in html]
    assert url(model, "delete", records[model].pk) not in html


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_change_page_has_no_form_field(superuser_client, records, model):
    html = superuser_client.get(url(model, "change", records[model].pk)).content.decode()
    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    visible = [c for c in controls if ' name="' in c and 'type="hidden"' not in c]
    assert visible == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_history_is_readable(superuser_client, records, model):
    assert superuser_client.get(url(model, "history", records[model].pk)).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("view", ["add", "delete"])
def test_add_and_delete_pages_are_forbidden(superuser_client, records, model, view):
    args = () if view == "add" else (records[model].pk,)
    assert superuser_client.get(url(model, view, *args)).status_code == 403


def _posts(model, obj):
    """Every write the admin could take for this model: add, change (with an inline edit), delete."""
    invoice = obj if model is Invoice else obj.invoice
    change = {
        "quantity": "7",
        "price": "45000",
        "message": "editado",
        "status": "draft",
        "observation": "editada en el admin",
        "customer": str(invoice.customer_id),
        "numbering_range": str(invoice.numbering_range_id),
        "payment_form": "1",
        "payment_method_code": "10",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-0-id": str(invoice.items.get().pk),
        "items-0-invoice": str(invoice.pk),
        "items-0-quantity": "7",
        "items-0-price": "45000",
        "items-0-DELETE": "on",
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-0-id": str(invoice.events.get().pk),
        "events-0-DELETE": "on",
        "_save": "Guardar",
    }
    return [
        (url(model, "add"), {**change, "_save": "Guardar"}),
        (url(model, "change", obj.pk), change),
        (url(model, "delete", obj.pk), {"post": "yes"}),
        (
            url(model, "changelist"),
            {"action": "delete_selected", ACTION_CHECKBOX_NAME: [obj.pk], "post": "yes"},
        ),
    ]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_no_post_changes_anything(superuser_client, records, model):
    before = snapshot()
    *writes, bulk_delete = _posts(model, records[model])
    for address, data in writes:
        assert superuser_client.post(address, data).status_code == 403, address
    superuser_client.post(*bulk_delete)
    assert snapshot() == before
