"""Accent- and case-insensitive matching that works the same on SQLite and PostgreSQL."""

import unicodedata

from django.db.models import F, Func, Value
from django.db.models.functions import Lower, Replace

# SQLite's LOWER() folds ASCII only, so accented capitals are replaced explicitly.
_ACCENTS = {"a": "áàäâÁÀÄÂ", "e": "éèëêÉÈËÊ", "i": "íìïîÍÌÏÎ", "o": "óòöôÓÒÖÔ", "u": "úùüûÚÙÜÛ",
            "n": "ñÑ", "c": "çÇ"}


def fold(text: str) -> str:
    """Lower-case, accent-free form of ``text`` (the Python side of :func:`folded`)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def folded(field: str) -> Func:
    """SQL expression: ``field`` lower-cased with Spanish accents removed."""
    expression = F(field)
    for plain, accented in _ACCENTS.items():
        for char in accented:
            expression = Replace(expression, Value(char), Value(plain))
    return Lower(expression)
