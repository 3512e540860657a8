"""Bill endpoints: create/validate, list, show, delete (API.md §3)."""

from __future__ import annotations

from .catalogues import fold
from .paging import paginate
from .render import build_bill, stamp
from .state import with_expiry
from .totals import check_digit
from .validation import validate_bill
from .wire import Request, Response, conflict, laravel_422, not_found, ok

PENDING_409 = {"status": "Conflict", "errors": [{
    "code": 409, "message": "Se encontró una factura pendiente por enviar a la DIAN",
    "params": [], "detail": "Conflict", "api_version": "v1"}]}
REJECTED_MESSAGE = "El documento contiene errores de validación"

# Deterministic DIAN outcomes keyed by customer identification (documented in docs/emulator.md).
REJECT_NOT_ENABLED = "1111111111"
NOTIFY_NAME = "2222222222"
SLOW_DIAN = "3333333333"
FAK24 = ("FAK24", "Regla: FAK24, Rechazo: El DV del NIT no es correcto")
FAB05B = ("FAB05b", "Regla: FAB05b, Rechazo: El adquiriente no está habilitado para recibir "
                    "facturas electrónicas")
FAJ43B = ("Regla: FAJ43b, Notificación: Nombre informado No corresponde al registrado en el RUT "
          "con respecto al Nit suminstrado.")


def dian_outcome(customer: dict) -> tuple[str, dict, list[str]]:
    """("validated" | "rejected" | "pending", rule->message rejections, notifications)."""
    ident = str(customer["identification"]).strip()
    dv = customer.get("dv")
    if str(customer["identification_document_id"]).strip() == "6" and dv not in (None, "") \
            and str(dv).strip() != str(check_digit(ident)):
        return "rejected", dict([FAK24]), []
    if ident == REJECT_NOT_ENABLED:
        return "rejected", dict([FAB05B]), []
    if ident == SLOW_DIAN:
        return "pending", {}, []
    if ident == NOTIFY_NAME:
        return "validated", {}, [FAJ43B]
    return "validated", {}, []


def created(record: dict) -> Response:
    ref = record["reference_code"]
    message = f"Documento con el código de referencia {ref} registrado y validado con éxito"
    return Response(201, {"status": "Created", "message": message, "data": record["data"]})


def create(box, request: Request) -> Response:
    state, now = box.state, box.now()
    payload = request.json()
    taken = {b["reference_code"] for b in state.bills if b["status"] == 1}
    ranges = [with_expiry(r, now.date()) for r in state.ranges]
    errors, rng = validate_bill(payload, box.cat, ranges, taken)
    if errors:
        return laravel_422(errors.by_key)
    pending = [b for b in state.bills if b["status"] == 0]
    if pending:
        first = pending[0]
        if first["awaiting_retry"] and first["reference_code"] == str(payload["reference_code"]):
            _mark_validated(first, now)
            box.maybe_email(first)
            return created(first)
        return Response(409, PENDING_409)
    stored = state.range_by_id(rng["id"])
    sequence = stored["current"]
    stored["current"] += 1
    stored["updated_at"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    data = build_bill(box.cat, payload, rng, bill_id=state.next_bill_id, sequence=sequence,
                      now=now)
    state.next_bill_id += 1
    outcome, rejections, notes = dian_outcome(payload["customer"])
    record = {"id": data["bill"]["id"], "number": data["bill"]["number"],
              "reference_code": data["bill"]["reference_code"], "prefix": rng["prefix"],
              "sequence": sequence, "issue_date": now.date().isoformat(),
              "status": 1, "rejected": False, "awaiting_retry": False, "events": [],
              "data": data}
    data["bill"]["errors"] = list(notes) + list(rejections.values())
    if outcome != "validated":
        record.update(status=0, rejected=outcome == "rejected",
                      awaiting_retry=outcome == "pending")
        data["bill"].update(status=0, validated=None)
    state.bills.append(record)
    if outcome == "rejected":
        body = {"message": REJECTED_MESSAGE, "errors": rejections}
        return Response(422, {"status": "Validation error", "message": REJECTED_MESSAGE,
                              "data": body})
    if outcome == "validated":
        box.maybe_email(record)
    return created(record)


def _mark_validated(record: dict, now) -> None:
    record.update(status=1, awaiting_retry=False)
    record["data"]["bill"].update(status=1, validated=stamp(now))


FILTERS = {
    "identification": lambda b, v: v in b["data"]["customer"]["identification"],
    "names": lambda b, v: fold(v) in fold(b["data"]["customer"]["graphic_representation_name"]
                                          or ""),
    "number": lambda b, v: fold(v) in fold(b["number"]),
    "prefix": lambda b, v: fold(b["prefix"]) == fold(v),
    "reference_code": lambda b, v: b["reference_code"] == v,
    "status": lambda b, v: str(b["status"]) == v.strip(),
}


def list_bills(box, request: Request) -> Response:
    rows = list(reversed(box.state.bills))
    for name, match in FILTERS.items():
        value = request.query.get(f"filter[{name}]", "")
        if value != "":
            rows = [b for b in rows if match(b, value)]
    page = paginate([_row(b) for b in rows], request.query.get("page"),
                    f"{request.base_url}/v1/bills")
    return ok(page)


def _row(record: dict) -> dict:
    data = record["data"]
    bill, customer = data["bill"], data["customer"]
    return {"id": bill["id"], "document": bill["document"], "number": bill["number"],
            "api_client_name": "Factus Emulator", "reference_code": bill["reference_code"],
            "identification": customer["identification"],
            "graphic_representation_name": customer["graphic_representation_name"],
            "company": customer["company"], "trade_name": customer["trade_name"],
            "names": customer["names"], "email": customer["email"], "total": bill["total"],
            "status": bill["status"], "errors": bill["errors"], "send_email": bill["send_email"],
            "has_claim": bill["has_claim"],
            "is_negotiable_instrument": bill["is_negotiable_instrument"],
            "payment_form": bill["payment_form"], "created_at": bill["created_at"],
            "credit_notes": data["credit_notes"], "debit_notes": data["debit_notes"]}


def find(box, number: str) -> tuple[dict | None, Response | None]:
    record = box.state.bill_by_number(number)
    if record is None:
        return None, not_found(f"No se encontró el documento {number}")
    return record, None


def show(box, request: Request) -> Response:
    record, missing = find(box, request.params["number"])
    if missing:
        return missing
    # The documented show body is the create body without the top-level "mandate".
    return ok({k: v for k, v in record["data"].items() if k != "mandate"})


def destroy(box, request: Request) -> Response:
    ref = request.params["reference"]
    record = box.state.bill_by_reference(ref)
    if record is None:
        return not_found(f"No se encontró el documento con código de referencia {ref}")
    if record["status"] == 1:
        return conflict(f"Documento con código de referencia {ref} se encuentra validado")
    box.state.bills.remove(record)
    return ok(message=f"Documento con código de referencia {ref} eliminado con éxito")
