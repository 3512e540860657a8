"""Invoice writes. Every function takes keyword-only plain data (see docs/invoicing-contract.md)."""

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
    "ImportSummary",
    "InvoiceActionError",
    "StaleEditError",
    "SubmitResult",
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
