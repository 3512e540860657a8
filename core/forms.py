"""Form fields for es-CO numbers (``core.numbers``): text inputs with ``inputmode="decimal"``.

Every money, rate and quantity input of the app uses these, so ``45000,50``, ``45.000,50``,
``45000.50`` and ``$ 45.000,50`` mean the same everywhere, and what cannot be read is refused with a
Spanish message on the field, never guessed.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core import validators

from core.numbers import NumberFormatError, format_number, parse_number

DECIMAL_ERRORS = {
    "required": "Este campo es obligatorio.",
    "invalid": "Escriba un número válido, p. ej. 45.000,50.",
    "max_digits": "El número es demasiado grande.",
    "max_whole_digits": "El número es demasiado grande.",
    "max_decimal_places": (
        "Use como máximo %(max)s decimales. (La coma separa los decimales y el punto los miles: 45.000,50.)"
    ),
}


class EsCoNumberInput(forms.TextInput):
    """A text input (a number input would refuse "45.000,50") that shows numbers the es-CO way."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        # Numbers (initial values) in es-CO; text is what the user typed and is shown untouched.
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_number(value, places=None)
        return super().format_value(value)


class EsCoDecimalField(forms.DecimalField):
    """A DecimalField that reads es-CO text with ``core.numbers.parse_number``.

    The scale typed is kept: with ``decimal_places=2``, ``10,555`` is refused, not rounded.
    """

    widget = EsCoNumberInput
    default_error_messages = DECIMAL_ERRORS

    def __init__(self, *, decimal_places=None, **kwargs):
        super().__init__(max_digits=None, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        try:
            return parse_number(str(value))
        except NumberFormatError as error:
            raise forms.ValidationError(error.message, code="invalid") from error

    def widget_attrs(self, widget):
        # DecimalField adds step/min/max for number inputs; a text input takes none of them.
        return forms.Field.widget_attrs(self, widget)


class EsCoIntegerField(EsCoDecimalField):
    """A whole number typed the es-CO way (``1.000`` is one thousand); cleans to ``int``."""

    default_error_messages = {**DECIMAL_ERRORS, "invalid": "Escriba un número entero."}

    def __init__(self, **kwargs):
        super().__init__(decimal_places=None, **kwargs)
        # The cleaned value is an int: DecimalField's digit validator does not apply.
        self.validators = [v for v in self.validators if not isinstance(v, validators.DecimalValidator)]

    def to_python(self, value):
        number = super().to_python(value)
        if number is None:
            return None
        if not number.is_finite() or number != number.to_integral_value():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)

    def validate(self, value):
        forms.Field.validate(self, value)
