"""es-CO numbers: the one parser and the one formatter of money, rates and quantities.

Accepted (all mean 45000.50): ``45000,50``, ``45.000,50``, ``45000.50``, ``$ 45.000,50``.

The rules, in order:

- Surrounding blanks are ignored, and so are a leading ``$`` and the blanks right after it
  (``$ 45.000,50``, ``$45000``); a ``-`` may come first (``-$ 1,00``, ``-5``). Nothing else is
  stripped: blanks inside the number (``45 000``) are refused, never joined.
- Digits are ASCII ``0``-``9`` only: Arabic-Indic, full-width or other Unicode digits are refused
  (Python's ``Decimal`` would read them; we do not). So are ``_`` (``1_000``), exponents (``1e5``),
  ``NaN``, ``Infinity`` and any other character.
- The comma is the decimal separator, always, and appears at most once (``45000,5``). Dots before it
  must group thousands properly (``1.234.567,89``); a comma before a dot (``1,234.5``) is refused.
- With no comma, dots in proper groups of three are thousands separators: ``45.000`` is forty-five
  thousand and ``1.234.567`` is 1234567, as es-CO writes them.
- The lone-dot rule: a single dot that is *not* a thousands group (the digits after it are not exactly
  three, or the digits before it are more than three or start with ``0``) is a decimal point:
  ``45000.50``, ``19.5``, ``0.125``. That is how JSON, the product picker and other programs write
  numbers, so ``str(Decimal)`` of a price parses back to itself. ``45.000`` stays forty-five thousand
  (es-CO wins where both readings fit).
- Anything else (``1,234.5,6``, ``1..5``, ``45.``, ``,5``, ``1.23.456``) is refused with a Spanish
  message saying how to write it; the value is never guessed or silently changed.

The scale typed is kept (``45,000`` is ``Decimal("45.000")``, three decimals): fields with two decimal
places then refuse it and say why, instead of rounding.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_LENGTH = 40
FORMAT_HINT = "use punto para los miles y coma para los decimales, p. ej. 45.000,50"

_PREFIX = re.compile(r"-?(?:\$\s*)?")  # \s: Unicode blanks too (a browser writes "$\u00a045")
_GROUPED = r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+"
_COMMA_DECIMAL = re.compile(rf"(?P<int>[0-9]+|{_GROUPED}),(?P<frac>[0-9]+)", re.ASCII)
_GROUPED_INT = re.compile(_GROUPED, re.ASCII)
_DOT_DECIMAL = re.compile(r"(?P<int>[0-9]+)\.(?P<frac>[0-9]+)", re.ASCII)
_PLAIN_INT = re.compile(r"[0-9]+", re.ASCII)


class NumberFormatError(ValueError):
    """Text that is not an es-CO number; ``str(error)`` is the Spanish message for the user."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def parse_number(text: str) -> Decimal:
    """The Decimal an es-CO text means (see the module docstring), or NumberFormatError.

    Raises NumberFormatError for empty text too (forms check "required" before calling this).
    """
    if not isinstance(text, str):
        raise TypeError("parse_number takes text")
    raw = text.strip()
    if not raw:
        raise NumberFormatError("Escriba un número.", "required")
    if len(raw) > MAX_LENGTH:
        raise NumberFormatError("El número es demasiado largo.", "too_long")
    prefix = _PREFIX.match(raw).group(0)
    negative = prefix.startswith("-")
    body = raw[len(prefix) :]
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in body):
        raise NumberFormatError("Use solo los dígitos 0 a 9.", "digits")
    if any(ch.isspace() for ch in body):
        raise NumberFormatError("Quite los espacios dentro del número.", "blanks")
    digits = _digits(body)
    if digits is None:
        raise NumberFormatError(f"«{raw}» no es un número válido: {FORMAT_HINT}.")
    try:
        value = Decimal(digits)
    except InvalidOperation as error:  # pragma: no cover - the patterns only let digits through
        raise NumberFormatError(f"«{raw}» no es un número válido: {FORMAT_HINT}.") from error
    return -value if negative else value


def _digits(body: str) -> str | None:
    """``body`` as a plain "123.45" string, or None when it matches no accepted shape."""
    if match := _COMMA_DECIMAL.fullmatch(body):
        return f"{match['int'].replace('.', '')}.{match['frac']}"
    if "," in body:
        return None
    if _GROUPED_INT.fullmatch(body):
        return body.replace(".", "")
    if _DOT_DECIMAL.fullmatch(body) or _PLAIN_INT.fullmatch(body):
        return body
    return None


def format_number(value, places: int | None = 2) -> str:
    """es-CO text of a number: ``45.000,50``; ``places=None`` keeps the value's own decimals.

    Returns "" for what is not a finite number (templates show nothing rather than fail).
    """
    try:
        amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
        if not amount.is_finite():
            return ""
        if places is not None:
            amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return ""
    sign = "-" if amount < 0 else ""
    integer, _, fraction = f"{abs(amount):f}".partition(".")
    groups = f"{int(integer):,}".replace(",", ".")
    return f"{sign}{groups},{fraction}" if fraction else f"{sign}{groups}"


def format_money(value) -> str:
    """es-CO pesos with cents: ``$ 1.335.000,00`` (``-$ 5,00`` when negative); "" if not a number."""
    text = format_number(value, 2)
    if not text:
        return ""
    return f"-$ {text[1:]}" if text.startswith("-") else f"$ {text}"
