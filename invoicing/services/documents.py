"""Actions on a document that already exists at Factus (any kind): delete, e-mail, PDF and XML."""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from django.db import transaction

from factus.client import get_client
from factus.deadline import budget
from factus.errors import FactusConflict, FactusError, FactusNotFound
from factus.types import DownloadedFile
from invoicing.models import Invoice, request_budget

from .events import Action, InvoiceActionError, Outcome, record_event, timed
from .kinds import INVOICE, DocumentKind

Status = Invoice.Status


def invoice_delete_at_factus(*, invoice_id: int, user, reopen: bool = True, client=None) -> Invoice:
    """Delete the unvalidated bill at Factus; reopen it as a DRAFT with a NEW reference_code.

    Raises: InvoiceActionError (not deletable), FactusError (recorded as an event first).
    """
    return delete_at_factus(INVOICE, document_id=invoice_id, user=user, reopen=reopen, client=client)


def delete_at_factus(kind: DocumentKind, *, document_id: int, user, reopen: bool = True, client=None):
    """Delete the unvalidated document at Factus; reopen it as a DRAFT with a NEW reference_code
    (or mark it DELETED with ``reopen=False``).

    Raises: InvoiceActionError (not deletable), FactusError (recorded as an event first).
    """
    document = kind.model.objects.get(pk=document_id)
    if not document.can_delete_at_factus:
        raise InvoiceActionError(
            f"Solo se pueden eliminar en Factus {kind.plural} rechazadas o pendientes; "
            f"esta está «{document.get_status_display()}»."
        )
    old_reference = document.reference_code
    client = client or get_client()
    with timed() as watch, budget(request_budget()):
        try:
            message = kind.call(client, "delete", old_reference)
        except FactusNotFound as exc:
            message = exc.message  # already gone: nothing left to delete
        except FactusError as exc:
            _failed(document, user, Action.DELETE, exc, {"reference_code": old_reference}, watch)
            if isinstance(exc, FactusConflict):
                raise InvoiceActionError(
                    f"Factus indica que {kind.noun} ya fue validada; no se puede "
                    "eliminar. Reintente el envío para traer su "
                    f"{kind.shape.code.upper()}."
                ) from exc
            raise
    return _reopen(kind, document_id, user, old_reference, reopen, message, watch.ms)


@transaction.atomic
def _reopen(kind: DocumentKind, document_id, user, old_reference, reopen, message, duration_ms):
    document = kind.model.objects.select_for_update(of=("self",)).get(pk=document_id)
    if reopen:
        for name, value in kind.result_fields.items():
            setattr(document, name, value)
        document.reference_code = kind.new_reference()
        document.status = Status.DRAFT
        text = (
            f"Eliminada en Factus ({old_reference}); reabierta como borrador con la referencia "
            f"{document.reference_code}."
        )
    else:
        document.status = Status.DELETED
        text = f"Eliminada en Factus ({old_reference})."
    document.save()
    record_event(
        document,
        user=user,
        action=Action.DELETE,
        outcome=Outcome.OK,
        message=text,
        http_status=200,
        request={"reference_code": old_reference},
        response={"message": message},
        duration_ms=duration_ms,
    )
    return document


def _validated(kind: DocumentKind, document_id: int, what: str):
    document = kind.model.objects.get(pk=document_id)
    if document.status != Status.VALIDATED or not document.number:
        raise InvoiceActionError(f"Solo las {kind.plural} validadas tienen {what}.")
    return document


def _failed(document, user, action, exc: FactusError, request, watch) -> None:
    outcome = Outcome.NOT_FOUND if isinstance(exc, FactusNotFound) else Outcome.FAILED
    record_event(
        document,
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
    return send_email(INVOICE, document_id=invoice_id, user=user, email=email, client=client)


def send_email(kind: DocumentKind, *, document_id: int, user, email: str, client=None) -> str:
    """Have Factus e-mail the validated document to ``email``; returns Factus' message.

    Raises: InvoiceActionError (not validated), FactusError (recorded as an event first).
    """
    document = _validated(kind, document_id, "correo")
    client = client or get_client()
    request = {"number": document.number, "email": email}
    with timed() as watch, budget(request_budget()):
        try:
            message = kind.call(client, "send_email", document.number, email)
        except FactusError as exc:
            _failed(document, user, Action.EMAIL, exc, request, watch)
            raise
    record_event(
        document,
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
    return download(INVOICE, document_id=invoice_id, user=user, kind=kind, client=client)


def download(doc: DocumentKind, *, document_id: int, user, kind: str, client=None) -> DownloadedFile:
    """The document's PDF or XML as Factus renders it (every download is recorded).

    Raises: InvoiceActionError (not validated / unknown kind), FactusError.
    """
    if kind not in ("pdf", "xml"):
        raise InvoiceActionError("Tipo de documento desconocido.")
    document = _validated(doc, document_id, "PDF ni XML" if kind == "pdf" else "XML")
    client = client or get_client()
    request = {"number": document.number, "kind": kind}
    with timed() as watch, budget(request_budget()):
        try:
            content = doc.call(client, kind, document.number)
        except FactusError as exc:
            _failed(document, user, kind, exc, request, watch)
            raise
    content = dataclasses.replace(
        content, file_name=safe_file_name(content.file_name, f"{document.number}.{kind}", kind)
    )
    record_event(
        document,
        user=user,
        action=kind,
        outcome=Outcome.OK,
        message=f"Descarga de {kind.upper()} ({len(content.content)} bytes).",
        http_status=200,
        request=request,
        response={"file_name": content.file_name},
        duration_ms=watch.ms,
    )
    return content
