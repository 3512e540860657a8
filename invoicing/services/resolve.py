"""Phase (b) of a submission, for every document type (``kinds.DocumentKind``): talk to Factus and
turn its answer into a Resolution.

Nothing here touches the database except two reads (is the blocking bill ours? is a bill number
already on another of our invoices?). Whatever
happens, a Resolution says what we now know, and its ``detail`` says it for the "Último intento"
panel: what happened (``kind``), whether the bill may exist at Factus (``may_exist``) and what we
did to find out (``lookup``). After any uncertain attempt (timeout, 5xx, dropped connection, an
answer that makes no sense) the bill is looked up by reference, retried with backoff within the
request's budget (``factus.deadline``):

* found      -> what Factus holds (validated, pending, rejected);
* not found  -> FAILED: it does not appear at Factus yet; a retry sends the same reference, which
                Factus never duplicates (422 "ya ha sido registrado" is adopted);
* no answer  -> UNVERIFIED: it may exist; the next attempt looks it up before sending anything.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

import requests
from django.utils import timezone

from factus.deadline import remaining
from factus.errors import (
    FactusAuthError,
    FactusBadResponse,
    FactusConflict,
    FactusConnectionError,
    FactusError,
    FactusRateLimited,
    FactusRejected,
    FactusServerError,
    FactusTimeout,
    FactusValidationError,
)
from invoicing.models import FactusDocument
from invoicing.payloads import DocumentDataError, document_status, is_rejection

from .events import Outcome
from .kinds import DocumentKind

Status = FactusDocument.Status
DELETE_HINT = " Elimínela en Factus para corregirla y enviarla de nuevo."

# What happened, named (the panel's labels live in invoicing.selectors.ATTEMPT_KINDS).
VALIDATED, PENDING, REJECTED, INVALID = "validated", "pending", "rejected", "invalid"
CONFLICT, RATE_LIMITED, AUTH, ERROR, INTERNAL = "conflict", "rate_limited", "auth", "error", "internal"
SERVER_ERROR, TIMEOUT, DROPPED, REFUSED, BAD_RESPONSE = (
    "server_error",
    "timeout",
    "dropped",
    "refused",
    "bad_response",
)
# Whether the bill may exist at Factus after the attempt.
EXISTS, NOT_CREATED, NOT_YET, MAYBE = "yes", "no", "not_yet", "maybe"
# What the lookup by reference found. SKIPPED: the request's budget was spent before a lookup could
# be sent (a ``failed`` lookup, but nothing was asked: the panel must not say it was tried).
FOUND, NOT_FOUND, LOOKUP_FAILED, SKIPPED = "found", "not_found", "failed", "skipped"
NO_TIME_MESSAGE = "No quedó tiempo en esta solicitud para consultar Factus por la referencia."

FAULT_TEXT = {
    SERVER_ERROR: "Factus respondió con un error del servidor",
    TIMEOUT: "Factus no respondió a tiempo",
    DROPPED: "La conexión con Factus se cortó antes de recibir la respuesta",
    BAD_RESPONSE: "Factus respondió con datos que no tienen sentido",
    REFUSED: "No fue posible conectar con Factus (conexión rechazada)",
}

# Backoff of the lookup by reference after an uncertain attempt. A retry is made only while the
# request's budget leaves the delay plus LOOKUP_MIN_WINDOW for the exchange itself.
LOOKUP_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)
LOOKUP_MIN_WINDOW = 1.0
sleep = time.sleep  # tests replace it


@dataclass
class Resolution:
    status: str
    outcome: str
    message: str
    fields: dict = field(default_factory=dict)
    http_status: int | None = None
    response: object = None
    field_errors: dict = field(default_factory=dict)
    retry_after: int | None = None
    blocking: dict | None = None
    reconciled: bool = False
    detail: dict = field(default_factory=dict)


@dataclass
class Lookup:
    """The lookup by reference, retried: ``state`` found | not_found | failed."""

    state: str
    tries: int
    resolution: Resolution | None = None
    error: FactusError | None = None

    def note(self) -> dict:
        if self.state == LOOKUP_FAILED and not self.tries:
            return {"lookup": SKIPPED, "lookup_tries": 0}
        return {"lookup": self.state, "lookup_tries": self.tries}


def detail(kind: str, may_exist: str, *, note: str = "", **extra) -> dict:
    """The panel's facts of an attempt. ``note`` is what the panel's rows do not already say (the
    event's message says everything, for the history; the panel shows only ``note``)."""
    extra = {k: v for k, v in extra.items() if v is not None}
    return {"kind": kind, "may_exist": may_exist, "note": note, **extra}


def fault_kind(exc: FactusError) -> str:
    """The transport fault an exception stands for (the order matters: subclasses first)."""
    if isinstance(exc, FactusBadResponse):
        return BAD_RESPONSE
    if isinstance(exc, FactusTimeout) or isinstance(exc.__cause__, requests.exceptions.Timeout):
        return TIMEOUT
    if isinstance(exc, FactusConnectionError):
        return DROPPED if exc.may_have_reached_server else REFUSED
    if isinstance(exc, FactusServerError):
        return SERVER_ERROR
    if isinstance(exc, FactusRateLimited):
        return RATE_LIMITED
    if isinstance(exc, FactusAuthError):
        return AUTH
    return ERROR


def attempt(doc: DocumentKind, client, reference: str, payload: dict, *, lookup_first: bool) -> Resolution:
    """Send the document (after looking it up by reference when a previous attempt is uncertain)."""
    refused = _authenticate(client)
    if refused is not None:
        return _not_authenticated(doc, refused, lookup_first=lookup_first)
    before = None
    if lookup_first:
        before = look_up(doc, client, reference)
        if before.state == FOUND:
            return before.resolution
        if before.state == LOOKUP_FAILED:
            return _unverified(
                doc,
                before.error,
                before,
                "No fue posible consultar Factus por la referencia antes de reenviar "
                f"({FAULT_TEXT.get(fault_kind(before.error), before.error.message).lower()}); "
                "no se reenvió.",
                note="No se reenvió: primero hay que saber si Factus ya la tiene.",
            )
    try:
        data = doc.call(client, "validate", payload)
    except FactusError as exc:
        resolution = from_error(doc, client, reference, exc)
    else:
        resolution = from_data(doc, data, http_status=201, reference=reference)
    if before is not None:  # looked up first and Factus did not have it: then it was sent
        resolution.detail["checked_before_send"] = before.tries
    return resolution


def _authenticate(client) -> FactusError | None:
    """Get the token before anything else: a failure there certainly sent no bill."""
    manager = getattr(client, "token_manager", None)
    if manager is None:  # a client fake without one
        return None
    try:
        manager.get_token()
    except FactusError as exc:
        return exc
    return None


def _not_authenticated(doc: DocumentKind, exc: FactusError, *, lookup_first: bool) -> Resolution:
    kind = fault_kind(exc)
    text = exc.message if kind in (AUTH, ERROR) else FAULT_TEXT.get(kind, exc.message)
    if lookup_first:  # still unknown whether an earlier attempt created it
        return Resolution(
            Status.UNVERIFIED,
            Outcome.UNVERIFIED,
            f"No fue posible autenticarse en Factus ({text.rstrip('.')}); no se consultó ni se reenvió. "
            f"{doc.subject} sigue «Por verificar».",
            http_status=exc.status_code,
            response=exc.body,
            detail=detail(kind, MAYBE, stage="token", note=_reason(kind, text)),
        )
    return failed(
        exc,
        f"No fue posible autenticarse en Factus ({text.rstrip('.')}): {doc.noun} no se envió. "
        "Puede reintentar.",
        detail=detail(kind, NOT_CREATED, stage="token", note=_reason(kind, text)),
    )


def _reason(kind: str, text: str) -> str:
    """Factus' own words about an auth or unnamed error: the panel's label does not carry them."""
    return text if kind in (AUTH, ERROR) else ""


def from_data(
    doc: DocumentKind,
    data,
    *,
    http_status: int | None,
    reconciled: bool = False,
    reference: str | None = None,
) -> Resolution:
    """A document returned by validate or show: validated, pending at the DIAN, or rejected.

    Data that makes no sense, does not fit our columns or carries another ``reference`` than the one
    we sent or looked up is not recorded: UNVERIFIED.
    """
    try:
        fields = doc.fields(data, reference=reference)
        status = document_status(data, doc.shape.key)
    except DocumentDataError as exc:
        return odd_answer(doc, exc, http_status, data, reconciled=reconciled)
    messages, number = fields["dian_messages"], fields["number"]
    response = fields["raw_response"]
    named = f"{doc.subject} {number}" if number else doc.subject  # a pending one may have no number yet
    if status == 1:
        # Reports date a bill by its validation: one Factus did not stamp is dated when recorded
        # (INFERRED: the documented answers always carry ``validated``).
        fields["validated_at"] = fields.get("validated_at") or timezone.now()
        notes = f" La DIAN dejó {len(messages)} notificación(es)." if messages else ""
        return Resolution(
            Status.VALIDATED,
            Outcome.VALIDATED,
            f"{doc.title} {number} validada por la DIAN.{notes}",
            fields,
            http_status,
            response,
            reconciled=reconciled,
            detail=detail(VALIDATED, EXISTS),
        )
    fields.pop("validated_at", None)
    if is_rejection(messages):
        return Resolution(
            Status.REJECTED,
            Outcome.REJECTED,
            f"La DIAN rechazó {named[0].lower()}{named[1:]}.{DELETE_HINT}",
            fields,
            http_status,
            response,
            reconciled=reconciled,
            detail=detail(REJECTED, EXISTS),
        )
    return Resolution(
        Status.PENDING_DIAN,
        Outcome.PENDING,
        f"{named} quedó pendiente de validación en la DIAN. "
        "Use «Reintentar» para enviarla de nuevo con la misma referencia.",
        fields,
        http_status,
        response,
        reconciled=reconciled,
        detail=detail(PENDING, EXISTS),
    )


def odd_answer(
    doc: DocumentKind, exc: DocumentDataError, http_status, data, *, reconciled: bool = False
) -> Resolution:
    """Factus answered with a document we cannot record: it probably exists, so UNVERIFIED."""
    return Resolution(
        Status.UNVERIFIED,
        Outcome.UNVERIFIED,
        f"Factus respondió con datos que no tienen sentido: {exc} {doc.subject} puede existir en Factus; "
        "quedó «Por verificar» (use «Verificar en Factus» para consultarla por su referencia).",
        http_status=http_status,
        response=data,
        reconciled=reconciled,
        detail=detail(BAD_RESPONSE, MAYBE, problem=str(exc), note=_capitalized(str(exc))),
    )


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def number_taken(doc: DocumentKind, outcome: Resolution, *, document_pk: int) -> Resolution:
    """``outcome``, unless its number is already recorded on another of our documents of the kind
    (another reference): Factus never gives one number to two documents, so that answer makes no
    sense and is not recorded (UNVERIFIED). Called with the row locked, once the number's unique
    constraint refused the save (submit._finish): it names the holder."""
    number = outcome.fields.get("number")
    if not number:
        return outcome
    other = (
        doc.model.objects.filter(number=number)
        .exclude(pk=document_pk)
        .exclude(status=Status.DELETED)
        .values_list("reference_code", flat=True)
        .first()
    )
    if other is None:
        return outcome
    problem = DocumentDataError(f"el número {number} ya está registrado en {doc.other} (referencia {other}).")
    odd = odd_answer(doc, problem, outcome.http_status, outcome.response, reconciled=outcome.reconciled)
    odd.detail = {**outcome.detail, **odd.detail, "outcome_kind": outcome.detail.get("kind")}
    return odd


def lookup(doc: DocumentKind, client, reference: str) -> Resolution | None:
    """What Factus holds under ``reference``, or None when it holds nothing (one try).

    Raises: FactusError.
    """
    row = doc.call(client, "find_by_reference", reference)
    return None if row is None else from_row(doc, client, row)


def look_up(doc: DocumentKind, client, reference: str) -> Lookup:
    """``lookup``, retried with backoff on 5xx, timeouts, dropped connections and 429 while the
    request's budget allows (outside any budget: ``len(LOOKUP_DELAYS)`` retries).

    An answer that makes no sense (FactusBadResponse: two bills under our reference, a list without
    its shape) is not retried: asking again gets the same answer and only spends the budget.
    """
    tries = 0
    while True:
        left = remaining()
        if not tries and left is not None and left < LOOKUP_MIN_WINDOW:
            # INFERRED: a lookup needs LOOKUP_MIN_WINDOW, as each retry does; ``tries`` counts
            # only the lookups actually sent.
            return Lookup(
                LOOKUP_FAILED, 0, error=FactusTimeout(NO_TIME_MESSAGE, may_have_reached_server=False)
            )
        tries += 1
        try:
            found = lookup(doc, client, reference)
        except FactusBadResponse as exc:  # nonsense (a FactusServerError too) is not retried: see below
            return Lookup(LOOKUP_FAILED, tries, error=exc)
        except (FactusServerError, FactusConnectionError, FactusRateLimited) as exc:
            delay = _next_delay(tries, exc)
            if delay is None:
                return Lookup(LOOKUP_FAILED, tries, error=exc)
            sleep(delay)
            continue
        except FactusError as exc:  # auth, 4xx: retrying would not change the answer
            return Lookup(LOOKUP_FAILED, tries, error=exc)
        if found is None:
            return Lookup(NOT_FOUND, tries)
        # Factus holds something under our reference: it exists, even when it cannot be recorded.
        found.detail.update(lookup=FOUND, lookup_tries=tries, may_exist=EXISTS)
        return Lookup(FOUND, tries, found)


def _next_delay(tries: int, exc: FactusError) -> float | None:
    if tries > len(LOOKUP_DELAYS):
        return None
    delay = LOOKUP_DELAYS[tries - 1]
    if isinstance(exc, FactusRateLimited) and exc.retry_after:
        delay = max(delay, float(exc.retry_after))
    left = remaining()
    if left is not None and left < delay + LOOKUP_MIN_WINDOW:
        return None
    return delay


def from_row(doc: DocumentKind, client, row: dict) -> Resolution:
    """A list row as a Resolution (validated rows are fetched whole for CUFE/CUDE, QR, totals)."""
    try:
        if not isinstance(row, dict):
            raise DocumentDataError("la fila de la lista de documentos no es un objeto.")
        status = document_status(row, doc.shape.key)
        number = row.get("number")
        if status == 1 and not (isinstance(number, str | int) and str(number).strip()):
            raise DocumentDataError(f"{doc.noun} validada de la lista no tiene número.")
    except DocumentDataError as exc:
        return odd_answer(doc, exc, 200, row, reconciled=True)
    if status == 1:
        reference = row.get("reference_code")
        reference = str(reference).strip() if reference not in (None, "") else None
        return from_data(
            doc,
            doc.call(client, "get", str(number).strip()),
            http_status=200,
            reconciled=True,
            reference=reference,
        )
    errors = row.get("errors")
    data = {
        doc.shape.key: {
            "id": row.get("id"),
            "number": row.get("number"),
            "status": 0,
            "errors": errors if isinstance(errors, list | dict) else [],
            "total": row.get("total"),
        }
    }
    return from_data(doc, data, http_status=200, reconciled=True)


def from_error(doc: DocumentKind, client, reference: str, exc: FactusError) -> Resolution:
    if isinstance(exc, FactusRejected):
        kept = _kept_at_factus(doc, client, reference)
        fields = {"dian_messages": [text for _, text in exc.rules], **kept}
        number = f" {kept['number']}" if kept.get("number") else ""
        # The rules are listed once, from dian_messages; the message does not repeat them.
        return Resolution(
            Status.REJECTED,
            Outcome.REJECTED,
            f"La DIAN rechazó {doc.noun}{number}.{DELETE_HINT}",
            fields,
            exc.status_code,
            exc.body,
            detail=detail(REJECTED, EXISTS),
        )
    if isinstance(exc, FactusValidationError):
        return _invalid(doc, client, reference, exc)
    if isinstance(exc, FactusConflict):
        return _conflict(doc, client, exc)
    if isinstance(exc, FactusRateLimited):
        return _rate_limited(doc, exc)
    kind = fault_kind(exc)
    if kind == REFUSED:
        return failed(
            exc,
            f"{FAULT_TEXT[REFUSED]}: {doc.noun} no se envió. Puede reintentar.",
            detail=detail(REFUSED, NOT_CREATED),
        )
    if isinstance(exc, FactusConnectionError | FactusServerError):
        return _after_uncertain(doc, client, reference, exc)
    if isinstance(exc, FactusAuthError):
        return failed(
            exc,
            f"{exc.message} {doc.subject} no se envió.",
            detail=detail(AUTH, NOT_CREATED, note=exc.message),
        )
    return failed(exc, exc.message, detail=detail(ERROR, NOT_CREATED, note=exc.message))


def retry_time(seconds: int | None):
    """When to try again after a 429, rounded up to the minute (so "después de las HH:MM" holds)."""
    at = timezone.localtime(timezone.now() + timedelta(seconds=seconds or 60))
    if at.second or at.microsecond:
        at = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return at


def _rate_limited(doc: DocumentKind, exc: FactusRateLimited) -> Resolution:
    at = retry_time(exc.retry_after)
    return Resolution(
        Status.FAILED,
        Outcome.RATE_LIMITED,
        # The wait is said once, by the panel, from ``retry_at``. No status: our own fleet limit.
        f"Factus limitó las solicitudes (HTTP 429): {doc.noun} no se envió."
        if exc.status_code
        else f"Se alcanzó el límite de solicitudes por minuto a Factus: {doc.noun} no se envió.",
        http_status=exc.status_code,
        response=exc.body,
        retry_after=exc.retry_after,
        detail=detail(RATE_LIMITED, NOT_CREATED, retry_at=at.isoformat()),
    )


def _kept_at_factus(doc: DocumentKind, client, reference: str) -> dict:
    """Number and id of the rejected document Factus keeps (the rejection body names neither).

    One extra read so staff see which consecutive the rejected document took; without it the fields
    simply stay empty.
    """
    try:
        row = doc.call(client, "find_by_reference", reference)
    except FactusError:
        return {}
    if not isinstance(row, dict):
        return {}
    try:
        fields = doc.fields({doc.shape.key: {"id": row.get("id"), "number": row.get("number"), "status": 0}})
    except DocumentDataError:
        return {}
    return {"factus_id": fields["factus_id"], "number": fields["number"]}


def failed(exc: FactusError, message: str, outcome: str = Outcome.FAILED, *, detail=None) -> Resolution:
    return Resolution(
        Status.FAILED,
        outcome,
        message,
        http_status=exc.status_code,
        response=exc.body,
        detail=detail or {},
    )


def _unverified(
    doc: DocumentKind,
    exc: FactusError,
    found: Lookup,
    message: str,
    kind: str | None = None,
    *,
    note: str = "",
) -> Resolution:
    return Resolution(
        Status.UNVERIFIED,
        Outcome.UNVERIFIED,
        f"{message} {doc.subject} puede existir en Factus: quedó «Por verificar». Use «Verificar en Factus» "
        "para consultarla por su referencia antes de cualquier reenvío.",
        http_status=exc.status_code,
        response=exc.body,
        detail=detail(kind or fault_kind(exc), MAYBE, note=note, **found.note()),
    )


def _after_uncertain(doc: DocumentKind, client, reference: str, exc: FactusError) -> Resolution:
    """Timeout, 5xx, dropped connection or nonsense: Factus may have created the document, so look."""
    kind = fault_kind(exc)
    fault = FAULT_TEXT.get(kind, exc.message)
    found = look_up(doc, client, reference)
    if found.state == FOUND:
        resolution = found.resolution
        resolution.message = (
            f"{fault}; consultada por su referencia, Factus sí la tenía. {resolution.message}"
        )
        resolution.detail.update(kind=kind, outcome_kind=resolution.detail.get("kind"))
        resolution.http_status = resolution.http_status or exc.status_code
        return resolution
    if found.state == NOT_FOUND:
        return failed(
            exc,
            f"{fault} y {doc.noun} aún no aparece en Factus (consultada por su referencia). "
            "El borrador se conserva; reintentar es seguro: la misma referencia no se duplica.",
            Outcome.NOT_FOUND,
            detail=detail(kind, NOT_YET, **found.note()),
        )
    if not found.tries:
        return _unverified(
            doc, exc, found, f"{fault} y no quedó tiempo para consultar Factus por la referencia.", kind
        )
    if isinstance(found.error, FactusBadResponse):
        resolution = _unverified(
            doc,
            exc,
            found,
            f"{fault}; al consultarla por su referencia: {found.error.message}",
            kind,
            note=f"Al consultarla por su referencia: {found.error.message}",
        )
        resolution.detail["problem"] = found.error.message
        return resolution
    return _unverified(
        doc,
        exc,
        found,
        f"{fault} y no fue posible consultar Factus por la referencia "
        f"({found.tries} {'intento' if found.tries == 1 else 'intentos'}).",
        kind,
    )


def _invalid(doc: DocumentKind, client, reference: str, exc: FactusValidationError) -> Resolution:
    taken = any("registrado" in m for m in exc.errors.get("reference_code", []))
    if taken:  # an earlier, uncertain attempt did create it: adopt that document
        found = look_up(doc, client, reference)
        if found.state == FOUND:
            adopted = (
                f"Factus ya tenía esta referencia (de un intento anterior): se adoptó esa {doc.noun[3:]}."
            )
            found.resolution.message = f"{adopted} {found.resolution.message}"
            found.resolution.detail["note"] = adopted
            return found.resolution
        taken_text = (
            f"Factus dice que la referencia ya está registrada, pero no fue posible traer esa {doc.noun[3:]}."
        )
        return _unverified(doc, exc, found, taken_text, INVALID, note=taken_text)
    return Resolution(
        Status.INVALID,
        Outcome.INVALID,
        f"Factus encontró errores en los datos de {doc.noun}: corrija los campos señalados.",
        http_status=exc.status_code,
        response=exc.body,
        field_errors=exc.errors,
        detail=detail(INVALID, NOT_CREATED),
    )


def _conflict(doc: DocumentKind, client, exc: FactusConflict) -> Resolution:
    blocking = blocking_document(doc, client)
    blocks = f"Factus no acepta {doc.other} hasta que esa se valide o se elimine"
    # The panel's rows say the blocking bill (its table) and that this one was not created.
    note = f"{exc.message.rstrip('.')}. {blocks}."
    if blocking is None:
        about = "No fue posible identificar el documento pendiente."
        note = f"{note} {about}"
    else:
        whose = "creada desde esta aplicación" if blocking["ours"] else "creada fuera de esta aplicación"
        state = "rechazada por la DIAN" if blocking["rejected"] else "pendiente en la DIAN"
        about = (
            f"El documento que bloquea es {blocking['number'] or 'uno sin número legible'} (referencia "
            f"{blocking['reference_code'] or 'sin referencia'}, {whose}, {state})."
        )
    message = f"{exc.message.rstrip('.')}. {blocks}; esta no se creó. {about}"
    return Resolution(
        Status.FAILED,
        Outcome.CONFLICT,
        message,
        http_status=exc.status_code,
        response=exc.body,
        blocking=blocking,
        detail=detail(CONFLICT, NOT_CREATED, blocking=blocking, note=note),
    )


def blocking_document(doc: DocumentKind, client) -> dict | None:
    """The non-validated document of the kind that blocks new ones at Factus, and whether it is ours
    (its pk under ``doc.id_key``: ``invoice_id``, ``credit_note_id``)."""
    try:
        rows = doc.call(client, "list", status=0).items
    except FactusError:
        return None
    rows = [row for row in rows or [] if isinstance(row, dict)]
    if not rows:
        return None
    row = rows[-1]  # newest first: the oldest pending one is the one blocking
    reference = _row_text(row.get("reference_code"), 64)  # FactusDocument.reference_code's length
    mine = (
        doc.model.objects.filter(reference_code=reference).values_list("pk", flat=True).first()
        if reference
        else None
    )
    return {
        "number": _row_text(row.get("number"), 40),  # FactusDocument.number's length
        "reference_code": reference,
        "ours": mine is not None,
        doc.id_key: mine,
        "rejected": isinstance(row.get("errors"), list | dict) and is_rejection(row.get("errors")),
    }


def _row_text(value, limit: int) -> str | None:
    """A number or reference of a list row as text we can show and query, or None when Factus sent
    something else (an object, a list, an over-long or control-character string)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    if not text or len(text) > limit or any(ord(char) < 32 for char in text):
        return None
    return text


def internal_error(doc: DocumentKind) -> Resolution:
    """A bug (not a Factus answer) during the call: the document may have been sent, so UNVERIFIED."""
    return Resolution(
        Status.UNVERIFIED,
        Outcome.UNVERIFIED,
        f"Error interno al enviar {doc.noun}; puede que haya llegado a Factus. Quedó «Por verificar»: "
        "use «Verificar en Factus» para consultarla por su referencia.",
        detail=detail(INTERNAL, MAYBE),
    )
