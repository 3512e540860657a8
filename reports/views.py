"""Inicio (the dashboard) and Informes (on screen, CSV, Excel): thin views over reports.selectors."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from core.permissions import permission_required
from reports import dashboard, exports, selectors
from reports.forms import ReportFilterForm

VIEW_INVOICES = "invoicing.view_invoice"
VIEW_REPORTS = "invoicing.view_reports"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
def home(request):
    """Inicio: the dashboard for those who may see invoices, a welcome for everyone else."""
    context = {"can_view_reports": request.user.has_perm(VIEW_REPORTS)}
    if request.user.has_perm(VIEW_INVOICES):
        context["dash"] = dashboard.dashboard()
    return render(request, "home.html", context)


@require_GET
@permission_required(VIEW_REPORTS)
def report(request, slug="ventas-mes", fmt="html"):
    if slug not in selectors.REPORTS or fmt not in ("html", *CONTENT_TYPES):
        raise Http404("No existe ese informe.")
    form = ReportFilterForm(request.GET)  # bound even when empty: no dates is this month
    filters = form.report_filters()
    if filters is None or fmt == "html":
        return _page(request, slug, form, filters)
    built = selectors.build_report(slug=slug, filters=filters)
    content = exports.to_csv(built, filters) if fmt == "csv" else exports.to_xlsx(built, filters)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, exports.file_name(built, filters, fmt))
    return response


def _page(request, slug, form, filters):
    query = request.GET.urlencode()
    return render(
        request,
        "reports/report.html",
        {
            "form": form,
            "slug": slug,
            "filters": filters,
            "report": selectors.build_report(slug=slug, filters=filters) if filters else None,
            "reports": selectors.REPORTS,
            "query": query,
        },
        status=200 if filters else 422,
    )
