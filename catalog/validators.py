"""Field rules for Colombian master data (pure functions, no I/O)."""

import re

DV_WEIGHTS = (3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71)
# Registro civil, tarjeta de identidad, cédula de ciudadanía, NIT, NUIP: digits only.
NUMERIC_DOCUMENT_IDS = frozenset({1, 2, 3, 6, 11})
NIT_DOCUMENT_ID = 6
_ALPHANUMERIC = re.compile(r"[A-Za-z0-9-]+")


def compute_dv(nit: str) -> int:
    """DIAN modulus-11 check digit of a NIT given as digits only (weights from the rightmost digit).

    Raises:
        ValueError: when ``nit`` is empty, not all ASCII digits, or longer than 15 digits.
    """
    if not nit or not nit.isascii() or not nit.isdigit() or len(nit) > len(DV_WEIGHTS):
        raise ValueError("El NIT debe tener entre 1 y 15 dígitos.")
    total = sum(int(digit) * weight for digit, weight in zip(reversed(nit), DV_WEIGHTS, strict=False))
    remainder = total % 11
    return remainder if remainder in (0, 1) else 11 - remainder


def identification_error(document_id: int | None, number: str) -> str | None:
    """The Spanish message for an identification number that its document type does not allow."""
    if document_id == NIT_DOCUMENT_ID and (not number.isascii() or not number.isdigit()):
        return "El NIT solo puede tener dígitos, sin DV, puntos ni guiones."
    if document_id == NIT_DOCUMENT_ID and len(number) > len(DV_WEIGHTS):
        return "El NIT no puede tener más de 15 dígitos."
    if document_id in NUMERIC_DOCUMENT_IDS and (not number.isascii() or not number.isdigit()):
        return "Este tipo de documento solo admite dígitos, sin puntos ni espacios."
    if not _ALPHANUMERIC.fullmatch(number):
        return "Use solo letras, dígitos y guiones."
    return None
