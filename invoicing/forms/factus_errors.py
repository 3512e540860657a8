"""Factus 422 errors and service errors, put on the form fields they name."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from core.forms import EsCoDecimalField
from core.numbers import format_number

from .base import FACTUS_HEADER_PATHS, FACTUS_ITEM_PATHS, ITEM_PREFIX
from .invoice import BaseItemFormSet, InvoiceForm, invoice_forms


def as_post_data(form: forms.Form, prefix: str | None = None) -> dict:
    """The POST data that would reproduce ``form``'s initial values (to re-validate a saved draft)."""
    data = {}
    for name, field in form.fields.items():
        value = form.get_initial_for_field(field, name)
        key = f"{prefix}-{name}" if prefix else name
        if isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif isinstance(field, EsCoDecimalField) and isinstance(value, Decimal | int):
            data[key] = format_number(value, places=None)  # es-CO, what the number fields read
        elif value is not None:
            data[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return data


def invoice_forms_with_factus_errors(invoice):
    """Forms for an edit page; after a Factus 422 they carry its messages on the matching fields.

    Returns (form, formset, messages no field matched).
    """
    form, formset = invoice_forms(invoice=invoice)
    if invoice.status != invoice.Status.INVALID or not invoice.field_errors:
        return form, formset, []
    data = as_post_data(form)
    for item_form in formset.forms:
        data.update(as_post_data(item_form, item_form.prefix))
    data.update({f"{ITEM_PREFIX}-TOTAL_FORMS": str(len(formset.forms)), f"{ITEM_PREFIX}-INITIAL_FORMS": "0"})
    form, formset = invoice_forms(data)
    form.is_valid()
    formset.is_valid()
    return form, formset, apply_factus_errors(form, formset, invoice.field_errors)


def apply_service_error(form, formset, error) -> None:
    """A ValidationError from a draft service, shown on the header field it names (or on top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        if name in form.fields:
            form.add_error(name, errors)
        else:
            form.add_error(None, errors)


def apply_factus_errors(form: InvoiceForm, formset: BaseItemFormSet, errors: dict) -> list[str]:
    """Put each Factus 422 message on its field; return the ones no field matches (for a banner)."""
    leftovers = []
    for path, messages in (errors or {}).items():
        messages = [messages] if isinstance(messages, str) else list(messages)
        target = _error_target(form, formset, str(path))
        if target is None:
            leftovers.extend(f"{path}: {m}" for m in messages)
            continue
        owner, field = target
        label = owner.fields[field].label if field else ""
        label = label[:1].lower() + label[1:]
        for message in messages:
            owner.add_error(
                field, str(message).replace(path, label) if label and field != "customer" else str(message)
            )
    return leftovers


def _index(part: str) -> int | None:
    """A line number of a Factus error path: ASCII digits only (``str.isdigit`` also accepts "¹",
    which ``int`` refuses)."""
    return int(part) if part.isascii() and part.isdigit() else None


def _error_target(form, formset, path: str):
    parts = path.split(".")
    if parts[0] == "customer":
        return form, "customer"
    if path in FACTUS_HEADER_PATHS:
        return form, FACTUS_HEADER_PATHS[path]
    index = _index(parts[1]) if parts[0] == "items" and len(parts) >= 2 else None
    if index is not None:
        if index >= len(formset.forms):
            return None
        item_form = formset.forms[index]
        if len(parts) >= 3 and parts[2] == "withholding_taxes":
            return item_form, _withholding_field(item_form, parts)
        return item_form, FACTUS_ITEM_PATHS.get(parts[2]) if len(parts) >= 3 else None
    return None


def _withholding_field(item_form, parts: list[str]) -> str | None:
    """``items.0.withholding_taxes.1.withholding_tax_rate`` -> the field of the line's 2nd retention."""
    codes = [w["code"] for w in item_form.withholdings()] if item_form.is_valid() else []
    position = _index(parts[3]) if len(parts) >= 4 else None
    if position is not None and position < len(codes):
        return f"withholding_{codes[position]}"
    return None
