"""Informes: sales, IVA by rate and withholdings, net of credit notes, summed by the database.

Every figure is a SQL ``SUM`` over validated documents, dated by ``validated_at`` in the site's time
zone (a credit note counts in the period it was validated). Sales by day, month and customer read
the documents' own totals (Factus' figures, as the invoice page shows them); by product, with a
product filter, and for IVA and withholdings, the figures stored on each line
(invoicing.services.figures). See docs/reports.md.
"""

from __future__ import annotations

from reports.sales import SALES_SLUGS, SALES_TITLES, sales_report
from reports.tables import Column, Report, ReportFilters
from reports.taxes import vat_report, withholdings_report

__all__ = [
    "REPORTS",
    "Column",
    "Report",
    "ReportFilters",
    "build_report",
    "sales_report",
    "vat_report",
    "withholdings_report",
]

REPORTS = {
    **{slug: SALES_TITLES[group] for slug, group in SALES_SLUGS.items()},
    "iva": "IVA por tarifa",
    "retenciones": "Retenciones por tipo",
}


def build_report(*, slug: str, filters: ReportFilters) -> Report:
    """The report named ``slug`` (a key of REPORTS). Raises: KeyError for an unknown slug."""
    if slug in SALES_SLUGS:
        return sales_report(group=SALES_SLUGS[slug], filters=filters)
    if slug == "iva":
        return vat_report(filters=filters)
    if slug == "retenciones":
        return withholdings_report(filters=filters)
    raise KeyError(slug)
