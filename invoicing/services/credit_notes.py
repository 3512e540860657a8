"""Credit notes: void or correct a validated invoice (docs/invoicing.md, "Credit notes").

Creating and editing a note checks it against what is left of the invoice (credit_limits, with the
invoice row locked); submitting it goes through the one submission machinery (submit.py) with the
credit-note kind (kinds.CREDIT_NOTE), which checks the limits again under the same lock before sending.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction

from catalog.selectors import credit_note_numbering_ranges
from factus.client import FactusClient
from factus.types import DownloadedFile
from invoicing.models import CreditNote, Invoice
from invoicing.totals import InvoiceTotals

from . import documents
from .credit_limits import CreditLimitError, CreditLine, check_invoice, note_totals, plan
from .events import Action, InvoiceActionError, Outcome, record_event
from .figures import lines_with_figures
from .intake import STALE_NOTE_EDIT, StaleEditError
from .kinds import CREDIT_NOTE
from .submit import SubmitResult, document_submit

__all__ = [
    "CreditLimitError",
    "CreditLine",
    "credit_note_create_partial",
    "credit_note_create_void",
    "credit_note_delete_at_factus",
    "credit_note_document",
    "credit_note_send_email",
    "credit_note_submit",
    "credit_note_totals",
    "credit_note_update_draft",
]
Concept = CreditNote.Concept


def credit_note_create_void(
    *,
    invoice_id: int,
    user,
    form_token: uuid.UUID | None = None,
    observation: str = "",
    payment_method_code: str | None = None,
) -> CreditNote:
    """A draft note of concept 2 crediting every line at what is left of it.

    The same ``form_token`` twice returns the note it created. Raises: CreditLimitError (the invoice
    is not validated, or nothing is left to credit).
    """
    return _create_once(
        invoice_id=invoice_id,
        user=user,
        concept=Concept.VOID,
        lines=[],
        form_token=form_token,
        observation=observation,
        payment_method_code=payment_method_code,
    )


def credit_note_create_partial(
    *,
    invoice_id: int,
    user,
    concept: str,
    lines: list[CreditLine],
    form_token: uuid.UUID | None = None,
    observation: str = "",
    payment_method_code: str | None = None,
) -> CreditNote:
    """A draft note of ``concept``: units returned (1) or a price reduction per unit (3 to 6).

    Raises: CreditLimitError (concept 2 here, no line, over a line or over what is left in total).
    """
    if concept == Concept.VOID:
        raise CreditLimitError(
            "Para anular la factura use «Anular factura».", {"concept": ["Use «Anular factura»."]}
        )
    return _create_once(
        invoice_id=invoice_id,
        user=user,
        concept=concept,
        lines=lines,
        form_token=form_token,
        observation=observation,
        payment_method_code=payment_method_code,
    )


def _create_once(*, invoice_id, user, concept, lines, form_token, observation, payment_method_code):
    if form_token is not None and (existing := CreditNote.objects.filter(form_token=form_token).first()):
        return _same_invoice(existing, invoice_id)
    try:
        with transaction.atomic():
            invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
            items = plan(invoice, concept=concept, lines=lines)
            note = CreditNote(
                invoice=invoice,
                correction_concept=concept,
                numbering_range=credit_note_numbering_ranges().first(),
                payment_method_code=payment_method_code or invoice.payment_method_code,
                observation=(observation or "")[:250],
                send_email=invoice.send_email,
                created_by=user if getattr(user, "is_authenticated", False) else None,
                form_token=form_token,
            )
            _save(note, items)
            record_event(
                note, user=user, action=Action.CREATE, outcome=Outcome.OK, message="Borrador creado."
            )
    except IntegrityError:  # the same form posted twice at once: the first one's note
        existing = CreditNote.objects.filter(form_token=form_token).first() if form_token else None
        if existing is None:
            raise
        return _same_invoice(existing, invoice_id)
    return note


def _same_invoice(existing: CreditNote, invoice_id: int) -> CreditNote:
    """The note a form token already made, if it is a note of ``invoice_id``: a token replayed on
    another invoice's form is refused, never answered with a note of another invoice."""
    if existing.invoice_id != invoice_id:
        raise CreditLimitError(
            "Este formulario ya se usó para otra factura: recargue la página e intente de nuevo."
        )
    return existing


def _save(note: CreditNote, items) -> None:
    note.estimated_total = note_totals(items, invoice=note.invoice, concept=note.correction_concept).total
    note.save()
    note.items.all().delete()
    for item in items:
        item.credit_note = note
    note.items.bulk_create(lines_with_figures(items))  # stored figures: the reports sum them


@transaction.atomic
def credit_note_update_draft(
    *,
    credit_note_id: int,
    user,
    concept: str,
    lines: list[CreditLine],
    observation: str = "",
    payment_method_code: str | None = None,
    version: str | None = None,
) -> CreditNote:
    """Replace the concept and lines of an editable note (DRAFT, INVALID, FAILED; a rejected one is
    deleted at Factus first). A void note (concept 2) is recomputed from what is left. ``version``:
    the note's ``version_stamp`` when the form was opened (None skips the check).

    Raises: StaleEditError (saved meanwhile, another tab), InvoiceActionError (not editable),
    CreditLimitError.
    """
    note = CreditNote.objects.select_for_update().get(pk=credit_note_id)
    if version is not None and version != note.version_stamp:
        raise StaleEditError(STALE_NOTE_EDIT)
    if not note.is_editable:
        raise InvoiceActionError(
            f"Solo se pueden editar notas en borrador, con datos inválidos o con error de envío; esta está "
            f"«{note.get_status_display()}»."
        )
    invoice = Invoice.objects.select_for_update().get(pk=note.invoice_id)
    items = plan(invoice, concept=concept, lines=lines, excluding=note.pk)
    note.correction_concept = concept
    note.observation = (observation or "")[:250]
    note.payment_method_code = payment_method_code or note.payment_method_code
    note.field_errors = {}
    _save(note, items)
    record_event(note, user=user, action=Action.UPDATE, outcome=Outcome.OK, message="Borrador modificado.")
    return note


def credit_note_totals(*, invoice_id: int, concept: str, lines: list[CreditLine]) -> InvoiceTotals:
    """The note's totals exactly as Factus computes them (live totals of the form; nothing saved).

    Raises: CreditLimitError.
    """
    invoice = Invoice.objects.get(pk=invoice_id)
    check_invoice(invoice)
    return note_totals(plan(invoice, concept=concept, lines=lines), invoice=invoice, concept=concept)


def credit_note_submit(*, credit_note_id: int, user, client: FactusClient | None = None) -> SubmitResult:
    """Send the note to Factus once, whatever the clicks: the machinery of ``invoice_submit``. Before
    sending, the limits are checked again with the invoice row locked (an over-credit is refused:
    outcome "invalid", nothing sent, ``field_errors`` on the lines)."""
    return document_submit(CREDIT_NOTE, document_id=credit_note_id, user=user, client=client)


def credit_note_delete_at_factus(
    *, credit_note_id: int, user, reopen: bool = True, client: FactusClient | None = None
) -> CreditNote:
    """Delete the unvalidated note at Factus; reopen it as a DRAFT with a NEW reference_code.

    Raises: InvoiceActionError (not deletable), FactusError (recorded as an event first).
    """
    return documents.delete_at_factus(
        CREDIT_NOTE, document_id=credit_note_id, user=user, reopen=reopen, client=client
    )


def credit_note_send_email(
    *, credit_note_id: int, user, email: str, client: FactusClient | None = None
) -> str:
    """Have Factus e-mail the validated note to ``email``; returns Factus' message.

    Raises: InvoiceActionError (not validated), FactusError (recorded as an event first).
    """
    return documents.send_email(
        CREDIT_NOTE, document_id=credit_note_id, user=user, email=email, client=client
    )


def credit_note_document(
    *, credit_note_id: int, user, kind: str, client: FactusClient | None = None
) -> DownloadedFile:
    """The note's PDF or XML as Factus renders it ("pdf" | "xml"; every download is recorded).

    Raises: InvoiceActionError (not validated / unknown kind), FactusError.
    """
    return documents.download(CREDIT_NOTE, document_id=credit_note_id, user=user, kind=kind, client=client)
