"""What a validated document can produce: PDF, XML, e-mail, RADIAN events (API.md §3.6-3.9).

Every handler takes the document family (``families.py``); core.py binds it per route.
"""

from __future__ import annotations

import hashlib
import math

from . import documents, lifecycle
from .families import BILLS, Family, of
from .rules import INVALID, Errors, check, get, is_email, is_string, is_text, max_length, one_of
from .wire import Request, Response, conflict, laravel_422, ok

# INFERRED: Factus documents no limit; a Factus SDK author reports 2 sends per document per day
# (API.md §3.7). Only POST send-email counts, not the e-mail sent at validation (send_email=1).
EMAIL_LIMIT = 2
EMAIL_WINDOW = 24 * 3600  # seconds, rolling

EVENT_NAMES = {
    "030": "Acuse de recibo de Factura Electrónica de Venta",
    "031": "Reclamo de la Factura Electrónica de Venta",
    "032": "Recibo del bien y/o prestación del servicio",
    "033": "Aceptación expresa",
    "034": "Aceptación tácita",
}


def _validated(
    box, request: Request, fam: Family, message: str | None = None
) -> tuple[dict | None, Response | None]:
    record, missing = lifecycle.find(box, fam, request.params["number"])
    if missing:
        return None, missing
    if record["status"] != 1:
        return None, conflict(message or f"El documento {record['number']} no ha sido validado")
    return record, None


def download_pdf(box, request: Request, fam: Family = BILLS) -> Response:
    record, error = _validated(box, request, fam)
    if error:
        return error
    return ok(
        {
            "file_name": documents.file_name(record),
            "pdf_base_64_encoded": documents.b64(documents.pdf_bytes(record)),
        }
    )


def download_xml(box, request: Request, fam: Family = BILLS) -> Response:
    record, error = _validated(box, request, fam, fam.xml_not_validated)
    if error:
        return error
    return ok(
        {
            "file_name": documents.file_name(record),
            "xml_base_64_encoded": documents.b64(documents.xml_bytes(record)),
        }
    )


def subject(record: dict) -> str:
    fam = of(record)
    company = record["data"]["company"]
    issuer = company.get("graphic_representation_name") or company["company"]
    code = fam.type_code or record["data"][fam.header]["document"]["code"]
    return f"{company['nit']};{issuer};{record['number']};{code};{issuer}"


def send_email(box, request: Request, fam: Family = BILLS) -> Response:
    record, error = _validated(box, request, fam)
    if error:
        return error
    body = request.json()
    errors = Errors()
    check(errors, "email", get(body, "email"), is_email, required=True)
    if errors:
        return laravel_422(errors.by_key)
    now = box.clock()
    sends = [t for t in record.get("email_sends", []) if now - t < EMAIL_WINDOW]
    if len(sends) >= EMAIL_LIMIT:
        return too_many_emails(record["number"], math.ceil(sends[0] + EMAIL_WINDOW - now))
    record["email_sends"] = [*sends, now]
    box.deliver(record, body["email"], custom_pdf=bool(body.get("pdf_base_64_encoded")))
    return ok(message=fam.email_sent)


def too_many_emails(number: str, retry_after: int) -> Response:
    """INFERRED (docs/emulator.md): 429 in the short E4 envelope, with ``Retry-After``."""
    return Response(
        429,
        {
            "status": "Too Many Requests",
            "message": f"El documento {number} ya fue enviado {EMAIL_LIMIT} veces por correo en las "
            "últimas 24 horas; intente de nuevo más tarde",
        },
        {"Retry-After": str(max(1, retry_after))},
    )


def email_content(box, request: Request, fam: Family = BILLS) -> Response:
    record, error = _validated(box, request, fam)
    if error:
        return error
    return ok({"subject": subject(record), "attached_document": documents.b64(documents.email_zip(record))})


def radian_events(box, request: Request) -> Response:
    record, missing = lifecycle.find(box, BILLS, request.params["number"])
    return missing or ok(record["events"])


def add_event(record: dict, code: str, now) -> dict:
    """Record a RADIAN event (control endpoint only; Factus gets them from the buyer)."""
    seq = len(record["events"]) + 1
    event = {
        "number": f"AP{record['id']}{seq:02d}",
        "cude": hashlib.sha384(f"{record['number']}{code}{seq}".encode()).hexdigest(),
        "event_code": code,
        "event_name": EVENT_NAMES.get(code, code),
        "effective_date": now.strftime("%Y-%m-%d"),
        "effective_time": now.strftime("%H:%M:%S"),
    }
    record["events"].append(event)
    return event


# DIAN identification codes (API.md §5.1) accepted for the person who records the event.
DIAN_IDENTIFICATION_CODES = ("11", "12", "13", "21", "22", "31", "41", "42", "47", "50", "91")
TACIT_ACCEPTANCE = "034"
# RADIAN: a tacit acceptance follows the buyer's receipt events and excludes a claim or an express one.
TACIT_NEEDS = ("030", "032")
TACIT_EXCLUDED_BY = ("031", "033", "034")


def update_radian_event(box, request: Request) -> Response:
    """``POST /v1/bills/radian/events/update/{number}/{event_type}``: the issuer records the
    tacit acceptance (034) of a credit bill (API.md §3.9; the answer is INFERRED)."""
    body = request.json()
    errors = Errors()
    if request.params["event_type"] != TACIT_ACCEPTANCE:
        errors.add("event_type", INVALID)
    check(
        errors,
        "identification_document_code",
        get(body, "identification_document_code"),
        is_text,
        one_of(*DIAN_IDENTIFICATION_CODES),
        required=True,
    )
    check(errors, "identification", get(body, "identification"), is_text, max_length(20), required=True)
    check(errors, "dv", get(body, "dv"), is_text, one_of(*"0123456789"))
    for name in ("first_name", "last_name"):
        check(errors, name, get(body, name), is_string, max_length(100), required=True)
    for name in ("job_title", "organization_department"):
        check(errors, name, get(body, name), is_string, max_length(100))
    if errors:
        return laravel_422(errors.by_key)
    record, error = _validated(box, request, BILLS)
    if error:
        return error
    number = record["number"]
    if str(record["data"]["bill"]["payment_form"]["code"]) != "2":
        return conflict(f"La factura {number} no es a crédito: la aceptación tácita no aplica")
    codes = {event["event_code"] for event in record["events"]}
    for code in TACIT_EXCLUDED_BY:
        if code in codes:
            return conflict(f"La factura {number} ya tiene el evento {code} {EVENT_NAMES[code]}")
    for code in TACIT_NEEDS:
        if code not in codes:
            return conflict(f"La factura {number} no tiene el evento {code} {EVENT_NAMES[code]}")
    return ok(add_event(record, TACIT_ACCEPTANCE, box.now()), message="Evento registrado con éxito")
