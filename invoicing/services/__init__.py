"""Invoice and credit-note writes. Every function takes keyword-only plain data.

See docs/invoicing-contract.md.
"""

from .credit_imports import credit_notes_import
from .credit_limits import CreditLimitError, CreditLine
from .credit_notes import (
    credit_note_create_partial,
    credit_note_create_void,
    credit_note_delete_at_factus,
    credit_note_document,
    credit_note_send_email,
    credit_note_submit,
    credit_note_totals,
    credit_note_update_draft,
)
from .documents import invoice_delete_at_factus, invoice_document, invoice_send_email
from .drafts import (
    invoice_create_draft,
    invoice_duplicate,
    invoice_refresh_estimated_total,
    invoice_update_draft,
)
from .events import InvoiceActionError
from .imports import ImportSummary, invoices_import
from .intake import StaleEditError, invoice_create_once, invoice_update_current
from .submit import SubmitResult, invoice_submit

__all__ = [
    "CreditLimitError",
    "CreditLine",
    "ImportSummary",
    "InvoiceActionError",
    "StaleEditError",
    "SubmitResult",
    "credit_note_create_partial",
    "credit_note_create_void",
    "credit_note_delete_at_factus",
    "credit_note_document",
    "credit_note_send_email",
    "credit_note_submit",
    "credit_note_totals",
    "credit_note_update_draft",
    "credit_notes_import",
    "invoice_create_draft",
    "invoice_create_once",
    "invoice_delete_at_factus",
    "invoice_document",
    "invoice_duplicate",
    "invoice_refresh_estimated_total",
    "invoice_send_email",
    "invoice_submit",
    "invoice_update_current",
    "invoice_update_draft",
    "invoices_import",
]
