"""The invoice form (header + item formset), the e-mail form and the mapping of Factus 422 errors."""

from .base import BootstrapForm, EmailForm
from .factus_errors import apply_factus_errors, apply_service_error, invoice_forms_with_factus_errors
from .invoice import InvoiceForm, ItemForm, ItemFormSet, LineFiguresForm, TotalsFormSet, invoice_forms

__all__ = [
    "BootstrapForm",
    "EmailForm",
    "InvoiceForm",
    "ItemForm",
    "ItemFormSet",
    "LineFiguresForm",
    "TotalsFormSet",
    "apply_factus_errors",
    "apply_service_error",
    "invoice_forms",
    "invoice_forms_with_factus_errors",
]
