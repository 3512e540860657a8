"""Actions on a bill that already exists at Factus: delete, e-mail, PDF and XML."""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from django.db import transaction

from factus.client import get_client
from factus.deadline import budget
from factus.errors import FactusConflict, FactusError, FactusNotFound
from factus.types import DownloadedFile
from invoicing.models import Invoice, new_reference_code, request_budget

from .events import Action, InvoiceActionError, Outcome, record_event, timed

Status = Invoice.Status
RESULT_FIELDS = {
    "factus_id": None,
    "number": "",
    "prefix": "",
    "cufe": "",
    "qr_url": "",
    "qr_image": "",
    "validated_at": None,
    "gross_value": None,
    "taxable_amount": None,
    "tax_amount": None,
    "discount_amount": None,
    "surcharge_amount": None,
    "total": None,
    "withholdings": [],
    "totals_mismatch": {},
    "field_errors": {},
}


def invoice_delete_at_factus(*, invoice_id: int, user, reopen: bool = True, client=None) -> Invoice:
    """Delete the unvalidated bill at Factus; reopen it as a DRAFT with a NEW reference_code.

    Raises: InvoiceActionError (not deletable), FactusError (recorded as an event first).
    """
    invoice = Invoice.objects.get(pk=invoice_id)
    if not invoice.can_delete_at_factus:
        raise InvoiceActionError(
            f"Solo se pueden eliminar en Factus facturas rechazadas o pendientes; "
            f"esta está «{invoice.get_status_display()}»."
        )
    old_reference = invoice.reference_code
    client = client or get_client()
    with timed() as watch, budget(request_budget()):
        try:
            message = client.delete_bill(old_reference)
        except FactusNotFound as exc:
            message = exc.message  # already gone: nothing left to delete
        except FactusError as exc:
            _failed(invoice, user, Action.DELETE, exc, {"reference_code": old_reference}, watch)
            if isinstance(exc, FactusConflict):
                raise InvoiceActionError(
                    "Factus indica que la factura ya fue validada; no se puede "
                    "eliminar. Reintente el envío para traer su CUFE."
                ) from exc
            raise
    return _reopen(invoice_id, user, old_reference, reopen, message, watch.ms)


@transaction.atomic
def _reopen(invoice_id, user, old_reference, reopen, message, duration_ms) -> Invoice:
    invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice_id)
    if reopen:
        for name, value in RESULT_FIELDS.items():
            setattr(invoice, name, value)
        invoice.reference_code = new_reference_code()
        invoice.status = Status.DRAFT
        text = (
            f"Eliminada en Factus ({old_reference}); reabierta como borrador con la referencia "
            f"{invoice.reference_code}."
        )
    else:
        invoice.status = Status.DELETED
        text = f"Eliminada en Factus ({old_reference})."
    invoice.save()
    record_event(
        invoice,
        user=user,
        action=Action.DELETE,
        outcome=Outcome.OK,
        message=text,
        http_status=200,
        request={"reference_code": old_reference},
        response={"message": message},
        duration_ms=duration_ms,
    )
    return invoice


def _validated(invoice_id: int, what: str) -> Invoice:
    invoice = Invoice.objects.get(pk=invoice_id)
    if invoice.status != Status.VALIDATED or not invoice.number:
        raise InvoiceActionError(f"Solo las facturas validadas tienen {what}.")
    return invoice


def _failed(invoice, user, action, exc: FactusError, request, watch) -> None:
    outcome = Outcome.NOT_FOUND if isinstance(exc, FactusNotFound) else Outcome.FAILED
    record_event(
        invoice,
        user=user,
        action=action,
        outcome=outcome,
        message=exc.message,
        http_status=exc.status_code,
        request=request,
        response=exc.body,
        duration_ms=watch.ms,
    )


def invoice_send_email(*, invoice_id: int, user, email: str, client=None) -> str:
    """Have Factus e-mail the validated bill to ``email``; returns Factus' message.

    Raises: InvoiceActionError (not validated), FactusError (recorded as an event first).
    """
    invoice = _validated(invoice_id, "correo")
    client = client or get_client()
    request = {"number": invoice.number, "email": email}
    with timed() as watch, budget(request_budget()):
        try:
            message = client.send_bill_email(invoice.number, email)
        except FactusError as exc:
            _failed(invoice, user, Action.EMAIL, exc, request, watch)
            raise
    record_event(
        invoice,
        user=user,
        action=Action.EMAIL,
        outcome=Outcome.OK,
        message=f"Enviada por correo a {email}.",
        http_status=200,
        request=request,
        response={"message": message},
        duration_ms=watch.ms,
    )
    return message


SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME = 100


def safe_file_name(name, fallback: str, extension: str) -> str:
    """A file name from Factus made safe for a Content-Disposition header and a disk: ASCII letters,
    digits, ``.``, ``_`` and ``-`` only (CR/LF, quotes, slashes and the rest become ``_``), no leading
    dot, at most MAX_NAME characters, ending in ``.extension``; ``fallback`` when nothing is left."""
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode()
    text = SAFE_NAME.sub("_", text).strip("._")[:MAX_NAME]
    stem = text.rsplit(".", 1)[0] if "." in text else text
    if not stem.strip("_"):
        return SAFE_NAME.sub("_", fallback)
    return f"{stem}.{extension}"


def invoice_document(*, invoice_id: int, user, kind: str, client=None) -> DownloadedFile:
    """The bill's PDF or XML as Factus renders it (every download is recorded).

    Raises: InvoiceActionError (not validated / unknown kind), FactusError.
    """
    if kind not in ("pdf", "xml"):
        raise InvoiceActionError("Tipo de documento desconocido.")
    invoice = _validated(invoice_id, "PDF ni XML" if kind == "pdf" else "XML")
    client = client or get_client()
    download = client.download_bill_pdf if kind == "pdf" else client.download_bill_xml
    request = {"number": invoice.number, "kind": kind}
    with timed() as watch, budget(request_budget()):
        try:
            document = download(invoice.number)
        except FactusError as exc:
            _failed(invoice, user, kind, exc, request, watch)
            raise
    document = dataclasses.replace(
        document, file_name=safe_file_name(document.file_name, f"{invoice.number}.{kind}", kind)
    )
    record_event(
        invoice,
        user=user,
        action=kind,
        outcome=Outcome.OK,
        message=f"Descarga de {kind.upper()} ({len(document.content)} bytes).",
        http_status=200,
        request=request,
        response={"file_name": document.file_name},
        duration_ms=watch.ms,
    )
    return document
