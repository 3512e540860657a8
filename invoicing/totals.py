"""Factus v1 bill arithmetic (API.md §6.4): tax-inclusive prices, Decimal only, half-up to the cent.

Per line with quantity q, unit price P (tax included), discount d %, tax t %:
``total = P·q·(1 − d/100)``, ``gross = round(total / (1 + t/100))``, ``tax = total − gross``,
``discount = round(P·q / (1 + t/100) · d/100)``. Excluded items carry no tax (gross = total,
taxable 0); exempt items (tax 0 %) have taxable = gross. Withholdings are informational (never
subtracted): 05 ReteIVA on the line's tax, 06 ReteRenta and 07 ReteICA on its gross value.
Document: sums of the lines; ``total = Σ line totals + surcharges − discounts``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from factus.codes import WITHHOLDING_ON_TAX

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def to_decimal(value) -> Decimal:
    """A Decimal from a Decimal, int or numeric string; floats are refused (money is exact)."""
    if isinstance(value, float):
        raise TypeError("Los valores monetarios no pueden ser float.")
    return value if isinstance(value, Decimal) else Decimal(str(value).strip())


def round_cents(value: Decimal) -> Decimal:
    """Half-up (PHP ``round``) to two decimals."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineInput:
    quantity: int
    price: Decimal
    discount_rate: Decimal
    tax_rate: Decimal
    is_excluded: bool = False
    withholdings: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True)
class LineTotals:
    total: Decimal
    gross_value: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal
    discount: Decimal
    withholdings: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class InvoiceTotals:
    lines: tuple[LineTotals, ...]
    gross_value: Decimal
    taxable_amount: Decimal
    tax_amount: Decimal
    discount_amount: Decimal
    surcharge_amount: Decimal
    total: Decimal
    withholdings: dict[str, Decimal] = field(default_factory=dict)

    def as_factus(self) -> dict[str, Decimal]:
        """The document-level figures under the names Factus uses in ``bill``."""
        return {
            "gross_value": self.gross_value,
            "taxable_amount": self.taxable_amount,
            "tax_amount": self.tax_amount,
            "discount_amount": self.discount_amount,
            "surcharge_amount": self.surcharge_amount,
            "total": self.total,
        }


def compute_line(line: LineInput) -> LineTotals:
    """Totals of one item exactly as Factus v1 computes them."""
    price = to_decimal(line.price)
    rate = to_decimal(line.discount_rate)
    tax_rate = ZERO if line.is_excluded else to_decimal(line.tax_rate)
    amount = price * int(line.quantity)
    divisor = 1 + tax_rate / HUNDRED
    total = round_cents(amount * (1 - rate / HUNDRED))
    gross = round_cents(total / divisor)
    tax = total - gross
    withholdings: dict[str, Decimal] = {}
    for code, wt_rate in line.withholdings:
        base = tax if code in WITHHOLDING_ON_TAX else gross
        value = round_cents(base * to_decimal(wt_rate) / HUNDRED)
        withholdings[code] = withholdings.get(code, ZERO) + value
    return LineTotals(
        total=total,
        gross_value=gross,
        taxable_amount=ZERO if line.is_excluded else gross,
        tax_amount=tax,
        discount=round_cents(amount / divisor * rate / HUNDRED),
        withholdings=withholdings,
    )


def compute_invoice(
    lines: Sequence[LineInput],
    surcharges: Sequence[Decimal] = (),
    discounts: Sequence[Decimal] = (),
) -> InvoiceTotals:
    """Document totals: line sums, plus surcharges, minus document-level discounts."""
    computed = tuple(compute_line(line) for line in lines)
    surcharge = _sum(to_decimal(s) for s in surcharges)
    discount = _sum(to_decimal(d) for d in discounts)
    return InvoiceTotals(
        lines=computed,
        gross_value=_sum(c.gross_value for c in computed),
        taxable_amount=_sum(c.taxable_amount for c in computed),
        tax_amount=_sum(c.tax_amount for c in computed),
        discount_amount=round_cents(discount),
        surcharge_amount=round_cents(surcharge),
        total=round_cents(_sum(c.total for c in computed) + surcharge - discount),
        withholdings=_merge(c.withholdings for c in computed),
    )


def figures_key(invoice: InvoiceTotals | None, lines: Sequence[LineTotals | None]) -> str:
    """The figures a person sees on the invoice form, as one string ("" when there are none).

    The totals card carries it in a hidden input; "Emitir" sends it back and the form refuses to issue
    when the figures computed from the posted lines differ (see ``BaseItemFormSet.clean``). Lines
    that cannot be totalled yet ("—" on screen) are ``-``.
    """
    if invoice is None:
        return ""
    line_part = ",".join("-" if line is None else f"{line.total}" for line in lines)
    held = ",".join(f"{code}:{value}" for code, value in invoice.withholdings.items())
    discounts = _sum(line.discount for line in invoice.lines)
    return (
        f"total={invoice.total};gross={invoice.gross_value};tax={invoice.tax_amount};"
        f"discounts={discounts};withholdings={held};lines={line_part}"
    )


def compare(ours: Mapping[str, Decimal], theirs: Mapping[str, object]) -> dict[str, dict[str, str]]:
    """Fields whose values differ: {field: {"ours": "..", "factus": ".."}}; {} when equal."""
    diff = {}
    for name, value in ours.items():
        other = theirs.get(name)
        if other is None:
            continue
        if round_cents(to_decimal(value)) != round_cents(to_decimal(other)):
            diff[name] = {"ours": f"{value:.2f}", "factus": f"{to_decimal(other):.2f}"}
    return diff


def _sum(values: Iterable[Decimal]) -> Decimal:
    return round_cents(sum(values, ZERO))


def _merge(maps: Iterable[Mapping[str, Decimal]]) -> dict[str, Decimal]:
    merged: dict[str, Decimal] = {}
    for mapping in maps:
        for code, value in mapping.items():
            merged[code] = merged.get(code, ZERO) + value
    return dict(sorted(merged.items()))
