"""Detail page and what it offers: PDF, XML, e-mail, delete at Factus."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from core.permissions import permission_required
from invoicing import credit_note_selectors as note_selectors
from invoicing import selectors, services
from invoicing.forms import EmailForm
from invoicing.services import follow_up

from .common import USER_ERRORS, classify_dian, detail_figures, error_text, invoice_or_404
from .credit_note_common import CREATE_PERMISSION, DELETE_PERMISSION, ISSUE_PERMISSION

# Factus refused the e-mail for the moment (429, 5xx, no answer): retried by the follow-up cycle.
TRANSIENT_EMAIL_ERRORS = follow_up.TRANSIENT


@require_safe
@permission_required("invoicing.view_invoice")
def invoice_detail(request, pk):
    invoice = invoice_or_404(pk)
    return render(
        request,
        "invoicing/invoice_detail.html",
        {
            "invoice": invoice,
            "dian_messages": classify_dian(invoice.dian_messages),
            "email_form": EmailForm(initial={"email": invoice.customer.email}),
            "can_delete_notes": request.user.has_perm(DELETE_PERMISSION),
            "can_credit": request.user.has_perms((CREATE_PERMISSION, ISSUE_PERMISSION)),
            "credit": note_selectors.invoice_credit_summary(invoice),
            "credit_notes": note_selectors.invoice_credit_notes(invoice),
            "last_attempt": selectors.last_attempt(invoice),
            "qr_link": selectors.qr_link(invoice),
            **detail_figures(invoice),
        },
    )


@require_GET
@permission_required("invoicing.view_invoice")
def invoice_print(request, pk):
    """The invoice on one printable page (no navigation, no actions), total in words included."""
    invoice = invoice_or_404(pk)
    return render(
        request,
        "invoicing/invoice_print.html",
        {"invoice": invoice, "qr_link": selectors.qr_link(invoice), **detail_figures(invoice)},
    )


def _document(request, pk, kind, *, inline):
    invoice_or_404(pk)
    try:
        document = services.invoice_document(invoice_id=pk, user=request.user, kind=kind)
    except USER_ERRORS as error:
        return render(
            request,
            "invoicing/document_error.html",
            {"message": error_text(error), "pk": pk, "kind": kind.upper()},
            status=502,
        )
    response = HttpResponse(document.content, content_type=document.content_type)
    # The service already made the name safe; the header is built by Django, never by hand.
    response["Content-Disposition"] = content_disposition_header(not inline, document.file_name)
    return response


@require_safe
@xframe_options_sameorigin
@permission_required("invoicing.view_invoice")
def invoice_pdf(request, pk):
    return _document(request, pk, "pdf", inline=request.GET.get("download") != "1")


@require_safe
@permission_required("invoicing.view_invoice")
def invoice_xml(request, pk):
    return _document(request, pk, "xml", inline=False)


@require_http_methods(["GET", "POST"])
@permission_required("invoicing.email_invoice")
def invoice_email(request, pk):
    invoice = invoice_or_404(pk)
    form = EmailForm(request.POST or None, initial={"email": invoice.customer.email})
    if request.method == "POST" and form.is_valid():
        try:
            text = services.invoice_send_email(
                invoice_id=pk, user=request.user, email=form.cleaned_data["email"]
            )
        except TRANSIENT_EMAIL_ERRORS as error:
            follow_up.email_retry_schedule(invoice_id=pk, email=form.cleaned_data["email"])
            messages.warning(
                request, f"{error_text(error)} El correo se reintentará automáticamente en unos minutos."
            )
            return redirect("invoicing:invoice_detail", pk)
        except USER_ERRORS as error:
            form.add_error("email", error_text(error))
        else:
            messages.success(request, text or f"Factura enviada a {form.cleaned_data['email']}.")
            return redirect("invoicing:invoice_detail", pk)
    return render(
        request,
        "invoicing/invoice_email.html",
        {"invoice": invoice, "form": form},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required("invoicing.delete_at_factus")
def invoice_delete(request, pk):
    invoice = invoice_or_404(pk)
    reopen = request.POST.get("reopen", request.GET.get("reopen")) == "1"
    if request.method != "POST":
        return render(
            request, "invoicing/invoice_confirm_delete.html", {"invoice": invoice, "reopen": reopen}
        )
    try:
        invoice = services.invoice_delete_at_factus(invoice_id=pk, user=request.user, reopen=reopen)
    except USER_ERRORS as error:
        messages.error(request, error_text(error))
        return redirect("invoicing:invoice_detail", pk)
    if reopen:
        messages.success(request, "Eliminada en Factus. Corrija los datos y emítala de nuevo.")
        return redirect("invoicing:invoice_update", invoice.pk)
    messages.success(request, "La factura se eliminó en Factus.")
    return redirect("invoicing:invoice_detail", invoice.pk)
