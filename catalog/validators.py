"""Field rules for Colombian master data (pure functions, no I/O)."""

import re

from factus.codes import NIT_DOCUMENT_ID

DV_WEIGHTS = (3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71)
# Registro civil, tarjeta de identidad, cédula de ciudadanía, NIT, NUIP: digits only.
NUMERIC_DOCUMENT_IDS = frozenset({1, 2, 3, 6, 11})
_ALPHANUMERIC = re.compile(r"[A-Za-z0-9-]+")
# 900123456, 900.123.456 or 900 123 456, optionally followed by -DV (ASCII digits only).
_GROUPED_NUMBER = re.compile(r"([0-9]{1,3}(?:([. ])[0-9]{3})(?:\2[0-9]{3})*|[0-9]+)(?:\s*-\s*([0-9]))?")


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


def split_identification(document_id: int | None, text: str) -> tuple[str, int | None]:
    """The identification as stored (digits only) and the DV typed after it, if any.

    For numeric document types, thousands dots or spaces are dropped (``900.123.456`` ->
    ``900123456``); for NIT a trailing ``-DV`` is split off (``900.123.456-7`` -> ``("900123456",
    7)``). Anything else is returned stripped and unchanged, for `identification_error` to explain.
    """
    text = text.strip()
    match = _GROUPED_NUMBER.fullmatch(text) if document_id in NUMERIC_DOCUMENT_IDS else None
    if not match or (match.group(3) is not None and document_id != NIT_DOCUMENT_ID):
        return text, None
    digits = match.group(1).replace(".", "").replace(" ", "")
    return digits, int(match.group(3)) if match.group(3) is not None else None


def typed_dv_error(nit: str, dv: int) -> str | None:
    """The Spanish message when the DV typed with a NIT is not its check digit."""
    expected = compute_dv(nit)
    return None if dv == expected else f"El DV {dv} no corresponde al NIT {nit}: debería ser {expected}."


def identification_error(document_id: int | None, number: str) -> str | None:
    """The Spanish message for an identification number that its document type does not allow."""
    if document_id == NIT_DOCUMENT_ID and (not number.isascii() or not number.isdigit()):
        return "Escriba el NIT con dígitos, por ejemplo 900123456 o 900.123.456-7."
    if document_id == NIT_DOCUMENT_ID and len(number) > len(DV_WEIGHTS):
        return "El NIT no puede tener más de 15 dígitos."
    if document_id in NUMERIC_DOCUMENT_IDS and (not number.isascii() or not number.isdigit()):
        return "Este tipo de documento solo admite dígitos, por ejemplo 1020304050 o 1.020.304.050."
    if not _ALPHANUMERIC.fullmatch(number):
        return "Use solo letras, dígitos y guiones."
    return None
