"""Reads for /api/v1/invoices and /api/v1/credit-notes: one document as JSON data, and the lists.

The lists are paged by key (core.cursor: ``(created_at, id) < cursor``), newest first: every page
costs the same, however deep, with no ``COUNT(*)`` and no ``OFFSET``. The browser's list pages with
``core.keyset`` (any sort, both directions, a capped count); the API keeps the forward-only
``core.cursor``, which refuses a cursor it did not make (422).
"""

from __future__ import annotations

from django.db.models import Prefetch

from api.problems import field_error, validation_problem
from core.cursor import BadCursor, cursor_page
from invoicing import selectors
from invoicing.models import CreditNote, Invoice, InvoiceEvent

TOTAL_FIELDS = (
    "gross_value",
    "taxable_amount",
    "tax_amount",
    "discount_amount",
    "surcharge_amount",
    "total",
    "estimated_total",
)
UNSHOWN_INVOICE = ("raw_response", "totals_mismatch", "factus_extra")
UNSHOWN_EVENT = ("request", "response")
SUMMARY_FIELDS = (
    "id",
    "reference_code",
    "number",
    "status",
    "customer_id",
    "created_at",
    "total",
    "estimated_total",
)


def invoice_summary(invoice: Invoice) -> dict:
    return {
        "id": invoice.pk,
        "reference_code": invoice.reference_code,
        "number": invoice.number,
        "status": invoice.status,
        "status_label": invoice.get_status_display(),
        "customer_id": invoice.customer_id,
        "customer_name": invoice.customer.display_name,
        "created_at": invoice.created_at,
        "total": invoice.total,
        "estimated_total": invoice.estimated_total,
    }


def _event(event) -> dict:
    return {
        "created_at": event.created_at,
        "action": event.action,
        "outcome": event.outcome,
        "message": event.message,
        "http_status": event.http_status,
        "user": event.user.get_username() if event.user else None,
    }


def invoice_detail(*, invoice_id: int) -> Invoice:
    """One invoice with what ``invoice_out`` reads: its customer (joined), items and events (with
    their user): three light queries (the page's ``selectors.invoice_detail`` joins five catalogue
    tables and a subquery the API does not show).

    Raises: Invoice.DoesNotExist.
    """
    # Not the columns ``invoice_out`` never shows: each event's and the invoice's Factus request and
    # answer are whole JSON documents, decoded for nothing on every answer.
    events = InvoiceEvent.objects.select_related("user").defer(*UNSHOWN_EVENT).order_by("-created_at", "-id")
    return (
        Invoice.objects.select_related("customer")
        .defer(*UNSHOWN_INVOICE)
        .prefetch_related("items", Prefetch("events", queryset=events))
        .get(pk=invoice_id)
    )


def invoice_out(invoice: Invoice) -> dict:
    """The API's view of an invoice loaded by ``invoice_detail``."""
    attempt = selectors.last_attempt(invoice)
    customer = invoice.customer
    return {
        **invoice_summary(invoice),
        "prefix": invoice.prefix,
        "cufe": invoice.cufe,
        "qr_url": invoice.qr_url,
        "qr_image": invoice.qr_image,
        "validated_at": invoice.validated_at,
        "customer": {
            "id": customer.pk,
            "display_name": customer.display_name,
            "identification": customer.identification_display,
        },
        "numbering_range_id": invoice.numbering_range_id,
        "payment_form": invoice.payment_form,
        "payment_method_code": invoice.payment_method_code,
        "payment_due_date": invoice.payment_due_date,
        "observation": invoice.observation,
        "send_email": invoice.send_email,
        "totals": {name: getattr(invoice, name) for name in TOTAL_FIELDS},
        "withholdings": invoice.withholdings if isinstance(invoice.withholdings, list) else [],
        "dian_messages": [str(m) for m in invoice.dian_messages or []],
        "field_errors": invoice.field_errors if isinstance(invoice.field_errors, dict) else {},
        "items": [
            {
                "id": item.pk,
                "position": item.position,
                "product_id": item.product_id,
                "code_reference": item.code_reference,
                "name": item.name,
                "quantity": item.quantity,
                "price": item.price,
                "discount_rate": item.discount_rate,
                "tax_rate": item.tax_rate,
                "is_excluded": item.is_excluded,
                "unit_id": item.unit_id,
                "standard_code_id": item.standard_code_id,
                "tribute_id": item.tribute_id,
                "withholdings": [
                    {"code": str(w["code"]), "rate": str(w["rate"])} for w in item.withholdings or []
                ],
            }
            for item in invoice.items.all()
        ],
        "events": [_event(event) for event in invoice.events.all()],
        "last_attempt": (
            {
                "kind": attempt["kind"],
                "label": attempt["label"],
                "may_exist": attempt["may_exist"],
                "note": attempt["note"],
            }
            if attempt
            else None
        ),
    }


def _page(queryset, *, cursor: str, limit: int, serialize) -> dict:
    try:
        page = cursor_page(queryset, cursor=cursor, limit=limit)
    except BadCursor:
        raise validation_problem(
            [field_error("cursor", "Cursor no válido: use el next_cursor recibido.")]
        ) from None
    return {"items": [serialize(row) for row in page.rows], "next_cursor": page.next_cursor}


def invoice_page(*, filters: dict, cursor: str = "", limit: int = 25) -> dict:
    """One page of ``selectors.invoice_list`` after ``cursor``: ``limit`` rows and the next cursor.

    Two queries whatever the page size or depth: the page's invoice rows (the summary's columns
    only, no join: the keyset condition and the LIMIT run on the invoice index alone), then their
    customers by id.

    Raises: ApiProblem 422 (a cursor we did not make).
    """
    queryset = (
        selectors.invoice_list(filters={k: v for k, v in filters.items() if v not in (None, "", [])})
        .select_related(None)
        .only(*SUMMARY_FIELDS)
        .prefetch_related("customer")
    )
    return _page(queryset, cursor=cursor, limit=limit, serialize=invoice_summary)


# --- credit notes ---------------------------------------------------------------------------------

NOTE_SUMMARY_FIELDS = (
    "id",
    "invoice_id",
    "reference_code",
    "number",
    "status",
    "correction_concept",
    "created_at",
    "total",
    "estimated_total",
)


def credit_note_summary(note: CreditNote) -> dict:
    return {
        "id": note.pk,
        "invoice_id": note.invoice_id,
        "reference_code": note.reference_code,
        "number": note.number,
        "status": note.status,
        "status_label": note.get_status_display(),
        "concept": note.correction_concept,
        "concept_label": note.get_correction_concept_display(),
        "created_at": note.created_at,
        "total": note.total,
        "estimated_total": note.estimated_total,
    }


def credit_note_detail(*, credit_note_id: int) -> CreditNote:
    """Raises: CreditNote.DoesNotExist."""
    return CreditNote.objects.prefetch_related("items", "events__user").get(pk=credit_note_id)


def credit_note_out(note: CreditNote) -> dict:
    """The API's view of a note loaded by ``credit_note_detail``."""
    return {
        **credit_note_summary(note),
        "prefix": note.prefix,
        "cude": note.cude,
        "qr_url": note.qr_url,
        "validated_at": note.validated_at,
        "numbering_range_id": note.numbering_range_id,
        "payment_method_code": note.payment_method_code,
        "observation": note.observation,
        "totals": {name: getattr(note, name) for name in TOTAL_FIELDS},
        "dian_messages": [str(m) for m in note.dian_messages or []],
        "field_errors": note.field_errors if isinstance(note.field_errors, dict) else {},
        "items": [
            {
                "position": item.position,
                "invoice_item_id": item.invoice_item_id,
                "code_reference": item.code_reference,
                "name": item.name,
                "quantity": item.quantity,
                "price": item.price,
                "discount_rate": item.discount_rate,
                "tax_rate": item.tax_rate,
                "is_excluded": item.is_excluded,
            }
            for item in note.items.all()
        ],
        "events": [_event(event) for event in note.events.all()],
    }


def credit_note_page(
    *, invoice_id: int | None = None, status=None, cursor: str = "", limit: int = 25
) -> dict:
    """Credit notes newest first (of one invoice, in some statuses), paged by key like invoices.

    Raises: ApiProblem 422 (a cursor we did not make).
    """
    queryset = CreditNote.objects.only(*NOTE_SUMMARY_FIELDS)
    if invoice_id is not None:
        queryset = queryset.filter(invoice_id=invoice_id)
    if status:
        queryset = queryset.filter(status__in=status)
    return _page(queryset, cursor=cursor, limit=limit, serialize=credit_note_summary)
