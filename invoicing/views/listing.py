"""The invoice list (local database), its CSV export and the import from Factus."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from core.permissions import permission_required
from invoicing import selectors, services
from invoicing.filters import InvoiceFilterForm
from invoicing.models import request_budget

from .common import USER_ERRORS, error_text

# "Total" is Factus' figure only; a bill Factus has not totalled yet has ours in the last column.
CSV_HEADER = [
    "Número",
    "Referencia",
    "Fecha",
    "Cliente",
    "Identificación",
    "Estado",
    "Subtotal",
    "IVA",
    "Total",
    "CUFE",
    "Total calculado (sin validar)",
]


def _filtered(form: InvoiceFilterForm, **options):
    return selectors.invoice_list(filters=form.filters(), **options).order_by(*form.ordering())


@require_safe
@permission_required("invoicing.view_invoice")
def invoice_list(request):
    form = InvoiceFilterForm(request.GET)
    queryset = _filtered(form, compact=True)
    page = selectors.invoice_page(queryset, cursor=request.GET.get("cursor"), size=form.per_page())
    query = request.GET.copy()
    for position in ("cursor", "page"):  # the export takes every row of the filters
        query.pop(position, None)
    return render(
        request,
        "invoicing/invoice_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "sort": form.sort_key,
            "has_filters": form.has_filters(),
        },
    )


def csv_cell(value) -> str:
    """Text a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


class Echo:
    def write(self, value):
        return value


def _csv_rows(queryset):
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(CSV_HEADER)  # the BOM makes spreadsheet programs read UTF-8
    for invoice in queryset.iterator(chunk_size=500):
        customer = invoice.customer
        yield writer.writerow(
            [
                csv_cell(value)
                for value in (
                    invoice.number,
                    invoice.reference_code,
                    timezone.localtime(invoice.created_at).strftime("%Y-%m-%d %H:%M"),
                    customer.display_name,
                    customer.identification_display,
                    invoice.get_status_display(),
                    invoice.gross_value,
                    invoice.tax_amount,
                    invoice.total,
                    invoice.cufe,
                    invoice.estimated_total if invoice.total is None else None,
                )
            ]
        )


@require_safe
@permission_required("invoicing.view_invoice")
def invoice_export(request):
    form = InvoiceFilterForm(request.GET)
    queryset = _filtered(form, with_cufe=True)
    response = StreamingHttpResponse(_csv_rows(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="facturas-{timezone.localdate():%Y%m%d}.csv"'
    return response


@require_POST
@permission_required("invoicing.import_invoices")
def invoice_import(request):
    try:
        summary = services.invoices_import(user=request.user, budget_seconds=request_budget())
    except USER_ERRORS as error:
        messages.error(request, f"No se pudo importar desde Factus: {error_text(error)}")
    else:
        level = messages.warning if summary.interrupted else messages.success
        level(
            request,
            f"Importación desde Factus {'interrumpida' if summary.interrupted else 'terminada'}: {summary}",
        )
    return redirect("invoicing:invoice_list")
