"""Informes: sales, IVA by rate and withholdings, net of credit notes, summed by the database.

Every figure is a SQL ``SUM`` over validated documents, dated by ``validated_at`` in the site's time
zone (a credit note counts in the period it was validated). Sales by day, month and customer read
the documents' own totals (Factus' figures, as the invoice page shows them); by product, with a
product filter, and for IVA and withholdings, the figures stored on each line
(invoicing.services.figures). See docs/reports.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from catalog.models import Customer
from factus.codes import RETE_ICA, RETE_IVA, RETE_RENTA, WITHHOLDING_NAMES
from invoicing.models import CreditNote, CreditNoteItem, DocumentStatus, Invoice, InvoiceItem

ZERO = Decimal("0.00")
SALES_GROUPS = ("day", "month", "customer", "product")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "money"  # money | count | text | date | month | rate


@dataclass
class Report:
    """A table: what the page, the CSV and the Excel file show, cell for cell."""

    slug: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReportFilters:
    date_from: date
    date_to: date
    customer_id: int | None = None
    product_id: int | None = None


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _period(prefix: str, filters: ReportFilters) -> Q:
    return Q(
        **{
            f"{prefix}status": DocumentStatus.VALIDATED,
            f"{prefix}validated_at__gte": _start(filters.date_from),
            f"{prefix}validated_at__lt": _start(filters.date_to + timedelta(days=1)),
        }
    )


def _invoices(filters: ReportFilters) -> QuerySet:
    qs = Invoice.objects.filter(_period("", filters))
    return qs.filter(customer_id=filters.customer_id) if filters.customer_id else qs


def _notes(filters: ReportFilters) -> QuerySet:
    qs = CreditNote.objects.filter(_period("", filters))
    return qs.filter(invoice__customer_id=filters.customer_id) if filters.customer_id else qs


def _invoice_lines(filters: ReportFilters) -> QuerySet:
    qs = InvoiceItem.objects.filter(_period("invoice__", filters))
    if filters.customer_id:
        qs = qs.filter(invoice__customer_id=filters.customer_id)
    return qs.filter(product_id=filters.product_id) if filters.product_id else qs


def _note_lines(filters: ReportFilters) -> QuerySet:
    qs = CreditNoteItem.objects.filter(_period("credit_note__", filters))
    if filters.customer_id:
        qs = qs.filter(credit_note__invoice__customer_id=filters.customer_id)
    return qs.filter(product_id=filters.product_id) if filters.product_id else qs


# --- sales -----------------------------------------------------------------------------------------

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
        invoices = _invoice_lines(filters).annotate(
            doc=F("invoice_id"), day=F("invoice__validated_at"), cust=F("invoice__customer_id")
        )
        notes = _note_lines(filters).annotate(
            doc=F("credit_note_id"),
            day=F("credit_note__validated_at"),
            cust=F("credit_note__invoice__customer_id"),
        )
        money = {"gross_value": "line_gross_value", "tax_amount": "line_tax_amount", "total": "line_total"}
    else:
        invoices = _invoices(filters).annotate(doc=F("pk"), day=F("validated_at"), cust=F("customer_id"))
        notes = _notes(filters).annotate(doc=F("pk"), day=F("validated_at"), cust=F("invoice__customer_id"))
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

    return grouped(invoices), grouped(notes)


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
    return Report(slug, SALES_TITLES[group], columns, ordered, _totals(columns, ordered))


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


def _totals(columns, rows: list[dict]) -> dict:
    return {
        column.key: sum((row[column.key] for row in rows), 0 if column.kind == "count" else ZERO)
        for column in columns
        if column.kind in ("money", "count")
    }


# --- IVA by rate -----------------------------------------------------------------------------------

VAT_COLUMNS = (
    Column("label", "Concepto", "text"),
    Column("rate", "Tarifa", "rate"),
    Column("gross_value", "Valor facturado (sin IVA)"),
    Column("taxable_amount", "Base gravable facturada"),
    Column("tax_amount", "IVA facturado"),
    Column("credited_taxable_amount", "Base gravable en notas crédito"),
    Column("credited_tax_amount", "IVA en notas crédito"),
    Column("net_gross_value", "Valor neto (sin IVA)"),
    Column("net_taxable_amount", "Base gravable neta"),
    Column("net_tax_amount", "IVA neto"),
)
_VAT_SUMS = {
    "gross_value": Sum("line_gross_value"),
    "taxable_amount": Sum("line_taxable_amount"),
    "tax_amount": Sum("line_tax_amount"),
}


def _vat_kind(is_excluded: bool, rate: Decimal) -> tuple[int, str]:
    """Sort order and label: taxed rates first (highest first), then exempt, then excluded."""
    if is_excluded:
        return 3, "Excluido de IVA"
    if rate == 0:
        return 2, "Exento (0 %)"
    return 1, f"Gravado {rate.normalize():f} %".replace(".", ",")


def vat_report(*, filters: ReportFilters) -> Report:
    """IVA by rate: base and tax billed, credited and net; exempt and excluded on their own rows.

    Two grouped queries over the stored line figures.
    """
    rows: dict = {}
    for side, qs in (("", _invoice_lines(filters)), ("credited_", _note_lines(filters))):
        for found in qs.values("is_excluded", "tax_rate").annotate(**_VAT_SUMS):
            rate = ZERO if found["is_excluded"] else found["tax_rate"]
            key = (bool(found["is_excluded"]), rate)
            row = rows.setdefault(key, _vat_row(*key))
            for name in _VAT_SUMS:
                row[f"{side}{name}"] += found[name] or ZERO
    for row in rows.values():
        for name in _VAT_SUMS:
            row[f"net_{name}"] = row[name] - row[f"credited_{name}"]
    ordered = sorted(rows.values(), key=lambda row: (row["_order"], -(row["rate"] or ZERO)))
    for row in ordered:
        row.pop("_order")
    return Report("iva", "IVA por tarifa", VAT_COLUMNS, ordered, _totals(VAT_COLUMNS, ordered))


def _vat_row(is_excluded: bool, rate: Decimal) -> dict:
    order, label = _vat_kind(is_excluded, rate)
    row = {"label": label, "rate": None if is_excluded else rate, "_order": order}  # excluded: no rate
    for prefix in ("", "credited_", "net_"):
        for name in _VAT_SUMS:
            row[f"{prefix}{name}"] = ZERO
    return row


# --- withholdings ----------------------------------------------------------------------------------

WITHHOLDING_COLUMNS = (
    Column("label", "Retención", "text"),
    Column("base", "Base en facturas"),
    Column("value", "Retenido en facturas"),
    Column("credited_base", "Base en notas crédito"),
    Column("credited_value", "Retenido en notas crédito"),
    Column("net_base", "Base neta"),
    Column("net_value", "Retención neta"),
)
# code -> (line column of the value, line column of its base): ReteIVA is a share of the IVA.
_WITHHELD = {
    RETE_IVA: ("line_rete_iva", "line_tax_amount"),
    RETE_RENTA: ("line_rete_renta", "line_gross_value"),
    RETE_ICA: ("line_rete_ica", "line_gross_value"),
}


def _withholding_sums() -> dict:
    sums = {}
    for code, (value, base) in _WITHHELD.items():
        sums[f"v{code}"] = Sum(value)
        sums[f"b{code}"] = Sum(base, filter=Q(**{f"{value}__gt": 0}))
    return sums


def withholdings_report(*, filters: ReportFilters) -> Report:
    """ReteIVA, ReteRenta and ReteICA (informational self-withholdings): base and value, net of notes.

    One aggregate query per side.
    """
    billed = _invoice_lines(filters).aggregate(**_withholding_sums())
    credited = _note_lines(filters).aggregate(**_withholding_sums())
    rows = []
    for code in _WITHHELD:
        row = {
            "label": f"{WITHHOLDING_NAMES[code]} ({code})",
            "base": billed[f"b{code}"] or ZERO,
            "value": billed[f"v{code}"] or ZERO,
            "credited_base": credited[f"b{code}"] or ZERO,
            "credited_value": credited[f"v{code}"] or ZERO,
        }
        row["net_base"] = row["base"] - row["credited_base"]
        row["net_value"] = row["value"] - row["credited_value"]
        rows.append(row)
    return Report(
        "retenciones",
        "Retenciones por tipo",
        WITHHOLDING_COLUMNS,
        rows,
        _totals(WITHHOLDING_COLUMNS, rows),
    )


# The address of each report (/informes/<slug>/) and its title, in menu order.
SALES_SLUGS = {
    "ventas-dia": "day",
    "ventas-mes": "month",
    "ventas-cliente": "customer",
    "ventas-producto": "product",
}
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
