"""Line figures stored for reports: each line's total, base, IVA and withholdings, as Factus computes them.

Why stored (docs/reports.md): IVA by rate and withholdings by type are line-level figures; storing
them when the line is written makes every report a SQL ``SUM`` (no Python loop over 100,000
invoices, no second copy of the Factus arithmetic in SQL). A line never changes once its document
is sent, so the stored figures are the ones it was validated with.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from factus.codes import RETE_ICA, RETE_IVA, RETE_RENTA
from invoicing.totals import LineInput, compute_line, to_decimal

# Withholding code -> the line column that holds its amount (one home: this map).
WITHHOLDING_COLUMNS = {RETE_IVA: "line_rete_iva", RETE_RENTA: "line_rete_renta", RETE_ICA: "line_rete_ica"}
FIGURE_FIELDS = (
    "line_total",
    "line_gross_value",
    "line_taxable_amount",
    "line_tax_amount",
    *WITHHOLDING_COLUMNS.values(),
)


def _rates(raw) -> tuple[tuple[str, Decimal], ...]:
    """Known withholdings with a usable rate (an imported line may lack one: it is left out)."""
    rates = []
    for entry in raw or []:
        if not isinstance(entry, dict) or str(entry.get("code")) not in WITHHOLDING_COLUMNS:
            continue
        try:
            rates.append((str(entry["code"]), to_decimal(entry.get("rate"))))
        except (InvalidOperation, TypeError, ValueError):
            continue
    return tuple(rates)


def with_figures(line):
    """``line`` (an unsaved or saved document line) with its ``line_*`` figures set; not saved.

    A line without a price or quantity (an odd import) keeps null figures.
    """
    if line.price is None or not line.quantity:
        return line
    computed = compute_line(
        LineInput(
            quantity=int(line.quantity),
            price=to_decimal(line.price),
            discount_rate=to_decimal(line.discount_rate or 0),
            tax_rate=to_decimal(line.tax_rate or 0),
            is_excluded=bool(line.is_excluded),
            withholdings=_rates(line.withholdings),
        )
    )
    line.line_total = computed.total
    line.line_gross_value = computed.gross_value
    line.line_taxable_amount = computed.taxable_amount
    line.line_tax_amount = computed.tax_amount
    for code, column in WITHHOLDING_COLUMNS.items():
        setattr(line, column, computed.withholdings.get(code, Decimal("0.00")))
    return line


def lines_with_figures(lines: Iterable) -> list:
    """``with_figures`` over ``lines``, as a list (for ``bulk_create`` / ``bulk_update``)."""
    return [with_figures(line) for line in lines]
