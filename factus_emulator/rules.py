"""A small Laravel-flavoured validator: dotted keys, Spanish (laravel-lang ``es``) messages."""

from __future__ import annotations

import re
from datetime import datetime

MISSING = object()

# Custom attribute names Factus declares; other keys read as the key with "_" -> " "
# except inside arrays (see ``label``).
ATTRIBUTES = {
    "reference_code": "código de referencia",
    "numbering_range_id": "id rango de numeración",
    "customization_id": "Tipo de nota crédito",  # credit-note 422 example
    "provider.address": "dirección",  # support-document 422 example
}

REQUIRED = "El campo {a} es obligatorio."
REQUIRED_IF = "El campo {a} es obligatorio cuando {other} es {value}."
INVALID = "El campo {a} es inválido."
UNIQUE = "El campo {a} ya ha sido registrado."

_NUMERIC = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def label(key: str) -> str:
    """Laravel shows keys matched by a wildcard rule (``items.*.x``) verbatim."""
    if key in ATTRIBUTES:
        return ATTRIBUTES[key]
    if any(part.isdigit() for part in key.split(".")):
        return key
    return key.replace("_", " ")


def get(obj, name: str):
    return obj.get(name, MISSING) if isinstance(obj, dict) else MISSING


def empty(value) -> bool:
    if value is MISSING or value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, list | dict) and not value


class Errors:
    def __init__(self) -> None:
        self.by_key: dict[str, list[str]] = {}

    def add(self, key: str, template: str, **extra) -> None:
        self.by_key.setdefault(key, []).append(template.format(a=label(key), **extra))

    def __bool__(self) -> bool:
        return bool(self.by_key)


def check(errors: Errors, key: str, value, *checks, required: bool = False) -> bool:
    """Apply ``checks`` (each returns a message template or None); stop at the first failure."""
    if empty(value):
        if required:
            errors.add(key, REQUIRED)
        return False
    for rule in checks:
        template = rule(value)
        if template:
            errors.add(key, template)
            return False
    return True


# -- rules -----------------------------------------------------------------------------


def is_int(value):
    if isinstance(value, bool):
        return "El campo {a} debe ser un número entero."
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return None
    if isinstance(value, str) and _INTEGER.match(value):
        return None
    return "El campo {a} debe ser un número entero."


def is_numeric(value):
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return "El campo {a} debe ser numérico."
    if isinstance(value, str) and not _NUMERIC.match(value):
        return "El campo {a} debe ser numérico."
    return None


def is_string(value):
    return None if isinstance(value, str) else "El campo {a} debe ser una cadena de caracteres."


def is_text(value):
    """Strings, or numbers Laravel would read from a form as text (identification 123)."""
    ok = isinstance(value, str | int) and not isinstance(value, bool)
    return None if ok else "El campo {a} debe ser una cadena de caracteres."


def is_array(value):
    return None if isinstance(value, list) else "El campo {a} debe ser un arreglo."


def is_object(value):
    return None if isinstance(value, dict) else "El campo {a} debe ser un arreglo."


def is_bool(value):
    ok = value in (True, False, 0, 1) or str(value) in {"0", "1", "true", "false"}
    return None if ok else "El campo {a} debe tener un valor verdadero o falso."


def is_email(value):
    ok = isinstance(value, str) and _EMAIL.match(value)
    return None if ok else "El campo {a} debe ser una dirección de correo válida."


def max_decimals(places: int):
    def rule(value):
        text = str(value).strip().lower()
        if "e" in text or ("." in text and len(text.split(".")[1]) > places):
            return f"El campo {{a}} debe tener 0-{places} cifras decimales."
        return None

    return rule


def min_value(low):
    def rule(value):
        return None if float(value) >= low else f"El campo {{a}} debe ser al menos {low}."

    return rule


def max_value(high):
    def rule(value):
        return None if float(value) <= high else f"El campo {{a}} no debe ser mayor que {high}."

    return rule


def max_length(size: int):
    def rule(value):
        if len(str(value)) > size:
            return f"El campo {{a}} no debe ser mayor que {size} caracteres."
        return None

    return rule


def min_items(count: int):
    def rule(value):
        if len(value) < count:
            return f"El campo {{a}} debe tener al menos {count} elementos."
        return None

    return rule


def one_of(*allowed):
    options = {str(a) for a in allowed}
    return lambda value: None if str(value).strip() in options else INVALID


def exists(lookup):
    return lambda value: None if lookup(value) else INVALID


def date_format(fmt: str, shown: str):
    def rule(value):
        try:
            datetime.strptime(str(value), fmt)
        except ValueError:
            return f"El campo {{a}} debe coincidir con el formato {shown}."
        return None

    return rule


DATE = date_format("%Y-%m-%d", "Y-m-d")
TIME = date_format("%H:%M:%S", "H:i:s")
