"""Reads for /api/v1/invoices: one invoice as JSON data, and the list paged by key.

The list is paged by key (``created_at``, ``id``), newest first: every page costs the same, however
deep, with no ``COUNT(*)`` and no ``OFFSET``. PROVISIONAL: feat-roles brings the keyset selector
the browser list will share (``invoicing.selectors``); this one is to be replaced by it at merge.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from django.db.models import Q

from api.problems import field_error, validation_problem
from invoicing import selectors
from invoicing.models import Invoice


def _money(value):
    return value


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


def invoice_out(invoice: Invoice) -> dict:
    """The API's view of an invoice loaded by ``selectors.invoice_detail``."""
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
        "totals": {
            name: getattr(invoice, name)
            for name in (
                "gross_value",
                "taxable_amount",
                "tax_amount",
                "discount_amount",
                "surcharge_amount",
                "total",
                "estimated_total",
            )
        },
        "withholdings": invoice.withholdings if isinstance(invoice.withholdings, list) else [],
        "dian_messages": [str(m) for m in invoice.dian_messages or []],
        "field_errors": invoice.field_errors if isinstance(invoice.field_errors, dict) else {},
        "items": [
            {
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
        "events": [
            {
                "created_at": event.created_at,
                "action": event.action,
                "outcome": event.outcome,
                "message": event.message,
                "http_status": event.http_status,
                "user": event.user.get_username() if event.user else None,
            }
            for event in invoice.events.all()
        ],
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


def _encode(invoice: Invoice) -> str:
    raw = f"{invoice.created_at.isoformat()}|{invoice.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.rsplit("|", 1)
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            raise ValueError
        return moment, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise validation_problem(
            [field_error("cursor", "Cursor no válido: use el next_cursor recibido.")]
        ) from None


def invoice_page(*, filters: dict, cursor: str = "", limit: int = 25) -> dict:
    """One page of ``selectors.invoice_list`` after ``cursor``: ``limit`` rows and the next cursor.

    Raises: ApiProblem 422 (a cursor we did not make).
    """
    queryset = selectors.invoice_list(filters={k: v for k, v in filters.items() if v not in (None, "", [])})
    if cursor:
        created_at, pk = _decode(cursor)
        queryset = queryset.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk))
    rows = list(queryset.order_by("-created_at", "-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [invoice_summary(row) for row in rows],
        "next_cursor": _encode(rows[-1]) if more and rows else None,
    }
