"""Drafts: create, edit and duplicate invoices (no Factus call)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from invoicing.models import Invoice, InvoiceItem, new_reference_code

from .events import Action, InvoiceActionError, Outcome, record_event

HEADER_FIELDS = ("customer_id", "numbering_range_id", "payment_form", "payment_method_code",
                 "payment_due_date", "observation", "send_email")
ITEM_FIELDS = ("product_id", "code_reference", "name", "quantity", "price", "discount_rate",
               "tax_rate", "is_excluded", "unit_id", "standard_code_id", "tribute_id", "withholdings")


def _header(data: dict) -> dict:
    header = {name: data[name] for name in HEADER_FIELDS if name in data}
    header["observation"] = header.get("observation") or ""
    if header.get("payment_form") != Invoice.PaymentForm.CREDIT:
        header["payment_due_date"] = None
    elif not header.get("payment_due_date"):
        raise ValidationError({"payment_due_date": "La fecha de vencimiento es obligatoria para crédito."})
    return header


def _withholdings(raw) -> list[dict]:
    return [{"code": str(w["code"]), "rate": f"{w['rate']}"} for w in raw or []]


def _replace_items(invoice: Invoice, items: list[dict]) -> None:
    if not items:
        raise ValidationError({"items": "La factura debe tener al menos un ítem."})
    invoice.items.all().delete()
    InvoiceItem.objects.bulk_create([
        InvoiceItem(invoice=invoice, position=index,
                    **{k: v for k, v in item.items() if k in ITEM_FIELDS and k != "withholdings"},
                    withholdings=_withholdings(item.get("withholdings")))
        for index, item in enumerate(items)
    ])


@transaction.atomic
def invoice_create_draft(*, user, items: list[dict], **header) -> Invoice:
    """A new DRAFT with its items; the reference_code is generated here, once.

    Raises: ValidationError (no items, credit without due date).
    """
    invoice = Invoice.objects.create(created_by=user if user and user.is_authenticated else None,
                                     **_header(header))
    _replace_items(invoice, items)
    record_event(invoice, user=user, action=Action.CREATE, outcome=Outcome.OK,
                 message="Borrador creado.")
    return invoice


@transaction.atomic
def invoice_update_draft(*, invoice_id: int, user, items: list[dict], **header) -> Invoice:
    """Replace the header and items of an editable invoice; it becomes a DRAFT again.

    Raises: InvoiceActionError (not editable), ValidationError.
    """
    invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
    if not invoice.is_editable:
        raise InvoiceActionError(f"La factura está «{invoice.get_status_display()}» y no se puede editar.")
    for name, value in _header(header).items():
        setattr(invoice, name, value)
    invoice.status = Invoice.Status.DRAFT
    invoice.field_errors = {}
    invoice.save()
    _replace_items(invoice, items)
    record_event(invoice, user=user, action=Action.UPDATE, outcome=Outcome.OK,
                 message="Borrador modificado.")
    return invoice


@transaction.atomic
def invoice_duplicate(*, invoice_id: int, user) -> Invoice:
    """A new DRAFT with the same customer, terms and items, and a new reference_code."""
    source = Invoice.objects.get(pk=invoice_id)
    header = {name: getattr(source, name) for name in HEADER_FIELDS}
    copy = Invoice.objects.create(created_by=user if user and user.is_authenticated else None,
                                  reference_code=new_reference_code(), **header)
    items = [{name: getattr(item, name) for name in ITEM_FIELDS} for item in source.items.all()]
    _replace_items(copy, items)
    record_event(copy, user=user, action=Action.DUPLICATE, outcome=Outcome.OK,
                 message=f"Copia de la factura {source}.")
    return copy
