"""Amounts in words for invoices: ``UN MILLÓN TRESCIENTOS TREINTA Y CINCO MIL PESOS M/CTE``.

num2words writes the numeral; Spanish grammar around it is ours: «uno» shortens before a noun
(«veintiún mil», «un peso», «treinta y un millones»), an exact million takes «de» («un millón de
pesos»), and cents are said as a whole number of centavos («con cincuenta centavos»; num2words'
own currency mode reads 0,50 as «cinco centavos»).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from num2words import num2words

# «uno» before a noun: the word that follows is «mil», «millón/millones», «billón/billones».
_UNO_BEFORE_NOUN = re.compile(r"\b(veinti)?uno(?= (?:mil|millón|millones|billón|billones)\b)")
_ENDS_IN_MILLIONS = re.compile(r"(?:millón|millones|billón|billones)$")


def _shorten(words: str) -> str:
    return _UNO_BEFORE_NOUN.sub(lambda m: "veintiún" if m.group(1) else "un", words)


def _counted(number: int, singular: str, plural: str) -> str:
    """«un peso», «veintiún pesos», «un millón de pesos», «cero pesos»."""
    words = _shorten(num2words(number, lang="es"))
    if number == 1:
        return f"un {singular}"
    words = re.sub(r"veintiuno$", "veintiún", words)
    words = re.sub(r"\buno$", "un", words)
    if _ENDS_IN_MILLIONS.search(words):
        words += " de"
    return f"{words} {plural}"


def amount_in_words(value) -> str:
    """The amount in Colombian pesos, in capitals, ending in «M/CTE»; "" when it is not a number.

    Rounded half-up to the cent first (as every figure of the invoice).
    """
    try:
        amount = Decimal(str(value))
        if not amount.is_finite():
            return ""
        amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return ""
    sign = "menos " if amount < 0 else ""
    pesos, cents = divmod(int(abs(amount) * 100), 100)
    text = sign + _counted(pesos, "peso", "pesos")
    if cents:
        text += " con " + _counted(cents, "centavo", "centavos")
    return f"{text} M/CTE".upper()
