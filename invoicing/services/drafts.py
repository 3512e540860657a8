"""Drafts: create, edit and duplicate invoices (no Factus call)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from core import bounds
from invoicing.models import Invoice, InvoiceItem, new_reference_code
from invoicing.payloads import allowance_amounts
from invoicing.totals import LineInput, compute_invoice, to_decimal

from .events import Action, InvoiceActionError, Outcome, record_event
from .figures import lines_with_figures

DRAFT_HEADER_FIELDS = (
    "customer_id",
    "numbering_range_id",
    "payment_form",
    "payment_method_code",
    "payment_due_date",
    "observation",
    "send_email",
)
DRAFT_ITEM_FIELDS = (
    "product_id",
    "code_reference",
    "name",
    "quantity",
    "price",
    "discount_rate",
    "tax_rate",
    "is_excluded",
    "unit_id",
    "standard_code_id",
    "tribute_id",
    "withholdings",
)


def _header(data: dict) -> dict:
    header = {name: data[name] for name in DRAFT_HEADER_FIELDS if name in data}
    header["observation"] = header.get("observation") or ""
    if header.get("payment_form") != Invoice.PaymentForm.CREDIT:
        header["payment_due_date"] = None
    elif not header.get("payment_due_date"):
        raise ValidationError({"payment_due_date": "La fecha de vencimiento es obligatoria para crédito."})
    return header


def _withholdings(raw) -> list[dict]:
    return [{"code": str(w["code"]), "rate": f"{w['rate']}"} for w in raw or []]


def items_total(items, factus_extra: dict | None = None) -> Decimal:
    """Our total of unsaved or saved InvoiceItems (no queries): ``invoicing.totals`` over the lines,
    plus the surcharges and less the discounts of an API caller's ``allowance_charges``."""
    # Withholdings never change the total (informational), and imported ones may lack a rate.
    return compute_invoice(
        [
            LineInput(
                quantity=int(item.quantity),
                price=to_decimal(item.price),
                discount_rate=to_decimal(item.discount_rate),
                tax_rate=to_decimal(item.tax_rate),
                is_excluded=bool(item.is_excluded),
            )
            for item in items
        ],
        *allowance_amounts((factus_extra or {}).get("allowance_charges")),
    ).total


def _build_items(items: list[dict]) -> list[InvoiceItem]:
    """Unsaved InvoiceItems (no invoice yet), in position order.

    Raises: ValidationError (no items, a line or the invoice out of ``core.bounds``).
    """
    if not items:
        raise ValidationError({"items": "La factura debe tener al menos un ítem."})
    _check_bounds(items)
    return [
        InvoiceItem(
            position=index,
            **{k: v for k, v in item.items() if k in DRAFT_ITEM_FIELDS and k != "withholdings"},
            withholdings=_withholdings(item.get("withholdings")),
        )
        for index, item in enumerate(items)
    ]


def _check_bounds(items: list[dict]) -> None:
    """``core.bounds`` for every line and for the invoice, before anything is saved.

    Raises: ValidationError({"items": [...]}) with one Spanish message per problem.
    """
    problems = [
        f"Línea {number}: {message}"
        for number, item in enumerate(items, start=1)
        for message in bounds.line_errors(
            quantity=item.get("quantity"),
            price=item.get("price"),
            discount_rate=item.get("discount_rate"),
            tax_rate=item.get("tax_rate"),
        ).values()
    ]
    if not problems:
        problems = bounds.invoice_errors(items)
    if problems:
        raise ValidationError({"items": problems})


def _store_items(invoice: Invoice, built: list[InvoiceItem]) -> None:
    for item in built:
        item.invoice = invoice
    InvoiceItem.objects.bulk_create(lines_with_figures(built))


def invoice_create_draft(
    *,
    user,
    items: list[dict],
    reference_code: str | None = None,
    factus_extra: dict | None = None,
    form_token: uuid.UUID | None = None,
    **header,
) -> Invoice:
    """A new DRAFT with its items; the reference_code is generated here, once (or given by an API
    caller that posts a Factus body with its own). ``factus_extra``: see ``Invoice.factus_extra``.
    ``form_token``: stored with the row (unique: see ``intake.invoice_create_once``).

    Raises: ValidationError (no items, credit without due date); IntegrityError (``form_token`` or
    ``reference_code`` already used).
    """
    fields = _header(header)  # header errors first, as before
    built = _build_items(items)
    # Every check that may fail ran above, so the inserts need no savepoint of their own inside a
    # caller's transaction (a database error aborts that transaction anyway).
    with transaction.atomic(savepoint=False):
        invoice = Invoice.objects.create(
            created_by=user if user and user.is_authenticated else None,
            estimated_total=items_total(built, factus_extra),
            reference_code=reference_code or new_reference_code(),
            factus_extra=factus_extra or {},
            form_token=form_token,
            **fields,
        )
        _store_items(invoice, built)
        record_event(invoice, user=user, action=Action.CREATE, outcome=Outcome.OK, message="Borrador creado.")
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
    built = _build_items(items)
    invoice.estimated_total = items_total(built, invoice.factus_extra)
    invoice.status = Invoice.Status.DRAFT
    invoice.field_errors = {}
    invoice.save()
    invoice.items.all().delete()
    _store_items(invoice, built)
    record_event(invoice, user=user, action=Action.UPDATE, outcome=Outcome.OK, message="Borrador modificado.")
    return invoice


@transaction.atomic
def invoice_duplicate(*, invoice_id: int, user) -> Invoice:
    """A new DRAFT with the same customer, terms and items, and a new reference_code."""
    source = Invoice.objects.get(pk=invoice_id)
    header = {name: getattr(source, name) for name in DRAFT_HEADER_FIELDS}
    items = [{name: getattr(item, name) for name in DRAFT_ITEM_FIELDS} for item in source.items.all()]
    built = _build_items(items)
    copy = Invoice.objects.create(
        created_by=user if user and user.is_authenticated else None,
        reference_code=new_reference_code(),
        estimated_total=items_total(built),
        **header,
    )
    _store_items(copy, built)
    record_event(
        copy, user=user, action=Action.DUPLICATE, outcome=Outcome.OK, message=f"Copia de la factura {source}."
    )
    return copy


def invoice_refresh_estimated_total(*, invoice_id: int) -> Decimal | None:
    """Recompute ``estimated_total`` from the stored items (for edits outside the draft services)."""
    items = list(InvoiceItem.objects.filter(invoice_id=invoice_id))
    extra = Invoice.objects.filter(pk=invoice_id).values_list("factus_extra", flat=True).first()
    total = items_total(items, extra) if items else None
    Invoice.objects.filter(pk=invoice_id).update(estimated_total=total)
    return total
