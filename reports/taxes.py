"""IVA by rate (taxed, exempt and excluded apart) and withholdings by type, from the stored line figures."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum

from factus.codes import RETE_ICA, RETE_IVA, RETE_RENTA, WITHHOLDING_NAMES
from reports.tables import ZERO, Column, Report, ReportFilters, invoice_lines, note_lines, totals_of

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
    for side, qs in (("", invoice_lines(filters)), ("credited_", note_lines(filters))):
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
    return Report("iva", "IVA por tarifa", VAT_COLUMNS, ordered, totals_of(VAT_COLUMNS, ordered))


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
    billed = invoice_lines(filters).aggregate(**_withholding_sums())
    credited = note_lines(filters).aggregate(**_withholding_sums())
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
        totals_of(WITHHOLDING_COLUMNS, rows),
    )


# The address of each report (/informes/<slug>/) and its title, in menu order.
