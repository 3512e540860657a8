"""Phase (b) of a submission: talk to Factus and turn its answer into a Resolution.

Nothing here touches the database except one read (is the blocking bill ours?). Whatever
happens, a Resolution says what we now know; when we cannot know, the invoice becomes FAILED
and the next attempt looks the bill up by reference before sending anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from factus.errors import (
    FactusAuthError,
    FactusConflict,
    FactusConnectionError,
    FactusError,
    FactusRateLimited,
    FactusRejected,
    FactusServerError,
    FactusValidationError,
)
from invoicing.models import Invoice
from invoicing.payloads import bill_fields, bill_status, is_rejection

from .events import Outcome

Status = Invoice.Status
DELETE_HINT = " Elimínela en Factus para corregirla y enviarla de nuevo."
UNCERTAIN = (
    "No hubo respuesta de Factus y no fue posible verificar si recibió la factura. "
    "El borrador se conserva; al reintentar se verificará primero por su referencia."
)
NOT_FOUND = (
    "Factus no respondió a tiempo y la factura no aparece allí: no se creó. "
    "El borrador se conserva y puede reintentar."
)


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
    data: dict | None = None


def attempt(client, reference: str, payload: dict, *, lookup_first: bool) -> Resolution:
    """Send the bill (after looking it up by reference when a previous attempt is uncertain)."""
    if lookup_first:
        try:
            found = lookup(client, reference)
        except FactusError as exc:
            return failed(exc, UNCERTAIN)
        if found is not None:
            return found
    try:
        data = client.validate_bill(payload)
    except FactusError as exc:
        return from_error(client, reference, exc)
    return from_data(data, http_status=201)


def from_data(data: dict, *, http_status: int | None, reconciled: bool = False) -> Resolution:
    """A bill returned by validate or show: validated, pending at the DIAN, or rejected."""
    fields = bill_fields(data)
    messages, number = fields["dian_messages"], fields["number"]
    response = fields["raw_response"]
    if bill_status(data) == 1:
        notes = f" La DIAN dejó {len(messages)} notificación(es)." if messages else ""
        return Resolution(
            Status.VALIDATED,
            Outcome.VALIDATED,
            f"Factura {number} validada por la DIAN.{notes}",
            fields,
            http_status,
            response,
            reconciled=reconciled,
            data=data,
        )
    fields.pop("validated_at", None)
    if is_rejection(messages):
        return Resolution(
            Status.REJECTED,
            Outcome.REJECTED,
            f"La DIAN rechazó la factura {number}.{DELETE_HINT}",
            fields,
            http_status,
            response,
            reconciled=reconciled,
        )
    return Resolution(
        Status.PENDING_DIAN,
        Outcome.PENDING,
        f"La factura {number} quedó pendiente de validación en la DIAN. "
        "Use «Reintentar» para enviarla de nuevo con la misma referencia.",
        fields,
        http_status,
        response,
        reconciled=reconciled,
    )


def lookup(client, reference: str) -> Resolution | None:
    """What Factus holds under ``reference``, or None when it holds nothing."""
    row = client.find_bill_by_reference(reference)
    return None if row is None else from_row(client, row)


def from_row(client, row: dict) -> Resolution:
    """A bill list row as a Resolution (validated rows are fetched whole for CUFE, QR, totals)."""
    if int(row.get("status") or 0) == 1:
        return from_data(client.get_bill(row["number"]), http_status=200, reconciled=True)
    messages = [str(m) for m in row.get("errors") or []]
    data = {
        "bill": {
            "id": row.get("id"),
            "number": row.get("number"),
            "status": 0,
            "errors": messages,
            "total": row.get("total"),
        }
    }
    return from_data(data, http_status=200, reconciled=True)


def apply(invoice: Invoice, outcome: Resolution) -> None:
    """Copy what Factus said onto the (locked) invoice; it leaves SUBMITTING."""
    for name, value in outcome.fields.items():
        setattr(invoice, name, value)
    invoice.status, invoice.submitting_since = outcome.status, None
    invoice.field_errors = outcome.field_errors


def from_error(client, reference: str, exc: FactusError) -> Resolution:
    if isinstance(exc, FactusRejected):
        fields = {"dian_messages": [text for _, text in exc.rules], **_kept_at_factus(client, reference)}
        return Resolution(
            Status.REJECTED,
            Outcome.REJECTED,
            exc.message + "." + DELETE_HINT,
            fields,
            exc.status_code,
            exc.body,
        )
    if isinstance(exc, FactusValidationError):
        return _invalid(client, reference, exc)
    if isinstance(exc, FactusConflict):
        return _conflict(client, exc)
    if isinstance(exc, FactusRateLimited):
        wait = f" Intente de nuevo en {exc.retry_after} segundos." if exc.retry_after else ""
        return Resolution(
            Status.FAILED,
            Outcome.RATE_LIMITED,
            "Se superó el límite de solicitudes a Factus." + (wait or " Espere un momento."),
            http_status=exc.status_code,
            response=exc.body,
            retry_after=exc.retry_after,
        )
    if isinstance(exc, FactusConnectionError) and not exc.may_have_reached_server:
        return failed(exc, "No fue posible conectar con Factus: la factura no se envió. Puede reintentar.")
    if isinstance(exc, FactusConnectionError | FactusServerError):
        return _after_uncertain(client, reference, exc)
    if isinstance(exc, FactusAuthError):
        return failed(exc, exc.message + " La factura no se envió.")
    return failed(exc, exc.message)


def _kept_at_factus(client, reference: str) -> dict:
    """Number and id of the rejected bill Factus keeps (the rejection body names neither).

    One extra read so staff see which consecutive the rejected bill took; without it the fields
    simply stay empty.
    """
    try:
        row = client.find_bill_by_reference(reference)
    except FactusError:
        return {}
    return {"factus_id": row.get("id"), "number": row.get("number") or ""} if row else {}


def failed(exc: FactusError, message: str, outcome: str = Outcome.FAILED) -> Resolution:
    return Resolution(Status.FAILED, outcome, message, http_status=exc.status_code, response=exc.body)


def _after_uncertain(client, reference: str, exc: FactusError) -> Resolution:
    """Timeout, 5xx or dropped connection: Factus may have created the bill, so look first."""
    try:
        found = lookup(client, reference)
    except FactusError:
        return failed(exc, UNCERTAIN)
    return found if found is not None else failed(exc, NOT_FOUND, Outcome.NOT_FOUND)


def _invalid(client, reference: str, exc: FactusValidationError) -> Resolution:
    taken = any("registrado" in m for m in exc.errors.get("reference_code", []))
    if taken:  # an earlier, uncertain attempt did create it: adopt that bill
        try:
            found = lookup(client, reference)
        except FactusError:
            found = None
        if found is not None:
            return found
    return Resolution(
        Status.INVALID,
        Outcome.INVALID,
        "Factus encontró errores en los datos de la factura: corrija los campos señalados.",
        http_status=exc.status_code,
        response=exc.body,
        field_errors=exc.errors,
    )


def _conflict(client, exc: FactusConflict) -> Resolution:
    blocking = blocking_bill(client)
    if blocking is None:
        detail = "No fue posible identificar el documento pendiente."
    else:
        whose = "creada desde esta aplicación" if blocking["ours"] else "creada fuera de esta aplicación"
        state = "rechazada por la DIAN" if blocking["rejected"] else "pendiente en la DIAN"
        detail = (
            f"El documento que bloquea es {blocking['number']} (referencia "
            f"{blocking['reference_code'] or 'sin referencia'}, {whose}, {state})."
        )
    message = f"{exc.message}. Factus no acepta otra factura hasta que esa se valide o se elimine. {detail}"
    return Resolution(
        Status.FAILED,
        Outcome.CONFLICT,
        message,
        http_status=exc.status_code,
        response=exc.body,
        blocking=blocking,
    )


def blocking_bill(client) -> dict | None:
    """The non-validated bill that blocks new ones at Factus, and whether it is one of ours."""
    try:
        rows = client.list_bills(status=0).items
    except FactusError:
        return None
    if not rows:
        return None
    row = rows[-1]  # newest first: the oldest pending one is the one blocking
    reference = row.get("reference_code")
    mine = (
        Invoice.objects.filter(reference_code=reference).values_list("pk", flat=True).first()
        if reference
        else None
    )
    return {
        "number": row.get("number"),
        "reference_code": reference,
        "ours": mine is not None,
        "invoice_id": mine,
        "rejected": is_rejection(row.get("errors")),
    }
