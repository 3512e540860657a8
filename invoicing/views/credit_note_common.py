"""What the credit-note views share: lookups that 404, the lines for the core, live totals, outcomes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect

from factus.codes import WITHHOLDING_NAMES
from invoicing import credit_note_selectors as note_selectors
from invoicing import services
from invoicing.forms.credit_note import RETURN_CONCEPT, apply_limit_errors
from invoicing.models import CreditNote, CreditNoteEvent

# The role table's permissions (core/roles.py): make or edit a note, issue it, e-mail it, delete it
# at Factus, read notes.
CREATE_PERMISSION = "invoicing.add_creditnote"
ISSUE_PERMISSION = "invoicing.issue_creditnote"
EMAIL_PERMISSION = "invoicing.email_creditnote"
DELETE_PERMISSION = "invoicing.delete_at_factus"
VIEW_PERMISSION = "invoicing.view_creditnote"
Outcome = CreditNoteEvent.Outcome


def credit_note_or_404(pk: int) -> CreditNote:
    try:
        return note_selectors.credit_note_detail(credit_note_id=pk)
    except CreditNote.DoesNotExist as error:
        raise Http404("No existe esa nota crédito.") from error


def credit_lines(formset) -> list:
    """One ``CreditLine`` per row of the form, in order (quantity 0: not credited), so the core's
    ``lines-<i>-...`` keys and the items' positions name the form's rows."""
    return [services.CreditLine(**kwargs) for kwargs in formset.credit_lines()]


def _concept(header) -> str:
    header.is_valid()
    return getattr(header, "cleaned_data", {}).get("concept") or RETURN_CONCEPT


def credit_totals_context(invoice, header, formset, *, live: bool = False) -> dict:
    """Live totals of the rows that can be credited, computed by the core (``credit_note_totals``,
    the invoice arithmetic); an over-credit is put on its line's field instead of a total."""
    lines = credit_lines(formset) if formset.is_bound else []
    chosen = [form for form, line in zip(formset.forms, lines, strict=False) if line.quantity]
    totals = None
    if chosen:
        try:
            totals = services.credit_note_totals(invoice_id=invoice.pk, concept=_concept(header), lines=lines)
        except services.CreditLimitError as error:
            if live:  # a full page already carries the refusal that re-rendered it
                apply_limit_errors(header, formset, error.field_errors)
    # The core's lines are the rows with a quantity, in the form's order.
    per_form = dict(zip(chosen, totals.lines, strict=True)) if totals else {}
    rows = [(form, per_form.get(form)) for form in formset.forms]
    return {
        "totals": totals,
        "line_totals": rows,
        "withholdings": [
            {"code": code, "name": WITHHOLDING_NAMES.get(code, code), "value": value}
            for code, value in (totals.withholdings.items() if totals else ())
        ],
        # In the live answer only: what the form says about itself so far (errors shown by the lines).
        "live_errors": header.non_field_errors() if live else (),
        "chosen": len(chosen),
    }


def respond_to_note_submit(request, result):
    """Post/Redirect/Get, as for invoices: the outcome is a GET of the note (the "Último intento"
    panel tells it); a 422 lands on the edit form with each message on its line."""
    note = result.document
    if not result.recorded:
        messages.warning(request, result.message or "No se pudo emitir la nota crédito.")
    elif result.outcome == Outcome.VALIDATED:
        messages.success(request, result.message)
    if result.outcome == Outcome.INVALID:
        # Factus' 422 (stored on the note), or an over-credit found when it was sent (another note
        # credited the invoice meanwhile): the edit form, whose live totals put it on the lines.
        return redirect("credit_notes:update", note.pk)
    return redirect("credit_notes:detail", note.pk)
