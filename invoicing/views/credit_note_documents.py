"""A credit note's detail and what it offers: PDF, XML, e-mail, delete at Factus; the list and its CSV."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_safe

from core.keyset import keyset_page
from core.permissions import permission_required
from invoicing import credit_note_selectors as note_selectors
from invoicing import selectors, services
from invoicing.filters import CreditNoteFilter
from invoicing.forms import EmailForm

from .common import USER_ERRORS, classify_dian, detail_figures, error_text
from .credit_note_common import (
    DELETE_PERMISSION,
    EMAIL_PERMISSION,
    ISSUE_PERMISSION,
    VIEW_PERMISSION,
    credit_note_or_404,
)
from .listing import Echo, csv_cell

PAGE_SIZE = 25


@require_safe
@permission_required(VIEW_PERMISSION)
def credit_note_detail(request, pk):
    note = credit_note_or_404(pk)
    return render(
        request,
        "invoicing/credit_note_detail.html",
        {
            "note": note,
            "invoice": note.invoice,
            "dian_messages": classify_dian(note.dian_messages),
            "email_form": EmailForm(initial={"email": note.invoice.customer.email}),
            "can_issue": request.user.has_perm(ISSUE_PERMISSION),
            "can_delete": request.user.has_perm(DELETE_PERMISSION),
            "last_attempt": selectors.last_attempt(note),
            "qr_link": selectors.qr_link(note),
            **detail_figures(note),
        },
    )


def _document(request, pk, kind, *, inline):
    credit_note_or_404(pk)
    try:
        document = services.credit_note_document(credit_note_id=pk, user=request.user, kind=kind)
    except USER_ERRORS as error:
        return render(
            request,
            "invoicing/document_error.html",
            {"message": error_text(error), "pk": pk, "kind": kind.upper(), "credit_note": True},
            status=502,
        )
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, document.file_name)
    return response


@require_safe
@xframe_options_sameorigin
@permission_required(VIEW_PERMISSION)
def credit_note_pdf(request, pk):
    return _document(request, pk, "pdf", inline=request.GET.get("download") != "1")


@require_safe
@permission_required(VIEW_PERMISSION)
def credit_note_xml(request, pk):
    return _document(request, pk, "xml", inline=False)


@permission_required(EMAIL_PERMISSION)
@require_http_methods(["GET", "POST"])
def credit_note_email(request, pk):
    note = credit_note_or_404(pk)
    form = EmailForm(request.POST or None, initial={"email": note.invoice.customer.email})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            text = services.credit_note_send_email(credit_note_id=pk, user=request.user, email=email)
        except USER_ERRORS as error:
            form.add_error("email", error_text(error))
        else:
            messages.success(request, text or f"Nota crédito enviada a {email}.")
            return redirect("credit_notes:detail", pk)
    return render(
        request,
        "invoicing/credit_note_email.html",
        {"note": note, "form": form},
        status=422 if form.errors else 200,
    )


@permission_required(DELETE_PERMISSION)
@require_http_methods(["GET", "POST"])
def credit_note_delete(request, pk):
    note = credit_note_or_404(pk)
    reopen = request.POST.get("reopen", request.GET.get("reopen")) == "1"
    if request.method != "POST":
        return render(request, "invoicing/credit_note_confirm_delete.html", {"note": note, "reopen": reopen})
    try:
        note = services.credit_note_delete_at_factus(credit_note_id=pk, user=request.user, reopen=reopen)
    except USER_ERRORS as error:
        messages.error(request, error_text(error))
        return redirect("credit_notes:detail", pk)
    if reopen:
        messages.success(request, "Eliminada en Factus. Corrija la nota crédito y emítala de nuevo.")
        return redirect("credit_notes:update", note.pk)
    messages.success(request, "La nota crédito se eliminó en Factus.")
    return redirect("credit_notes:detail", note.pk)


# --- the list --------------------------------------------------------------------------------------


@require_safe
@permission_required(VIEW_PERMISSION)
def credit_note_list(request):
    filterset = CreditNoteFilter(request.GET, queryset=note_selectors.credit_note_list())
    page = keyset_page(filterset.qs, cursor=request.GET.get("cursor"), size=PAGE_SIZE)
    return render(
        request,
        "invoicing/credit_note_list.html",
        {
            "filter": filterset,
            "page": page,
            "sort": filterset.current_sort,
            "has_filters": filterset.has_filters(),
        },
    )


# "Total" is Factus' figure only; a note Factus has not totalled yet has ours in the last column.
CSV_HEADER = [
    "Número",
    "Referencia",
    "Fecha",
    "Factura",
    "Cliente",
    "Identificación",
    "Concepto",
    "Estado",
    "Subtotal",
    "IVA",
    "Total",
    "CUDE",
    "Total calculado (sin validar)",
]


def _csv_rows(queryset):
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(CSV_HEADER)  # the BOM makes spreadsheet programs read UTF-8
    for note in queryset.iterator(chunk_size=500):
        customer = note.invoice.customer
        values = (
            note.number,
            note.reference_code,
            timezone.localtime(note.created_at).strftime("%Y-%m-%d %H:%M"),
            note.invoice.number or note.invoice.reference_code,
            customer.display_name,
            customer.identification_display,
            note.get_correction_concept_display(),
            note.get_status_display(),
            note.gross_value,
            note.tax_amount,
            note.total,
            note.cude,
            note.estimated_total if note.total is None else None,
        )
        yield writer.writerow([csv_cell(value) for value in values])


@require_safe
@permission_required(VIEW_PERMISSION)
def credit_note_export(request):
    filterset = CreditNoteFilter(request.GET, queryset=note_selectors.credit_note_list(with_cude=True))
    response = StreamingHttpResponse(_csv_rows(filterset.qs), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="notas-credito-{timezone.localdate():%Y%m%d}.csv"'
    )
    return response
