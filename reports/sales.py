"""Sales by day, month, customer and product: billed, credited (notes) and net, per row."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, F, Max, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from catalog.models import Customer
from reports.tables import (
    ZERO,
    Column,
    Report,
    ReportFilters,
    invoice_lines,
    invoices,
    note_lines,
    notes,
    totals_of,
)

# The address of each report (/informes/<slug>/) and its grouping.
SALES_SLUGS = {
    "ventas-dia": "day",
    "ventas-mes": "month",
    "ventas-cliente": "customer",
    "ventas-producto": "product",
}

SALES_TITLES = {
    "day": "Ventas por día",
    "month": "Ventas por mes",
    "customer": "Ventas por cliente",
    "product": "Ventas por producto",
}
KEY_COLUMNS = {
    "day": Column("key", "Día", "date"),
    "month": Column("key", "Mes", "month"),
    "customer": Column("label", "Cliente", "text"),
    "product": Column("label", "Producto", "text"),
}
SALES_FIGURES = (
    Column("invoices", "Facturas", "count"),
    Column("gross_value", "Subtotal facturado"),
    Column("tax_amount", "IVA facturado"),
    Column("total", "Total facturado"),
    Column("notes", "Notas crédito", "count"),
    Column("credited", "Total notas crédito"),
    Column("net_gross_value", "Subtotal neto"),
    Column("net_tax_amount", "IVA neto"),
    Column("net_total", "Total neto"),
)


def _sales_sources(group: str, filters: ReportFilters):
    """(invoice side, note side) querysets with ``key``, ``doc`` (document id) and figure fields."""
    by_line = group == "product" or filters.product_id is not None
    if by_line:
        billed = invoice_lines(filters).annotate(
            doc=F("invoice_id"), day=F("invoice__validated_at"), cust=F("invoice__customer_id")
        )
        credited = note_lines(filters).annotate(
            doc=F("credit_note_id"),
            day=F("credit_note__validated_at"),
            cust=F("credit_note__invoice__customer_id"),
        )
        money = {"gross_value": "line_gross_value", "tax_amount": "line_tax_amount", "total": "line_total"}
    else:
        billed = invoices(filters).annotate(doc=F("pk"), day=F("validated_at"), cust=F("customer_id"))
        credited = notes(filters).annotate(doc=F("pk"), day=F("validated_at"), cust=F("invoice__customer_id"))
        money = {"gross_value": "gross_value", "tax_amount": "tax_amount", "total": "total"}
    keys = {
        "day": TruncDate("day"),
        "month": TruncMonth("day"),
        "customer": F("cust"),
        "product": F("code_reference"),
    }
    sums = {name: Sum(column) for name, column in money.items()}
    extra = {"label": Max("name")} if group == "product" else {}

    def grouped(qs):
        return qs.values(key=keys[group]).annotate(count=Count("doc", distinct=by_line), **sums, **extra)

    return grouped(billed), grouped(credited)


def sales_report(*, group: str, filters: ReportFilters) -> Report:
    """Sales by ``group`` (day, month, customer, product): billed, credited and net, per row.

    Two grouped queries (invoices, notes) and, by customer, one for the customers' names.
    """
    billed, credited = _sales_sources(group, filters)
    rows: dict = {}
    for row in billed:
        key = _as_key(row["key"])
        rows[key] = _sales_row(key, row.get("label"), row, None)
    for row in credited:
        key = _as_key(row["key"])
        current = rows.get(key)
        billed_part = current["_billed"] if current else None
        rows[key] = _sales_row(key, row.get("label") or (current or {}).get("label"), billed_part, row)
    ordered = _order(group, list(rows.values()))
    if group == "customer":
        names = Customer.objects.in_bulk([row["key"] for row in ordered])
        for row in ordered:
            customer = names.get(row["key"])
            row["label"] = customer.display_name if customer else str(row["key"])
    for row in ordered:
        row.pop("_billed", None)
        if group == "product":
            row["label"] = f"{row['key']} · {row['label']}" if row.get("label") else str(row["key"])
    columns = (KEY_COLUMNS[group], *SALES_FIGURES)
    slug = next(slug for slug, name in SALES_SLUGS.items() if name == group)
    return Report(slug, SALES_TITLES[group], columns, ordered, totals_of(columns, ordered))


def _as_key(value):
    """A month comes back as a local midnight datetime: the report shows (and Excel stores) a date."""
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


def _sales_row(key, label, billed, credited) -> dict:
    def part(source, name):
        return (source or {}).get(name) or ZERO

    row = {
        "key": key,
        "label": label,
        "invoices": (billed or {}).get("count") or 0,
        "gross_value": part(billed, "gross_value"),
        "tax_amount": part(billed, "tax_amount"),
        "total": part(billed, "total"),
        "notes": (credited or {}).get("count") or 0,
        "credited": part(credited, "total"),
        "_billed": billed,
    }
    row["net_gross_value"] = row["gross_value"] - part(credited, "gross_value")
    row["net_tax_amount"] = row["tax_amount"] - part(credited, "tax_amount")
    row["net_total"] = row["total"] - row["credited"]
    return row


def _order(group: str, rows: list[dict]) -> list[dict]:
    if group in ("day", "month"):
        return sorted(rows, key=lambda row: row["key"])
    return sorted(rows, key=lambda row: (-row["net_total"], str(row["key"])))
