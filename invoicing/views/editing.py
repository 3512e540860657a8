"""Create and edit drafts, live totals, issue ("Emitir") and duplicate."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.permissions import permission_required, require_permission
from invoicing import selectors, services
from invoicing.forms import (
    InvoiceForm,
    TotalsFormSet,
    apply_service_error,
    invoice_forms,
    invoice_forms_with_factus_errors,
)

from .common import (
    USER_ERRORS,
    classify_dian,
    error_text,
    invoice_or_404,
    respond_to_submit,
    totals_context,
)


def _render_form(request, form, formset, invoice=None, factus_errors=(), status=200, version=None):
    context = {
        "form": form,
        "formset": formset,
        "invoice": invoice,
        "factus_errors": factus_errors,
        "product_search_url": reverse("catalog:product_search"),
        "dian_messages": classify_dian(invoice.dian_messages if invoice else ()),
        # The version the edit is based on: the one posted when re-rendering, else the current one.
        "version": version or (invoice.version_stamp if invoice else ""),
        "last_attempt": selectors.last_attempt(invoice) if invoice else None,
        **totals_context(formset),
    }
    return render(request, "invoicing/invoice_form.html", context, status=status)


def _already_sent(request, invoice):
    """The second POST of a new-invoice form lands on what the first one created."""
    messages.info(
        request,
        f"Este formulario ya se había enviado: se creó la factura {invoice.reference_code} y no se creó "
        "otra. Esta es la factura creada con él.",
    )
    return redirect("invoicing:invoice_detail", invoice.pk)


def _save(request, form, formset, invoice=None):
    data = {**form.service_data(), "items": formset.service_items(), "user": request.user}
    version = request.POST.get("version") or None
    try:
        if invoice is None:
            invoice, created = services.invoice_create_once(
                form_token=form.cleaned_data.get("form_token"), **data
            )
            if not created:
                return _already_sent(request, invoice)
        else:
            invoice = services.invoice_update_current(invoice_id=invoice.pk, version=version, **data)
    except services.StaleEditError as error:
        form.add_error(None, error.message)
        current = invoice_or_404(invoice.pk)
        return _render_form(request, form, formset, current, status=409)
    except ValidationError as error:
        apply_service_error(form, formset, error)
        return _render_form(request, form, formset, invoice, status=422, version=version)
    except services.InvoiceActionError as error:  # no longer editable (sent from another tab)
        messages.error(request, error.message)
        return redirect("invoicing:invoice_detail", invoice.pk)
    if request.POST.get("action") == "issue":
        return _submit(request, invoice.pk)
    messages.success(request, f"Borrador {invoice.reference_code} guardado.")
    return redirect("invoicing:invoice_detail", invoice.pk)


def _submit(request, pk):
    try:
        result = services.invoice_submit(invoice_id=pk, user=request.user)
    except USER_ERRORS as error:
        messages.error(request, error_text(error))
        return redirect("invoicing:invoice_detail", pk)
    return respond_to_submit(request, result)


UNCONFIRMED_FORM = (
    "No se pudo confirmar que este formulario se envía una sola vez (le falta su código de envío). "
    "No se guardó nada: revise los datos y pulse de nuevo el botón."
)


def _check_issue(request) -> None:
    """ "Emitir" on the form saves and issues: issuing needs its own permission (nothing saved without)."""
    if request.POST.get("action") == "issue":
        require_permission(request.user, "invoicing.issue_invoice")


@require_http_methods(["GET", "POST"])
@permission_required("invoicing.add_invoice")
def invoice_create(request):
    if request.method != "POST":
        form, formset = invoice_forms()
        return _render_form(request, form, formset)
    _check_issue(request)
    token = InvoiceForm.form_token_of(request.POST)
    used = selectors.invoice_for_form_token(form_token=token)
    if used is not None:  # reload / back button / double click of a form already sent
        return _already_sent(request, used)
    data = request.POST
    if token is None:  # never accepted without one (server-side, not only JS): a fresh one to resend
        data = request.POST.copy()
        data["form_token"] = str(uuid.uuid4())
    form, formset = invoice_forms(data)
    valid = form.is_valid() & formset.is_valid()
    if token is None:
        form.add_error(None, UNCONFIRMED_FORM)
    elif valid:
        return _save(request, form, formset)
    return _render_form(request, form, formset, status=422)


@require_http_methods(["GET", "POST"])
@permission_required("invoicing.change_invoice")
def invoice_update(request, pk):
    _check_issue(request)
    invoice = invoice_or_404(pk)
    if not invoice.is_editable:
        messages.info(request, f"La factura está «{invoice.get_status_display()}» y no se puede editar.")
        return redirect("invoicing:invoice_detail", pk)
    if request.method == "POST":
        form, formset = invoice_forms(request.POST)
        if form.is_valid() & formset.is_valid():
            return _save(request, form, formset, invoice)
        return _render_form(request, form, formset, invoice, status=422, version=request.POST.get("version"))
    form, formset, leftovers = invoice_forms_with_factus_errors(invoice)
    return _render_form(request, form, formset, invoice, leftovers)


@require_POST
@permission_required("invoicing.add_invoice", "invoicing.change_invoice", any_of=True)
def invoice_totals(request):
    formset = TotalsFormSet(request.POST)
    return render(request, "invoicing/_totals.html", {**totals_context(formset), "oob": True})


@require_POST
@permission_required("invoicing.issue_invoice")
def invoice_submit(request, pk):
    invoice_or_404(pk)
    return _submit(request, pk)


@require_POST
@permission_required("invoicing.add_invoice")
def invoice_duplicate(request, pk):
    invoice_or_404(pk)
    try:
        copy = services.invoice_duplicate(invoice_id=pk, user=request.user)
    except (*USER_ERRORS, ValidationError) as error:
        messages.error(request, error_text(error))
        return redirect("invoicing:invoice_detail", pk)
    messages.success(request, f"Copia creada como borrador {copy.reference_code}; revísela y emítala.")
    return redirect("invoicing:invoice_update", copy.pk)
