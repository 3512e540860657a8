"""Factus v1 bill arithmetic (API.md §6.4): tax-inclusive prices, Decimal, half-up to cents."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .catalogues import WITHHOLDING_NAMES

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
# ReteIVA is withheld on the item's tax; ReteRenta and ReteICA on its pre-tax value.
WITHHOLDING_ON_TAX = {"05"}


def dec(value) -> Decimal:
    return Decimal(str(value).strip())


def r2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    """Money as Factus writes it: a string with exactly two decimals."""
    return f"{r2(value):.2f}"


def number(value: Decimal) -> int | float:
    """``items[].total`` is a JSON number: an int when whole, else a float of the cents."""
    value = r2(value)
    return int(value) if value == value.to_integral_value() else float(value)


def item_totals(item: dict) -> dict:
    """Computed values for one validated request item (fields already checked numeric)."""
    qty = dec(item["quantity"])
    price = dec(item["price"])
    rate = dec(item["discount_rate"])
    excluded = str(item.get("is_excluded", 0)).strip() in {"1", "True", "true"}
    tax_rate = ZERO if excluded else dec(item["tax_rate"])
    line = price * qty
    total = r2(line * (1 - rate / HUNDRED))
    divisor = 1 + tax_rate / HUNDRED
    gross = r2(total / divisor)
    taxable = ZERO if excluded else gross
    tax = total - gross
    discount = r2(line / divisor * rate / HUNDRED)
    withholdings = []
    for wt in sorted(item.get("withholding_taxes") or [], key=lambda w: str(w["code"])):
        code = str(wt["code"])
        wt_rate = dec(wt["withholding_tax_rate"])
        base = tax if code in WITHHOLDING_ON_TAX else gross
        withholdings.append({"code": code, "rate": wt_rate, "value": r2(base * wt_rate / HUNDRED)})
    return {
        "excluded": excluded,
        "tax_rate": tax_rate,
        "price": price,
        "discount_rate": rate,
        "total": total,
        "gross": gross,
        "taxable": taxable,
        "tax": tax,
        "discount": discount,
        "withholdings": withholdings,
    }


def charge_totals(charge: dict) -> dict:
    base = dec(charge["base_amount"])
    amount = dec(charge["amount"])
    percentage = r2(amount / base * HUNDRED) if base else ZERO
    return {
        "base": base,
        "amount": amount,
        "percentage": percentage,
        "surcharge": _truthy(charge.get("is_surcharge")),
    }


def document_totals(items: list[dict], charges: list[dict]) -> dict:
    """Sums over computed items/charges; withholdings are informational, not subtracted."""
    surcharge = sum((c["amount"] for c in charges if c["surcharge"]), ZERO)
    discount = sum((c["amount"] for c in charges if not c["surcharge"]), ZERO)
    withheld: dict[str, Decimal] = {}
    for item in items:
        for wt in item["withholdings"]:
            withheld[wt["code"]] = withheld.get(wt["code"], ZERO) + wt["value"]
    return {
        "gross": sum((i["gross"] for i in items), ZERO),
        "taxable": sum((i["taxable"] for i in items), ZERO),
        "tax": sum((i["tax"] for i in items), ZERO),
        "surcharge": surcharge,
        "discount": discount,
        "total": sum((i["total"] for i in items), ZERO) + surcharge - discount,
        "withholdings": [
            {"tribute_code": code, "name": WITHHOLDING_NAMES.get(code, code), "value": money(value)}
            for code, value in sorted(withheld.items())
        ],
    }


def _truthy(value) -> bool:
    return value is True or str(value).strip().lower() in {"1", "true"}


def check_digit(nit: str) -> int:
    """DIAN modulus-11 verification digit of a NIT (API.md §6.5)."""
    weights = (3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71)
    digits = [int(c) for c in str(nit) if c.isdigit()][::-1]
    remainder = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
    return remainder if remainder in (0, 1) else 11 - remainder
