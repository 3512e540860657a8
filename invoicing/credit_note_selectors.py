"""Credit-note reads for the pages: the list's base queryset, one note, a form's note, an invoice's notes.

What is left to credit (``invoice_credit_balance``, ``invoices_with_credit_state``) is the core's
(feat-cncore); these only read rows for display.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from invoicing.credit_selectors import invoice_credit_balance
from invoicing.models import CreditNote, CreditNoteEvent, CreditNoteItem, Invoice

# Heavy columns the list never shows.
LIST_DEFERRED = (
    "qr_image",
    "raw_response",
    "withholdings",
    "dian_messages",
    "field_errors",
    "totals_mismatch",
    "observation",
    "qr_url",
)


def credit_note_list(*, with_cude: bool = False) -> QuerySet[CreditNote]:
    """Credit notes newest first with their invoice and its customer (one query per page).

    ``with_cude`` loads the CUDE too (the CSV export shows it).
    """
    deferred = LIST_DEFERRED if with_cude else (*LIST_DEFERRED, "cude")
    return (
        CreditNote.objects.select_related("invoice__customer", "created_by")
        .defer(*deferred)
        .order_by("-created_at", "-id")
    )


def credit_note_search(qs: QuerySet[CreditNote], text: str) -> QuerySet[CreditNote]:
    """Notes whose number or reference starts with ``text``, or whose invoice's customer matches it
    (name, company, trade name anywhere; identification from its start)."""
    text = text.strip()
    if not text:
        return qs
    customer = (
        Q(invoice__customer__names__icontains=text)
        | Q(invoice__customer__company__icontains=text)
        | Q(invoice__customer__trade_name__icontains=text)
        | Q(invoice__customer__identification__startswith=text)
    )
    return qs.filter(
        customer | Q(number__startswith=text.upper()) | Q(reference_code__startswith=text.upper())
    )


def credit_note_invoice_search(qs: QuerySet[CreditNote], text: str) -> QuerySet[CreditNote]:
    """Notes of the invoices whose number or reference starts with ``text``."""
    text = text.strip().upper()
    if not text:
        return qs
    return qs.filter(Q(invoice__number__startswith=text) | Q(invoice__reference_code__startswith=text))


def credit_note_detail(*, credit_note_id: int) -> CreditNote:
    """One note with its invoice (and customer), items (and catalogue rows) and events, newest first.

    Raises: CreditNote.DoesNotExist.
    """
    items = CreditNoteItem.objects.select_related("invoice_item", "unit", "standard_code", "tribute")
    events = CreditNoteEvent.objects.select_related("user").order_by("-created_at", "-id")
    return (
        CreditNote.objects.select_related(
            "invoice__customer__identification_document",
            "invoice__customer__municipality",
            "numbering_range",
            "created_by",
        )
        .prefetch_related(Prefetch("items", queryset=items), Prefetch("events", queryset=events))
        .get(pk=credit_note_id)
    )


def credit_note_for_form_token(*, form_token) -> CreditNote | None:
    """The note a credit-note form (its one-time ``form_token``) already created, if any."""
    if form_token is None:
        return None
    return CreditNote.objects.filter(form_token=form_token).first()


def invoice_credit_notes(invoice: Invoice) -> list[CreditNote]:
    """The notes of ``invoice``, oldest first (the order they were made), without heavy columns."""
    return list(invoice.credit_notes.defer(*LIST_DEFERRED).order_by("created_at", "id"))


def invoice_credit_summary(invoice: Invoice) -> dict | None:
    """The invoice detail's credit card: credited (validated notes), in progress at Factus, the
    balance, "Anulada", and whether a new note may be made; None for an invoice not validated."""
    if invoice.status != Invoice.Status.VALIDATED:
        return None
    balance = invoice_credit_balance(invoice)
    return {
        "credited": balance.credited,
        "in_progress": balance.committed - balance.credited,
        "balance": balance.balance,
        "is_voided": balance.is_voided,
        "can_credit": balance.has_credit_left,
    }
