"""The largest amounts the app accepts: one home for the bounds that the forms (invoice lines and
catalogue products), the draft services and the database constraints check. In ``core`` because both
``catalog`` and ``invoicing`` use them (and the API will).

INFERRED: Factus documents no maximum for prices, quantities, totals or the number of items. These
are chosen so that every figure ``invoicing.totals`` computes fits every column that stores it, and so
that what we send stays inside what the emulator accepts (``factus_emulator/validation.py``:
``MAX_AMOUNT`` 9.999.999.999.999,99 for any amount, ``MAX_QUANTITY`` 4.294.967.295):

- ``MAX_PRICE`` is what ``InvoiceItem.price`` / ``Product.price`` (DECIMAL(14,2)) can hold.
- ``MAX_QUANTITY`` (mil millones) fits ``InvoiceItem.quantity`` (a 32-bit signed integer on
  PostgreSQL) and the emulator's unsigned 32-bit limit.
- ``MAX_LINE_TOTAL`` bounds price × quantity *before* the discount: every figure of a line (total,
  gross value, tax, discount, withholdings) is at most that amount, so each also fits DECIMAL(14,2).
- ``MAX_INVOICE_TOTAL`` bounds the sum of price × quantity over the lines, so every document figure
  (gross, taxable, tax, discounts, total, each withholding) is at most the emulator's ``MAX_AMOUNT``
  and fits ``Invoice``'s DECIMAL(16,2) columns with a digit to spare. It also bounds the figures
  Factus returns (``Invoice.total`` ...): a bill worth more is not one we sent. Why not the column's
  own maximum: SQLite keeps 15 significant digits, and Django cannot read back a DECIMAL(16,2) value
  that rounds to 10^14 there (a 500 on every page listing it); 15 digits read back exactly.
- ``MAX_ITEMS`` lines per invoice (the formset's limit; ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` is sized
  for it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from core.numbers import format_money, format_number

MAX_ITEMS = 200
MAX_RECORD_ID = 2**63 - 1  # BigAutoField (DEFAULT_AUTO_FIELD): the largest id a caller may name
MIN_PRICE = Decimal("0.01")
MAX_PRICE = Decimal("999999999999.99")
MAX_QUANTITY = 1_000_000_000
MAX_LINE_TOTAL = Decimal("999999999999.99")
MAX_INVOICE_TOTAL = Decimal("9999999999999.99")
MAX_RATE = Decimal(100)

QUANTITY_TOO_BIG = f"La cantidad máxima es {format_number(MAX_QUANTITY, 0)}."
PRICE_TOO_BIG = f"El precio máximo es {format_money(MAX_PRICE)}."
LINE_TOO_BIG = f"Cantidad × precio no puede superar {format_money(MAX_LINE_TOTAL)} por línea."
INVOICE_TOO_BIG = (
    f"La suma de cantidad × precio de las líneas no puede superar {format_money(MAX_INVOICE_TOTAL)} "
    "por factura; divídala en varias facturas."
)
TOO_MANY_ITEMS = f"Una factura admite como máximo {MAX_ITEMS} ítems."


def line_amount(quantity, price) -> Decimal:
    """Price × quantity before the discount: the figure the line bound applies to."""
    return Decimal(price) * int(quantity)


def line_errors(*, quantity, price, discount_rate=None, tax_rate=None) -> dict[str, str]:
    """The bounds one line breaks, as {field: Spanish message}; {} when it fits.

    The forms check the single-field rules on their fields first; the draft services call this for
    all of them, so data that did not come through a form is refused before anything is saved.
    """
    errors = {}
    quantity = _number(quantity)
    price = _number(price)
    if quantity is None or quantity != quantity.to_integral_value() or quantity < 1:
        errors["quantity"] = "La cantidad debe ser un número entero mayor que cero."
    elif quantity > MAX_QUANTITY:
        errors["quantity"] = QUANTITY_TOO_BIG
    if price is None or price < MIN_PRICE:
        errors["price"] = "El precio debe ser mayor que cero."
    elif price.as_tuple().exponent < -2:
        errors["price"] = "El precio admite como máximo 2 decimales."
    elif price > MAX_PRICE:
        errors["price"] = PRICE_TOO_BIG
    for name, rate in (("discount_rate", discount_rate), ("tax_rate", tax_rate)):
        value = _number(rate) if rate is not None else Decimal(0)
        if value is None or not 0 <= value <= MAX_RATE or value.as_tuple().exponent < -2:
            errors[name] = "El porcentaje debe estar entre 0 y 100, con 2 decimales como máximo."
    if not errors and line_amount(quantity, price) > MAX_LINE_TOTAL:
        errors["price"] = LINE_TOO_BIG
    return errors


def _number(value) -> Decimal | None:
    """A finite Decimal from an int or Decimal (what services receive), else None."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    number = Decimal(value)
    return number if number.is_finite() else None


def invoice_errors(lines: Iterable[Mapping]) -> list[str]:
    """The bounds a whole invoice breaks (lines are mappings with quantity and price); [] if it fits."""
    lines = list(lines)
    errors = []
    if len(lines) > MAX_ITEMS:
        errors.append(TOO_MANY_ITEMS)
    amount = sum((line_amount(line["quantity"], line["price"]) for line in lines), Decimal(0))
    if amount > MAX_INVOICE_TOTAL:
        errors.append(INVOICE_TOO_BIG)
    return errors
