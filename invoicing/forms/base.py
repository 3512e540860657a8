"""Shared pieces of the invoicing forms: Bootstrap rendering, rate fields, constants, e-mail."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from core.bounds import MAX_RATE
from core.forms import EsCoDecimalField, EsCoNumberInput
from core.numbers import format_number
from factus.codes import PAYMENT_FORM_CASH, PAYMENT_FORM_CREDIT

PAYMENT_FORMS = [(PAYMENT_FORM_CASH, "Contado"), (PAYMENT_FORM_CREDIT, "Crédito")]
DEFAULT_UNIT_FACTUS_ID = 70  # "unidad" (94)
ITEM_PREFIX = "items"

# Factus' dotted field names -> our form field names.
FACTUS_HEADER_PATHS = {
    "numbering_range_id": "numbering_range",
    "payment_form": "payment_form",
    "payment_method_code": "payment_method",
    "payment_due_date": "payment_due_date",
    "observation": "observation",
    "send_email": "send_email",
}
FACTUS_ITEM_PATHS = {
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

# Inputs whose change moves the totals carry this attribute: the live-totals trigger filters on it.
TOTALS_ATTR = "data-totals"
NUMBER_CLASSES = "form-control form-control-sm text-end"


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


def rate_field(label: str, *, required: bool = True, initial=None) -> EsCoDecimalField:
    """A percentage 0-100 with two decimals, typed the es-CO way (``19``, ``2,5``, ``0.50``)."""
    return EsCoDecimalField(
        label=label,
        required=required,
        initial=initial,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=MAX_RATE,
        error_messages={
            "required": "Escriba el porcentaje.",
            "min_value": "No puede ser negativo.",
            "max_value": "No puede ser mayor que 100.",
        },
        widget=EsCoNumberInput(attrs={"class": NUMBER_CLASSES, TOTALS_ATTR: "1"}),
    )


class RangeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        prefix = obj.prefix or "(sin prefijo)"
        left = format_number(obj.numbers_left, 0)
        return f"{prefix} · {obj.resolution_number or 'sin resolución'} · quedan {left} números"


class EmailForm(BootstrapForm):
    email = forms.EmailField(
        label="Correo del destinatario",
        max_length=200,
        error_messages={"required": "Escriba el correo.", "invalid": "Escriba un correo válido."},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "form-control form-control-sm"}),
    )
