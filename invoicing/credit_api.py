"""/api/v1/invoices/{id}/credit-notes and /api/v1/credit-notes: the credit-note services
(invoicing/services/credit_notes.py) through the API, like the invoices (invoicing/api.py).

Permissions (core/roles.py on feat-roles): view_creditnote to read, add_creditnote to create,
issue_creditnote to send to Factus, email_creditnote, delete_at_factus (shared with invoices).
"""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Query, Router
from ninja import Status as Reply
from pydantic import Field

from api.auth import perm, require
from api.errors import document_path, factus_problem
from api.idempotency import form_token_of
from api.problems import ApiProblem, Problem, field_error, validation_problem
from factus.errors import FactusError
from invoicing import api_selectors, services
from invoicing.api import ERRORS, FILE_TYPES, file_responses, invoices, submit_problem
from invoicing.models import CreditNote, Invoice
from invoicing.schemas import CreditNoteIn, CreditNoteOut, CreditNotePage, EmailIn, MessageOut
from invoicing.services import CreditLimitError, CreditLine

credit_notes = Router(tags=["Notas crédito"])
Status = CreditNote.Status
Cursor = Annotated[str, Field(max_length=200)]
Limit = Annotated[int, Field(ge=1, le=100)]


def credit_limit_problem(exc: CreditLimitError) -> ApiProblem:
    """Over-credit (or no line): 422 with the posted row's path (``lines[1].quantity``)."""
    errors = [
        field_error(document_path(key), message, "credit_limit")
        for key, messages in exc.field_errors.items()
        for message in (messages if isinstance(messages, list) else [messages])
    ]
    return ApiProblem(422, "credit_limit", exc.message, errors=errors)


def _note(credit_note_id: int) -> dict:
    try:
        note = api_selectors.credit_note_detail(credit_note_id=credit_note_id)
    except CreditNote.DoesNotExist:
        raise ApiProblem(404, "not_found", "Esa nota crédito no existe.") from None
    return api_selectors.credit_note_out(note)


def _invoice_exists(invoice_id: int) -> None:
    if not Invoice.objects.filter(pk=invoice_id).exists():
        raise ApiProblem(404, "not_found", "Esa factura no existe.")


def _issue(request, credit_note_id: int, *, created: bool):
    """Submit and answer: 201/200 validated, 202 pending; a problem naming the note otherwise."""
    require(request, "invoicing.issue_creditnote")
    result = services.credit_note_submit(credit_note_id=credit_note_id, user=request.user)
    problem = submit_problem(result)
    if problem is not None:
        raise problem
    status = 202 if result.outcome == "pending" else 201 if created else 200
    return Reply(status, _note(credit_note_id))


def _lines(payload: CreditNoteIn) -> list[CreditLine]:
    return [
        CreditLine(invoice_item_id=line.invoice_item_id, quantity=line.quantity, price=line.price)
        for line in payload.lines
    ]


def _check_shape(payload: CreditNoteIn) -> None:
    errors = []
    if payload.void and payload.concept is not None:
        errors.append(field_error("concept", 'Con "void": true no envíe concept (la anulación es el 2).'))
    if payload.void and payload.lines:
        errors.append(field_error("lines", 'Con "void": true no envíe lines: se acredita todo lo que queda.'))
    if not payload.void and payload.concept is None:
        errors.append(
            field_error("concept", 'Indique el concepto (1, 3, 4, 5 o 6) o "void": true.', "missing")
        )
    if not payload.void and not payload.lines:
        errors.append(field_error("lines", "Indique al menos una línea de la factura.", "missing"))
    if errors:
        raise validation_problem(errors)


@invoices.post(
    "/{int:invoice_id}/credit-notes",
    auth=perm("invoicing.add_creditnote"),
    response={201: CreditNoteOut, 202: CreditNoteOut, **ERRORS},
    summary="Crear una nota crédito de la factura (anulación o parcial), o crearla y emitirla",
    description=(
        '"void": true anula la factura (concepto 2, todo lo que queda). Parcial: "concept" (1 '
        'devolución, 3 a 6 rebajas) y "lines" [{invoice_item_id, quantity, price?}]. Con '
        'Idempotency-Key, repetir la solicitud devuelve la misma nota. "issue": true la emite.'
    ),
)
def credit_note_create(request, invoice_id: int, payload: CreditNoteIn):
    if payload.issue:
        require(request, "invoicing.issue_creditnote")
    _invoice_exists(invoice_id)
    _check_shape(payload)
    common = {
        "invoice_id": invoice_id,
        "user": request.user,
        "form_token": form_token_of(request),
        "observation": payload.observation,
        "payment_method_code": payload.payment_method_code,
    }
    if payload.void:
        note = services.credit_note_create_void(**common)
    else:
        note = services.credit_note_create_partial(**common, concept=payload.concept, lines=_lines(payload))
    if payload.issue:
        return _issue(request, note.pk, created=True)
    return Reply(201, _note(note.pk))


@invoices.get(
    "/{int:invoice_id}/credit-notes",
    auth=perm("invoicing.view_creditnote"),
    response={200: CreditNotePage, 404: Problem, 422: Problem},
    summary="Notas crédito de la factura",
)
def invoice_credit_notes(request, invoice_id: int, cursor: Cursor = "", limit: Limit = 25):
    _invoice_exists(invoice_id)
    return api_selectors.credit_note_page(invoice_id=invoice_id, cursor=cursor, limit=limit)


@credit_notes.get(
    "",
    auth=perm("invoicing.view_creditnote"),
    response={200: CreditNotePage, 422: Problem},
    summary="Listar notas crédito (páginas por clave)",
)
def credit_note_list(
    request,
    status: list[Status] | None = Query(None, max_length=10),  # noqa: B008
    invoice_id: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = None,
    cursor: Cursor = "",
    limit: Limit = 25,
):
    return api_selectors.credit_note_page(invoice_id=invoice_id, status=status, cursor=cursor, limit=limit)


@credit_notes.get(
    "/{int:credit_note_id}",
    auth=perm("invoicing.view_creditnote"),
    response={200: CreditNoteOut, 404: Problem},
    summary="Ver una nota crédito",
)
def credit_note_read(request, credit_note_id: int):
    return _note(credit_note_id)


@credit_notes.post(
    "/{int:credit_note_id}/issue",
    auth=perm("invoicing.issue_creditnote"),
    response={200: CreditNoteOut, 202: CreditNoteOut, **ERRORS},
    summary="Emitir (o reintentar) una nota crédito",
)
def credit_note_issue(request, credit_note_id: int):
    _note(credit_note_id)  # 404 first
    return _issue(request, credit_note_id, created=False)


@credit_notes.delete(
    "/{int:credit_note_id}",
    auth=perm("invoicing.delete_at_factus"),
    response={200: CreditNoteOut, **ERRORS},
    summary="Eliminar en Factus una nota crédito no validada (queda en borrador con otra referencia)",
)
def credit_note_delete(request, credit_note_id: int):
    _note(credit_note_id)
    try:
        note = services.credit_note_delete_at_factus(credit_note_id=credit_note_id, user=request.user)
    except FactusError as error:
        raise factus_problem(error, credit_note_id=credit_note_id) from error
    return Reply(200, _note(note.pk))


def _file(request, credit_note_id: int, kind: str):
    _note(credit_note_id)
    try:
        document = services.credit_note_document(credit_note_id=credit_note_id, user=request.user, kind=kind)
    except FactusError as error:
        raise factus_problem(error, credit_note_id=credit_note_id) from error
    response = HttpResponse(document.content, content_type=FILE_TYPES[kind])
    response["Content-Disposition"] = content_disposition_header(kind == "xml", document.file_name)
    return response


@credit_notes.get(
    "/{int:credit_note_id}/pdf",
    auth=perm("invoicing.view_creditnote"),
    response={**ERRORS},
    summary="PDF de la nota crédito",
    openapi_extra=file_responses("pdf", "de la nota crédito validada"),
)
def credit_note_pdf(request, credit_note_id: int):
    return _file(request, credit_note_id, "pdf")


@credit_notes.get(
    "/{int:credit_note_id}/xml",
    auth=perm("invoicing.view_creditnote"),
    response={**ERRORS},
    summary="XML de la nota crédito",
    openapi_extra=file_responses("xml", "de la nota crédito validada"),
)
def credit_note_xml(request, credit_note_id: int):
    return _file(request, credit_note_id, "xml")


@credit_notes.post(
    "/{int:credit_note_id}/email",
    auth=perm("invoicing.email_creditnote"),
    response={200: MessageOut, **ERRORS},
    summary="Enviar por correo (Factus) la nota crédito validada",
)
def credit_note_email(request, credit_note_id: int, payload: EmailIn):
    _note(credit_note_id)
    try:
        validate_email(payload.email)
    except ValidationError:
        raise validation_problem([field_error("email", "Escriba un correo válido.")]) from None
    try:
        message = services.credit_note_send_email(
            credit_note_id=credit_note_id, user=request.user, email=payload.email
        )
    except FactusError as error:
        raise factus_problem(error, credit_note_id=credit_note_id) from error
    return Reply(200, {"message": message or f"Nota crédito enviada a {payload.email}."})
