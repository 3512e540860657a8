"""Bulk issuing: the list's "Emitir" buttons and the live progress page of a run."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.permissions import permission_required
from invoicing import selectors
from invoicing.filters import InvoiceFilterForm
from invoicing.models import BulkRun, Invoice
from invoicing.services.bulk import MAX_IDS, bulk_issue

ISSUE_PERMISSION = "invoicing.issue_invoice"


@require_POST
@permission_required(ISSUE_PERMISSION)
def invoice_bulk_issue(request):
    ids = _selected_ids(request)
    if not ids:
        messages.warning(request, "No hay borradores seleccionados para emitir.")
        return redirect(_back_to_list(request))
    try:
        issued = bulk_issue(invoice_ids=ids, user=request.user)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect(_back_to_list(request))
    if issued.run is None:
        messages.warning(request, "Ninguna de las facturas seleccionadas se puede emitir (solo borradores).")
        return redirect(_back_to_list(request))
    messages.success(request, _summary(issued))
    return redirect("invoicing:bulk_run_detail", issued.run.pk)


def _selected_ids(request) -> list[int]:
    """The ticked rows, or every draft the list's filters match ("Emitir todos los filtrados")."""
    if request.POST.get("scope") == "filtered":
        form = InvoiceFilterForm(QueryDict(request.POST.get("query", "")))
        filters = {**form.filters(), "status": [Invoice.Status.DRAFT]}
        return list(selectors.invoice_list(filters=filters).values_list("pk", flat=True)[: MAX_IDS + 1])
    return [int(value) for value in request.POST.getlist("ids") if value.isascii() and value.isdigit()]


def _back_to_list(request) -> str:
    query = QueryDict(request.POST.get("query", "")).urlencode()  # re-encoded: only a query string
    url = reverse("invoicing:invoice_list")
    return f"{url}?{query}" if query else url


def _summary(issued) -> str:
    text = f"{issued.added} factura(s) en cola para emitir."
    if issued.already_queued:
        text += f" {issued.already_queued} ya estaban en cola y no se agregaron de nuevo."
    if issued.not_issuable:
        text += f" {issued.not_issuable} no son borradores y no se emiten."
    return text


@require_GET
@permission_required("invoicing.view_invoice")
def bulk_run_detail(request, pk):
    try:
        progress = selectors.bulk_run_progress(run_id=pk)
    except BulkRun.DoesNotExist as error:
        raise Http404("No existe esa emisión masiva.") from error
    template = "invoicing/_bulk_progress.html" if request.htmx else "invoicing/bulk_run_detail.html"
    return render(request, template, progress)
