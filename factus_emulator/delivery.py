"""What a validated document can produce: PDF, XML, e-mail, RADIAN events (API.md §3.6-3.9).

Every handler takes the document family (``families.py``); core.py binds it per route.
"""

from __future__ import annotations

import hashlib

from . import documents, lifecycle
from .families import BILLS, Family, of
from .rules import Errors, check, get, is_email
from .wire import Request, Response, conflict, laravel_422, ok

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
    box.deliver(record, body["email"], custom_pdf=bool(body.get("pdf_base_64_encoded")))
    return ok(message=fam.email_sent)


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
