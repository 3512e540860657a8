"""Credit notes from an invoice: "Anular factura", the partial note (draft / "Emitir"), its live
totals, editing a draft and issuing ("Emitir" / "Reintentar" / "Verificar"). Thin views: parse,
call one service of invoicing.services.credit_notes, render or redirect (PRG)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.permissions import permission_required, require_permission
from invoicing import credit_note_selectors as note_selectors
from invoicing import selectors, services
from invoicing.credit_selectors import invoice_credit_balance
from invoicing.forms.credit_note import (
    VOID_CONCEPT,
    CreditNoteVoidForm,
    apply_limit_errors,
    credit_note_edit_forms,
    credit_note_forms,
    form_token_of,
)

from .common import USER_ERRORS, classify_dian, error_text, invoice_or_404
from .credit_note_common import (
    CREATE_PERMISSION,
    ISSUE_PERMISSION,
    credit_lines,
    credit_note_or_404,
    credit_totals_context,
    respond_to_note_submit,
)

UNCONFIRMED_FORM = (
    "No se pudo confirmar que este formulario se envía una sola vez (le falta su código de envío). "
    "No se guardó nada: revise los datos y pulse de nuevo el botón."
)


def _already_sent(request, note):
    """The second POST of a credit-note form lands on what the first one created; nothing is sent."""
    messages.info(
        request,
        f"Este formulario ya se había enviado: se creó la nota crédito {note.reference_code} y no se creó "
        "otra. Esta es la nota creada con él.",
    )
    return redirect("credit_notes:detail", note.pk)


def _nothing_to_credit(request, invoice, balance):
    """None when the invoice can take a note; else a redirect to it with the reason."""
    if invoice.status != invoice.Status.VALIDATED:
        messages.warning(request, "Solo se pueden hacer notas crédito de facturas validadas por la DIAN.")
    elif not balance.has_credit_left:
        messages.warning(request, "A esta factura ya no le queda nada por acreditar.")
    else:
        return None
    return redirect("invoicing:invoice_detail", invoice.pk)


@permission_required(CREATE_PERMISSION, ISSUE_PERMISSION)
@require_http_methods(["GET", "POST"])
def credit_note_void(request, pk):
    invoice = invoice_or_404(pk)
    token = form_token_of(request.POST) if request.method == "POST" else None
    used = note_selectors.credit_note_for_form_token(form_token=token)
    if used is not None:  # reload / back button / double click of a confirmation already sent
        return _already_sent(request, used)
    try:  # exactly what the note will credit: the core's void lines and arithmetic
        totals = services.credit_note_totals(invoice_id=pk, concept=VOID_CONCEPT, lines=[])
    except services.CreditLimitError as error:  # not validated, or nothing left
        messages.warning(request, error.message)
        return redirect("invoicing:invoice_detail", pk)
    form = CreditNoteVoidForm(request.POST if request.method == "POST" else None, total=totals.total)
    if request.method == "POST" and token is None:
        form.add_error(None, UNCONFIRMED_FORM)
    elif request.method == "POST" and form.is_valid():
        return _issue_void(request, invoice, form, token)
    balance = invoice_credit_balance(invoice)
    context = {
        "invoice": invoice,
        "balance": balance,
        "lines": [row for row in balance.lines if row.amount_left > 0],
        "totals": totals,
        "form": form,
    }
    return render(request, "invoicing/credit_note_void.html", context, status=422 if form.errors else 200)


def _issue_void(request, invoice, form, token):
    try:
        note = services.credit_note_create_void(
            invoice_id=invoice.pk,
            user=request.user,
            form_token=token,
            observation=form.cleaned_data["observation"],
        )
    except (*USER_ERRORS, ValidationError) as error:
        messages.error(request, error_text(error))
        return redirect("invoicing:invoice_detail", invoice.pk)
    return _submit(request, note.pk)


def _render_form(request, invoice, header, formset, note=None, status=200, factus_errors=(), version=None):
    context = {
        "invoice": invoice,
        "note": note,
        # The version an edit is based on: the one posted when re-rendering, else the note's now.
        "version": version or (note.version_stamp if note else ""),
        "form": header,
        "formset": formset,
        "factus_errors": factus_errors,
        "last_attempt": selectors.last_attempt(note) if note else None,
        "dian_messages": classify_dian(note.dian_messages if note else ()),
        **credit_totals_context(invoice, header, formset),
    }
    return render(request, "invoicing/credit_note_form.html", context, status=status)


def _save(request, invoice, header, formset, note=None, token=None):
    lines = credit_lines(formset)
    version = request.POST.get("version") or None
    data = {
        "user": request.user,
        "concept": header.cleaned_data["concept"],
        "lines": lines,
        "observation": header.cleaned_data["observation"],
    }
    if request.POST.get("action") == "issue":
        require_permission(request.user, ISSUE_PERMISSION)
    try:
        if request.POST.get("action") == "issue":  # what you see is what is credited
            shown = services.credit_note_totals(invoice_id=invoice.pk, concept=data["concept"], lines=lines)
            header.check_shown_total(shown.total)
            if header.errors:
                return _render_form(request, invoice, header, formset, note, status=422, version=version)
        if note is None:
            note = services.credit_note_create_partial(invoice_id=invoice.pk, form_token=token, **data)
        else:
            note = services.credit_note_update_draft(credit_note_id=note.pk, version=version, **data)
    except services.StaleEditError as error:  # saved meanwhile in another tab: the next save replaces
        header.add_error(None, error.message)
        return _render_form(request, invoice, header, formset, credit_note_or_404(note.pk), status=409)
    except services.CreditLimitError as error:  # over-credit: next to the line it is about
        apply_limit_errors(header, formset, error.field_errors)
        return _render_form(request, invoice, header, formset, note, status=422, version=version)
    except ValidationError as error:
        header.add_error(None, error)
        return _render_form(request, invoice, header, formset, note, status=422, version=version)
    except USER_ERRORS as error:  # no longer editable (sent from another tab), invoice not creditable
        messages.error(request, error_text(error))
        return redirect("credit_notes:detail" if note else "invoicing:invoice_detail", (note or invoice).pk)
    if request.POST.get("action") == "issue":
        return _submit(request, note.pk)
    messages.success(request, f"Borrador de nota crédito {note.reference_code} guardado.")
    return redirect("credit_notes:detail", note.pk)


@permission_required(CREATE_PERMISSION)
@require_http_methods(["GET", "POST"])
def credit_note_create(request, pk):
    invoice = invoice_or_404(pk)
    token = form_token_of(request.POST) if request.method == "POST" else None
    used = note_selectors.credit_note_for_form_token(form_token=token)
    if used is not None:
        return _already_sent(request, used)
    balance = invoice_credit_balance(invoice)
    refused = _nothing_to_credit(request, invoice, balance)
    if refused is not None:
        return refused
    if request.method != "POST":
        header, formset = credit_note_forms(rows=balance.lines)
        return _render_form(request, invoice, header, formset)
    header, formset = credit_note_forms(rows=balance.lines, data=request.POST)
    valid = header.is_valid() & formset.is_valid()
    if token is None:
        header.add_error(None, UNCONFIRMED_FORM)
    elif valid:
        return _save(request, invoice, header, formset, token=token)
    return _render_form(request, invoice, header, formset, status=422)


@permission_required(CREATE_PERMISSION)
@require_http_methods(["GET", "POST"])
def credit_note_update(request, pk):
    note = credit_note_or_404(pk)
    if not note.is_editable:
        messages.info(request, f"La nota crédito está «{note.get_status_display()}» y no se puede editar.")
        return redirect("credit_notes:detail", pk)
    invoice = invoice_or_404(note.invoice_id)
    rows = invoice_credit_balance(invoice).lines
    if request.method != "POST":
        header, formset, leftovers = credit_note_edit_forms(note, rows=rows)
        return _render_form(request, invoice, header, formset, note, factus_errors=leftovers)
    header, formset = credit_note_forms(rows=rows, data=request.POST, note=note)
    if header.is_valid() & formset.is_valid():
        return _save(request, invoice, header, formset, note)
    return _render_form(
        request, invoice, header, formset, note, status=422, version=request.POST.get("version")
    )


@require_POST
@permission_required(CREATE_PERMISSION)
def credit_note_totals(request, pk):
    """The live totals of a partial note (htmx): the core's arithmetic, over-credit on the lines."""
    invoice = invoice_or_404(pk)
    # The rows only need the invoice's lines in order (what is left is the core's, computed once in
    # credit_note_totals): the balance is not computed twice on every keystroke.
    header, formset = credit_note_forms(rows=list(invoice.items.all()), data=request.POST)
    context = credit_totals_context(invoice, header, formset, live=True)
    return render(request, "invoicing/_credit_totals.html", {**context, "oob": True})


def _submit(request, pk):
    try:
        result = services.credit_note_submit(credit_note_id=pk, user=request.user)
    except USER_ERRORS as error:
        messages.error(request, error_text(error))
        return redirect("credit_notes:detail", pk)
    return respond_to_note_submit(request, result)


@permission_required(ISSUE_PERMISSION)
@require_POST
def credit_note_submit(request, pk):
    credit_note_or_404(pk)
    return _submit(request, pk)
