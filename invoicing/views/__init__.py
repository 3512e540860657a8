"""Invoice pages: thin views that parse, call one service or selector, and render."""

from .bulk import bulk_run_detail, invoice_bulk_issue
from .credit_note_documents import (
    credit_note_delete,
    credit_note_detail,
    credit_note_email,
    credit_note_export,
    credit_note_list,
    credit_note_pdf,
    credit_note_xml,
)
from .credit_notes import (
    credit_note_create,
    credit_note_submit,
    credit_note_totals,
    credit_note_update,
    credit_note_void,
)
from .documents import (
    invoice_delete,
    invoice_detail,
    invoice_email,
    invoice_pdf,
    invoice_print,
    invoice_xml,
)
from .editing import (
    invoice_create,
    invoice_duplicate,
    invoice_submit,
    invoice_totals,
    invoice_update,
)
from .listing import invoice_export, invoice_import, invoice_list

__all__ = [
    "bulk_run_detail",
    "credit_note_create",
    "credit_note_delete",
    "credit_note_detail",
    "credit_note_email",
    "credit_note_export",
    "credit_note_list",
    "credit_note_pdf",
    "credit_note_submit",
    "credit_note_totals",
    "credit_note_update",
    "credit_note_void",
    "credit_note_xml",
    "invoice_bulk_issue",
    "invoice_create",
    "invoice_delete",
    "invoice_detail",
    "invoice_duplicate",
    "invoice_email",
    "invoice_export",
    "invoice_import",
    "invoice_list",
    "invoice_pdf",
    "invoice_print",
    "invoice_submit",
    "invoice_totals",
    "invoice_update",
    "invoice_xml",
]
