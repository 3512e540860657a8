"""Shared pieces of the invoicing forms: Bootstrap rendering, rate fields, constants, e-mail."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

PAYMENT_FORMS = [("1", "Contado"), ("2", "Crédito")]
CREDIT = "2"
WITHHOLDING_CODES = {"05": "ReteIVA", "06": "ReteRenta", "07": "ReteICA"}
DEFAULT_UNIT_FACTUS_ID = 70  # "unidad" (94)
MAX_ITEMS = 200
ITEM_PREFIX = "items"

# Factus' dotted field names -> our form field names.
HEADER_FIELDS = {
    "numbering_range_id": "numbering_range",
    "payment_form": "payment_form",
    "payment_method_code": "payment_method",
    "payment_due_date": "payment_due_date",
    "observation": "observation",
    "send_email": "send_email",
}
ITEM_FIELDS = {
    "code_reference": "code_reference",
    "name": "name",
    "quantity": "quantity",
    "price": "price",
    "discount_rate": "discount_rate",
    "tax_rate": "tax_rate",
    "is_excluded": "is_excluded",
    "unit_measure_id": "unit",
    "standard_code_id": "standard_code",
    "tribute_id": "tribute",
}

MONEY_ERRORS = {
    "invalid": "Escriba un número válido.",
    "max_decimal_places": "Use como máximo %(max)s decimales.",
    "max_digits": "El número es demasiado grande.",
    "max_whole_digits": "El número es demasiado grande.",
}


class BootstrapBoundField(forms.BoundField):
    """Marks a field with errors for Bootstrap (``is-invalid``) and ties it to its error text."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.errors and not widget.is_hidden:
            classes = attrs.get("class") or widget.attrs.get("class", "")
            attrs["class"] = f"{classes} is-invalid".strip()
            attrs["aria-describedby"] = f"{self.auto_id}_error"
        return attrs


class BootstrapForm(forms.Form):
    bound_field_class = BootstrapBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if widget.is_hidden or widget.attrs.get("class"):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"


def rate_field(label: str, *, required: bool = True, initial=None) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        initial=initial,
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(0, "No puede ser negativo."),
            MaxValueValidator(100, "No puede ser mayor que 100."),
        ],
        error_messages={**MONEY_ERRORS, "required": "Escriba el porcentaje."},
        widget=forms.NumberInput(
            attrs={"step": "0.01", "min": "0", "max": "100", "class": "form-control form-control-sm text-end"}
        ),
    )


class RangeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        prefix = obj.prefix or "(sin prefijo)"
        left = f"{obj.numbers_left:,}".replace(",", ".")
        return f"{prefix} · {obj.resolution_number or 'sin resolución'} · quedan {left} números"


class EmailForm(BootstrapForm):
    email = forms.EmailField(
        label="Correo del destinatario",
        max_length=200,
        error_messages={"required": "Escriba el correo.", "invalid": "Escriba un correo válido."},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "form-control form-control-sm"}),
    )
