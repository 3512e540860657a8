"""The new-invoice and edit forms, once: a one-time form token, and edits based on the current version.

Two POSTs of the same new-invoice form (reload, double click, back button, two workers at once)
create ONE invoice: the form's ``form_token`` is stored unique on it, and the second POST gets the
first invoice back. An edit based on a version of the row that is no longer the current one (two
tabs) is refused, so nothing saved meanwhile is overwritten unseen.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction

from invoicing.models import Invoice

from .drafts import invoice_create_draft, invoice_update_draft
from .events import InvoiceActionError


class StaleEditError(InvoiceActionError):
    """The edit form was based on an older version of the invoice."""


STALE_EDIT = (
    "La factura cambió después de abrir este formulario (en otra pestaña o por otra persona): no se "
    "guardó nada. Sus datos siguen abajo; revise la factura y vuelva a guardar si desea reemplazarla."
)
STALE_NOTE_EDIT = (
    "La nota crédito cambió después de abrir este formulario (en otra pestaña o por otra persona): no "
    "se guardó nada. Sus datos siguen abajo; revise la nota y vuelva a guardar si desea reemplazarla."
)


def invoice_create_once(
    *, form_token: uuid.UUID | None, user, items: list[dict], **header
) -> tuple[Invoice, bool]:
    """``invoice_create_draft`` at most once per ``form_token``: (invoice, created).

    With a token already used, nothing is created and the invoice it created is returned with
    ``created=False``. Concurrent POSTs: the unique index makes the second wait for the first and
    fail; its draft is rolled back and the first one is returned. Without a token (old clients,
    scripts) a draft is always created.

    Raises: ValidationError (from the draft service).
    """
    if form_token is None:
        return invoice_create_draft(user=user, items=items, **header), True
    existing = created_with(form_token)
    if existing is not None:
        return existing, False
    return draft_or_winner(form_token=form_token, user=user, items=items, **header)


def draft_or_winner(
    *, form_token: uuid.UUID | None, user, items: list[dict], **header
) -> tuple[Invoice, bool]:
    """``invoice_create_draft`` with ``form_token``: (invoice, True); or, when a concurrent request
    with the same token committed first (the unique index refused ours), (its invoice, False)."""
    try:
        with transaction.atomic():
            return invoice_create_draft(user=user, items=items, form_token=form_token, **header), True
    except IntegrityError as error:
        return made_before(form_token, error), False


def created_with(form_token: uuid.UUID) -> Invoice | None:
    return Invoice.objects.filter(form_token=form_token).first()


def made_before(form_token: uuid.UUID | None, error: IntegrityError) -> Invoice:
    """The invoice a concurrent request created with ``form_token`` (its insert won the unique
    index); raises ``error`` again when there is none (it was about something else).

    Call it outside the transaction that failed (rolled back), so the winner's row is visible.
    """
    existing = created_with(form_token) if form_token is not None else None
    if existing is None:
        raise error
    return existing


@transaction.atomic
def invoice_update_current(
    *, invoice_id: int, version: str | None, user, items: list[dict], **header
) -> Invoice:
    """``invoice_update_draft``, only when ``version`` (``Invoice.version_stamp`` when the form was
    opened) is still the row's; None skips the check (old clients, scripts).

    Raises: StaleEditError, InvoiceActionError (not editable), ValidationError.
    """
    current = Invoice.objects.select_for_update().get(pk=invoice_id)
    if version is not None and version != current.version_stamp:
        raise StaleEditError(STALE_EDIT)
    return invoice_update_draft(invoice_id=invoice_id, user=user, items=items, **header)
