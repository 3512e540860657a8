from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from invoicing.models import Invoice, new_reference_code
from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db


def test_reference_code_is_generated_once_and_unique():
    code = new_reference_code()
    assert code.startswith("FAC-") and len(code) == 16 and code == code.upper()
    invoice = InvoiceFactory()
    assert invoice.reference_code.startswith("FAC-")
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceFactory(reference_code=invoice.reference_code)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quantity", 0),
        ("price", Decimal("0")),
        ("discount_rate", Decimal("100.01")),
        ("discount_rate", Decimal("-1")),
    ],
)
def test_item_constraints(field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceItemFactory(**{field: value})


def test_status_properties():
    invoice = InvoiceFactory.build()
    assert invoice.is_editable and invoice.is_submittable and not invoice.can_delete_at_factus
    invoice.status = Invoice.Status.REJECTED
    assert not invoice.is_editable and invoice.can_delete_at_factus and invoice.status_badge == "danger"
    invoice.status = Invoice.Status.PENDING_DIAN
    assert invoice.can_retry and invoice.is_submittable and not invoice.is_editable
    invoice.status = Invoice.Status.SUBMITTING
    invoice.submitting_since = timezone.now()
    assert not invoice.can_retry
    invoice.submitting_since -= timedelta(minutes=10)
    assert invoice.can_retry and invoice.is_stale_submitting


def test_submitting_requires_since():
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceFactory(status=Invoice.Status.SUBMITTING)


def test_admin_pages_render_with_read_only_factus_fields(admin_client):
    invoice = InvoiceFactory(number="SETP990000001")
    InvoiceItemFactory(invoice=invoice)
    invoice.events.create(action="create", outcome="ok", message="Borrador creado.")
    assert admin_client.get("/admin/invoicing/invoice/").status_code == 200
    page = admin_client.get(f"/admin/invoicing/invoice/{invoice.pk}/change/")
    assert page.status_code == 200
    assert b"Borrador creado." in page.content and b'name="cufe"' not in page.content
    assert admin_client.get("/admin/invoicing/invoiceevent/").status_code == 200


def test_data_migration_fills_estimated_total_from_the_items():
    import importlib

    from django.apps import apps

    fill = importlib.import_module("invoicing.migrations.0004_fill_estimated_total").fill
    seed = InvoiceFactory()
    InvoiceItemFactory(
        invoice=seed,
        price=Decimal("1500000"),
        discount_rate=Decimal("11"),
        withholdings=[{"code": "06", "rate": None}],
    )  # imported rows may lack a rate
    two = InvoiceFactory(total=Decimal("1"))
    InvoiceItemFactory.create_batch(2, invoice=two, quantity=2, tax_rate=Decimal("0"), is_excluded=True)
    empty = InvoiceFactory()
    fill(apps, None)
    assert Invoice.objects.get(pk=seed.pk).estimated_total == Decimal("1335000.00")
    assert Invoice.objects.get(pk=two.pk).estimated_total == Decimal("200000.00")  # total untouched: 1
    assert Invoice.objects.get(pk=two.pk).total == Decimal("1.00")
    assert Invoice.objects.get(pk=empty.pk).estimated_total is None
