"""The life of any document (bill, credit note, support document, adjustment note).

Numbering, the one-pending rule (409 / retry), the deterministic DIAN outcome, storing,
listing, showing and deleting are the same for every family; the family modules only
validate the request and render its ``data``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .catalogues import fold
from .families import BILLS, Family, of
from .paging import paginate
from .render import stamp
from .rules import UNIQUE, label
from .totals import check_digit
from .wire import Request, Response, conflict, laravel_422, not_found, ok

REJECTED_MESSAGE = "El documento contiene errores de validación"
E3_MESSAGE = "Error de validación"

# Deterministic DIAN outcomes keyed by the party's identification (docs/emulator.md).
REJECT_NOT_ENABLED = "1111111111"
NOTIFY_NAME = "2222222222"
SLOW_DIAN = "3333333333"
# For documents whose party is copied from another document (INFERRED, docs/emulator.md).
OBSERVATION_REJECT = "emulator:rechazo"
OBSERVATION_PENDING = "emulator:pendiente"
DV_TEXT = "El DV del NIT no es correcto"
NOT_ENABLED_TEXT = "El adquiriente no está habilitado para recibir facturas electrónicas"
# INFERRED (docs/emulator.md): identification types whose numbers are digits only (registro civil,
# tarjeta de identidad, cédula, tarjeta and cédula de extranjería, NIT, NUIP); passports, foreign
# ids, PEP and foreign NITs may carry letters. DIAN rejects the document, Factus keeps it (status 0).
NUMERIC_IDENTIFICATION_TYPES = {"1", "2", "3", "4", "5", "6", "11"}
DIGITS = re.compile(r"[0-9]+")
NOT_NUMERIC_TEXT = (
    "El número de identificación debe contener solo dígitos para el tipo de documento informado"
)
NAME_TEXT = "Nombre informado No corresponde al registrado en el RUT con respecto al Nit suminstrado."

View = Callable[[dict], dict]


def _rule(prefix: str, code: str, kind: str, text: str) -> tuple[str, str]:
    return f"{prefix}{code}", f"Regla: {prefix}{code}, {kind}: {text}"


def dian_outcome(party: dict, prefix: str = "F", observation=None) -> tuple[str, dict, list]:
    """("validated" | "rejected" | "pending", rule->message rejections, notifications)."""
    ident = str(party.get("identification", "")).strip()
    dv = party.get("dv")
    note = str(observation or "").strip().lower()
    kind = str(party.get("identification_document_id")).strip()
    if kind in NUMERIC_IDENTIFICATION_TYPES and not DIGITS.fullmatch(ident):
        return "rejected", dict([_rule(prefix, "AK21", "Rechazo", NOT_NUMERIC_TEXT)]), []
    if kind == "6" and dv not in (None, "") and str(dv).strip() != str(check_digit(ident)):
        return "rejected", dict([_rule(prefix, "AK24", "Rechazo", DV_TEXT)]), []
    if ident == REJECT_NOT_ENABLED or note == OBSERVATION_REJECT:
        return "rejected", dict([_rule(prefix, "AB05b", "Rechazo", NOT_ENABLED_TEXT)]), []
    if ident == SLOW_DIAN or note == OBSERVATION_PENDING:
        return "pending", {}, []
    if ident == NOTIFY_NAME:
        return "validated", {}, [_rule(prefix, "AJ43b", "Notificación", NAME_TEXT)[1]]
    return "validated", {}, []


def records(box, fam: Family) -> list[dict]:
    return getattr(box.state, fam.name)


def validation_error(box, fam: Family, errors: dict[str, list[str]]) -> Response:
    """E2 (Laravel default) for bills and credit notes, E3 for the support families.

    A refusal because the ``reference_code`` is already registered is counted in ``stats()``:
    it is how a client that re-sends after a lost answer learns the document exists.
    """
    if UNIQUE.format(a=label("reference_code")) in errors.get("reference_code", []):
        counts = box.state.already_registered
        counts[fam.name] = counts.get(fam.name, 0) + 1
    if not fam.e3:
        return laravel_422(errors)
    return Response(
        422,
        {
            "status": "Validation error",
            "message": E3_MESSAGE,
            "data": {"message": E3_MESSAGE, "errors": errors},
        },
    )


def taken_references(box, fam: Family) -> set[str]:
    return {r["reference_code"] for r in records(box, fam) if r["status"] == 1}


def created(record: dict, view: View | None = None) -> Response:
    ref = record["reference_code"]
    message = f"Documento con el código de referencia {ref} registrado y validado con éxito"
    data = view(record["data"]) if view else record["data"]
    return Response(201, {"status": "Created", "message": message, "data": data})


def pending_gate(box, fam: Family, reference: str, view: View | None = None) -> Response | None:
    """A stored status-0 document blocks new ones (409), unless this is its retry."""
    pending = [r for r in records(box, fam) if r["status"] == 0]
    if not pending:
        return None
    first = pending[0]
    if first["awaiting_retry"] and first["reference_code"] == reference:
        first.update(status=1, awaiting_retry=False)
        first["data"][fam.header].update(status=1, validated=stamp(box.now()))
        box.note_processed(fam.name, reference)
        box.maybe_email(first)
        return created(first, view)
    return Response(409, fam.pending)


def next_number(box, rng: dict) -> int:
    """Consume the range's next consecutive."""
    stored = box.state.range_by_id(rng["id"])
    sequence = stored["current"]
    stored["current"] += 1
    stored["updated_at"] = box.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    return sequence


def next_id(box, fam: Family) -> int:
    if fam is BILLS:
        box.state.next_bill_id += 1
        return box.state.next_bill_id - 1
    ids = box.state.next_ids
    ids[fam.name] = ids.get(fam.name, 0) + 1
    return ids[fam.name]


def store(
    box, fam: Family, data: dict, rng: dict, sequence: int, outcome: tuple, view: View | None = None
) -> Response:
    """Keep the rendered document with its DIAN outcome and answer like Factus."""
    result, rejections, notes = outcome
    header = data[fam.header]
    record = {
        "id": header["id"],
        "number": header["number"],
        "reference_code": header["reference_code"],
        "prefix": rng["prefix"],
        "sequence": sequence,
        "issue_date": box.now().date().isoformat(),
        "status": 1,
        "rejected": False,
        "awaiting_retry": False,
        "events": [],
        "data": data,
    }
    if fam is not BILLS:
        record["family"] = fam.name
    header["errors"] = list(notes) + list(rejections.values())
    if result != "validated":
        record.update(status=0, rejected=result == "rejected", awaiting_retry=result == "pending")
        header.update(status=0, validated=None)
    records(box, fam).append(record)
    box.note_processed(fam.name, record["reference_code"])
    if result == "rejected":
        body = {"message": REJECTED_MESSAGE, "errors": rejections}
        return Response(422, {"status": "Validation error", "message": REJECTED_MESSAGE, "data": body})
    if result == "validated":
        box.maybe_email(record)
    return created(record, view)


def _party(record: dict) -> dict:
    return record["data"][of(record).party]


FILTERS = {
    "identification": lambda r, v: v in _party(r)["identification"],
    "names": lambda r, v: fold(v) in fold(_party(r)["graphic_representation_name"] or ""),
    "number": lambda r, v: fold(v) in fold(r["number"]),
    "prefix": lambda r, v: fold(r["prefix"]) == fold(v),
    "reference_code": lambda r, v: r["reference_code"] == v,
    "status": lambda r, v: str(r["status"]) == v.strip(),
}


def list_documents(box, request: Request, fam: Family, row: View) -> Response:
    """Newest first, ``filter[...]`` of API.md §3.4, 10 per page."""
    found = list(reversed(records(box, fam)))
    for name, match in FILTERS.items():
        value = request.query.get(f"filter[{name}]", "")
        if value != "":
            found = [r for r in found if match(r, value)]
    page = paginate(
        [row(r) for r in found],
        request.query.get("page"),
        f"{request.base_url}{fam.url}",
        page_keys=fam is not BILLS,
    )
    return ok(page)


def find(box, fam: Family, number: str) -> tuple[dict | None, Response | None]:
    record = next((r for r in records(box, fam) if r["number"] == number), None)
    if record is None:
        return None, not_found(f"No se encontró el documento {number}")
    return record, None


def show(box, fam: Family, number: str, view: View) -> Response:
    record, missing = find(box, fam, number)
    return missing or ok(view(record["data"]))


def destroy(box, fam: Family, ref: str) -> Response:
    """Only a document DIAN has not validated can be deleted; its number is not reused."""
    record = next((r for r in records(box, fam) if r["reference_code"] == ref), None)
    if record is None:
        return not_found(f"No se encontró el documento con código de referencia {ref}")
    if record["status"] == 1:
        return conflict(f"Documento con código de referencia {ref} se encuentra validado")
    records(box, fam).remove(record)
    return ok(message=f"Documento con código de referencia {ref} eliminado con éxito")
