"""Support documents (API.md §4.2) and their adjustment notes (§4.3).

Both answer field errors with envelope E3 and a pending document with the short 409.
"""

from __future__ import annotations

from . import lifecycle
from .families import ADJUSTMENT_NOTES, SUPPORT_DOCUMENTS, of
from .notes_validation import validate_adjustment_note, validate_support_document
from .render_notes import build_adjustment_note, build_support_document, support_document_created
from .state import with_expiry
from .wire import Request, Response


def _ranges(box) -> list[dict]:
    return [with_expiry(r, box.now().date()) for r in box.state.ranges]


def create_support_document(box, request: Request) -> Response:
    fam, payload = SUPPORT_DOCUMENTS, request.json()
    errors, rng = validate_support_document(
        payload, box.cat, _ranges(box), lifecycle.taken_references(box, fam)
    )
    if errors:
        return lifecycle.validation_error(box, fam, errors.by_key)
    blocked = lifecycle.pending_gate(box, fam, str(payload["reference_code"]), support_document_created)
    if blocked:
        return blocked
    sequence = lifecycle.next_number(box, rng)
    data = build_support_document(
        box.cat, payload, rng, now=box.now(), sequence=sequence, doc_id=lifecycle.next_id(box, fam)
    )
    outcome = lifecycle.dian_outcome(payload["provider"], fam.rule_prefix, payload.get("observation"))
    return lifecycle.store(box, fam, data, rng, sequence, outcome, support_document_created)


def create_adjustment_note(box, request: Request) -> Response:
    fam, payload = ADJUSTMENT_NOTES, request.json()
    errors, rng, document = validate_adjustment_note(
        payload,
        box.cat,
        _ranges(box),
        lifecycle.taken_references(box, fam),
        lifecycle.records(box, SUPPORT_DOCUMENTS),
    )
    if errors:
        return lifecycle.validation_error(box, fam, errors.by_key)
    blocked = lifecycle.pending_gate(box, fam, str(payload["reference_code"]))
    if blocked:
        return blocked
    sequence = lifecycle.next_number(box, rng)
    data = build_adjustment_note(
        box.cat, payload, rng, document, now=box.now(), sequence=sequence, doc_id=lifecycle.next_id(box, fam)
    )
    # The provider is the support document's: its triggers apply, plus the observation ones.
    outcome = lifecycle.dian_outcome(data["provider"], fam.rule_prefix, payload.get("observation"))
    return lifecycle.store(box, fam, data, rng, sequence, outcome)


def _row(record: dict) -> dict:
    data = record["data"]
    header = data[of(record).header]
    provider = data["provider"]
    row = {
        "id": header["id"],
        "number": header["number"],
        "api_client_name": "Factus Emulator",
        "reference_code": header["reference_code"],
        "identification": provider["identification"],
        "graphic_representation_name": provider["graphic_representation_name"],
        "trade_name": provider["trade_name"],
        "names": provider["names"],
        "email": provider["email"],
        "total": header["total"],
        "status": header["status"],
        "errors": header["errors"],
        "created_at": header["created_at"],
    }
    if "adjustment_notes" in data:
        row["adjustment_notes"] = data["adjustment_notes"]
    return row


def list_support_documents(box, request: Request) -> Response:
    return lifecycle.list_documents(box, request, SUPPORT_DOCUMENTS, _row)


def list_adjustment_notes(box, request: Request) -> Response:
    return lifecycle.list_documents(box, request, ADJUSTMENT_NOTES, _row)


def show_support_document(box, request: Request) -> Response:
    return lifecycle.show(box, SUPPORT_DOCUMENTS, request.params["number"], dict)


def show_adjustment_note(box, request: Request) -> Response:
    return lifecycle.show(box, ADJUSTMENT_NOTES, request.params["number"], dict)


def destroy_support_document(box, request: Request) -> Response:
    return lifecycle.destroy(box, SUPPORT_DOCUMENTS, request.params["reference"])


def destroy_adjustment_note(box, request: Request) -> Response:
    return lifecycle.destroy(box, ADJUSTMENT_NOTES, request.params["reference"])
