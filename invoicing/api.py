"""/api/v1/invoices: the same services as the pages (create, issue, delete, e-mail, files)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from ninja import Query, Router
from ninja import Status as Reply
from pydantic import Field

from api.auth import perm, require
from api.errors import document_path, factus_problem
from api.idempotency import form_token_of
from api.problems import ApiProblem, Problem, field_error, validation_problem
from factus.errors import FactusError
from invoicing import api_selectors, selectors, services
from invoicing.models import CreditNote, Invoice
from invoicing.schemas import (
    BulkIssueIn,
    BulkIssueOut,
    CreateBody,
    EmailIn,
    InvoiceOut,
    InvoicePage,
    MessageOut,
)
from invoicing.services.api_intake import invoice_create_from_bill, invoice_create_from_ids
from invoicing.services.bulk import bulk_issue

invoices = Router(tags=["Facturas"])
Status = Invoice.Status
FILE_TYPES = {"pdf": "application/pdf", "xml": "application/xml"}
ERRORS = {400: Problem, 404: Problem, 409: Problem, 422: Problem, 429: Problem, 502: Problem, 504: Problem}


def _detail(invoice_id: int, warnings=()) -> dict:
    try:
        invoice = api_selectors.invoice_detail(invoice_id=invoice_id)
    except Invoice.DoesNotExist:
        raise ApiProblem(404, "not_found", "Esa factura no existe.") from None
    return {**api_selectors.invoice_out(invoice), "warnings": list(warnings)}


def submit_problem(result) -> ApiProblem | None:
    """The problem a submission's outcome is for the caller (None: validated or pending).

    The problem names the document: ``invoice_id`` or ``credit_note_id``.
    """
    outcome, document = result.outcome, result.document
    is_note = isinstance(document, CreditNote)
    named = {"credit_note_id" if is_note else "invoice_id": document.pk}
    if outcome in ("validated", "pending"):
        return None
    if outcome == "invalid":
        errors = [
            field_error(document_path(path), message, "factus")
            for path, messages in (result.field_errors or {}).items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]
        problem = validation_problem(
            errors or [field_error("body", result.message, "factus")], result.message
        )
        problem.extra.update(named)
        return problem
    if outcome == "rejected":
        return ApiProblem(422, "dian_rejected", result.message, **named)
    if outcome == "conflict":
        return ApiProblem(409, "factus_pending_document", result.message, **named)
    if outcome == "busy":
        return ApiProblem(
            409,
            f"{'credit_note' if is_note else 'invoice'}_busy",
            result.message,
            headers={"Retry-After": 5},
            **named,
        )
    if outcome == "rate_limited":
        wait = result.retry_after or 60
        return ApiProblem(
            429,
            "factus_rate_limited",
            result.message,
            headers={"Retry-After": wait},
            retry_after=wait,
            **named,
        )
    if not result.recorded:  # refused before any attempt (e.g. deleted, already rejected)
        code = "credit_note_not_submittable" if is_note else "invoice_not_submittable"
        return ApiProblem(409, code, result.message, **named)
    kind = (selectors.last_attempt(document) or {}).get("kind")
    may_exist = document.status == Status.UNVERIFIED
    retry = f"/credit-notes/{document.pk}/issue" if is_note else f"/invoices/{document.pk}/issue"
    what = "La nota crédito" if is_note else "La factura"
    return ApiProblem(
        504 if kind == "timeout" else 502,
        "factus_timeout" if kind == "timeout" else "factus_error",
        result.message
        + (
            f" {what} puede existir en Factus: reintente la emisión (POST /api/v1{retry}), que la "
            "busca por referencia antes de enviar nada."
            if may_exist
            else ""
        ),
        may_exist=may_exist,
        **named,
    )


def _issue(request, invoice_id: int, *, created: bool, warnings=()):
    """Submit and answer: 201/200 validated, 202 pending; a problem naming the invoice otherwise."""
    require(request, "invoicing.issue_invoice")
    result = services.invoice_submit(invoice_id=invoice_id, user=request.user)
    problem = submit_problem(result)
    if problem is not None:
        raise problem
    status = 202 if result.outcome == "pending" else 201 if created else 200
    return Reply(status, _detail(invoice_id, warnings))


@invoices.post(
    "",
    auth=perm("invoicing.add_invoice"),
    response={201: InvoiceOut, 202: InvoiceOut, **ERRORS},
    summary='Crear una factura (borrador), o crearla y emitirla con "issue": true',
    description=(
        "Acepta nuestro cuerpo (customer_id, items con product_id) o el cuerpo de Factus v1 "
        "bills/validate tal cual (customer e items en línea; reference_code y numbering_range_id "
        "opcionales). 201: creada (y validada si issue); 202: emitida y pendiente en la DIAN."
    ),
)
def invoice_create(request, payload: CreateBody):
    data = payload.root.model_dump()
    issue = data.pop("issue", False)
    if issue:
        require(request, "invoicing.issue_invoice")
    warnings: list[str] = []
    form_token = form_token_of(request)
    if "customer" in data:
        invoice, warnings = invoice_create_from_bill(user=request.user, body=data, form_token=form_token)
    else:
        invoice = invoice_create_from_ids(user=request.user, data=data, form_token=form_token)
    if issue:
        return _issue(request, invoice.pk, created=True, warnings=warnings)
    return Reply(201, _detail(invoice.pk, warnings))


@invoices.get(
    "",
    auth=perm("invoicing.view_invoice"),
    response={200: InvoicePage, 422: Problem},
    summary="Listar facturas (filtros y páginas por clave)",
)
def invoice_list(
    request,
    status: list[Status] | None = Query(None, max_length=10),  # noqa: B008
    date_from: date | None = None,
    date_to: date | None = None,
    customer_id: Annotated[int, Field(ge=1)] | None = None,
    number: Annotated[str, Field(max_length=40)] = "",
    reference: Annotated[str, Field(max_length=64)] = "",
    q: Annotated[str, Field(max_length=100)] = "",
    cursor: Annotated[str, Field(max_length=200)] = "",
    limit: Annotated[int, Field(ge=1, le=100)] = 25,
):
    filters = {
        "status": status or None,
        "date_from": date_from,
        "date_to": date_to,
        "customer": customer_id,
        "number": number,
        "reference": reference,
        "q": q,
    }
    return api_selectors.invoice_page(filters=filters, cursor=cursor, limit=limit)


@invoices.get(
    "/{int:invoice_id}",
    auth=perm("invoicing.view_invoice"),
    response={200: InvoiceOut, 404: Problem},
    summary="Ver una factura",
)
def invoice_read(request, invoice_id: int):
    return _detail(invoice_id)


@invoices.post(
    "/issue",
    auth=perm("invoicing.issue_invoice"),
    response={202: BulkIssueOut, 400: Problem, 409: Problem, 422: Problem, 429: Problem},
    summary="Emitir muchas facturas en segundo plano (cada una se pone en cola una sola vez)",
)
def invoices_bulk_issue(request, payload: BulkIssueIn):
    """The same service as "Emitir seleccionadas" (invoicing.services.bulk): a second call with
    the same ids adds nothing while they are queued or being issued; progress at ``progress_url``."""
    issued = bulk_issue(invoice_ids=payload.ids, user=request.user)
    run_id = issued.run.pk if issued.run else None
    return Reply(
        202,
        {
            "run_id": run_id,
            "added": issued.added,
            "already_queued": issued.already_queued,
            "not_issuable": issued.not_issuable,
            "progress_url": reverse("invoicing:bulk_run_detail", args=[run_id]) if run_id else None,
        },
    )


@invoices.post(
    "/{int:invoice_id}/issue",
    auth=perm("invoicing.issue_invoice"),
    response={200: InvoiceOut, 202: InvoiceOut, **ERRORS},
    summary="Emitir (o reintentar) una factura",
)
def invoice_issue(request, invoice_id: int):
    _detail(invoice_id)  # 404 first
    return _issue(request, invoice_id, created=False)


@invoices.delete(
    "/{int:invoice_id}",
    auth=perm("invoicing.delete_at_factus"),
    response={200: InvoiceOut, **ERRORS},
    summary="Eliminar en Factus una factura no validada (rechazada o pendiente)",
)
def invoice_delete(request, invoice_id: int, reopen: bool = False):
    _detail(invoice_id)
    invoice = services.invoice_delete_at_factus(invoice_id=invoice_id, user=request.user, reopen=reopen)
    return Reply(200, _detail(invoice.pk))


def _file(request, invoice_id: int, kind: str):
    _detail(invoice_id)
    try:
        document = services.invoice_document(invoice_id=invoice_id, user=request.user, kind=kind)
    except FactusError as error:
        raise factus_problem(error, invoice_id=invoice_id) from error
    response = HttpResponse(document.content, content_type=FILE_TYPES[kind])
    response["Content-Disposition"] = content_disposition_header(kind == "xml", document.file_name)
    return response


def file_responses(kind: str, of: str = "de la factura validada") -> dict:
    return {
        "responses": {
            "200": {
                "description": f"El {kind.upper()} {of}",
                "content": {FILE_TYPES[kind]: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


@invoices.get(
    "/{int:invoice_id}/pdf",
    auth=perm("invoicing.view_invoice"),
    response={**ERRORS},
    summary="PDF de la factura",
    openapi_extra=file_responses("pdf"),
)
def invoice_pdf(request, invoice_id: int):
    return _file(request, invoice_id, "pdf")


@invoices.get(
    "/{int:invoice_id}/xml",
    auth=perm("invoicing.view_invoice"),
    response={**ERRORS},
    summary="XML de la factura",
    openapi_extra=file_responses("xml"),
)
def invoice_xml(request, invoice_id: int):
    return _file(request, invoice_id, "xml")


@invoices.post(
    "/{int:invoice_id}/email",
    auth=perm("invoicing.email_invoice"),
    response={200: MessageOut, **ERRORS},
    summary="Enviar por correo (Factus) la factura validada",
)
def invoice_email(request, invoice_id: int, payload: EmailIn):
    _detail(invoice_id)
    try:
        validate_email(payload.email)
    except ValidationError:
        raise validation_problem([field_error("email", "Escriba un correo válido.")]) from None
    try:
        message = services.invoice_send_email(invoice_id=invoice_id, user=request.user, email=payload.email)
    except FactusError as error:
        raise factus_problem(error, invoice_id=invoice_id) from error
    return Reply(200, {"message": message or f"Factura enviada a {payload.email}."})
