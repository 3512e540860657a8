"""Credit-note endpoints (API.md §4.1): validate, list, show, delete.

Downloads and e-mail are ``delivery.py``'s handlers bound to ``CREDIT_NOTES`` in core.py.
"""

from __future__ import annotations

from . import lifecycle
from .families import BILLS, CREDIT_NOTES
from .notes_validation import validate_credit_note
from .render_notes import build_credit_note, credit_note_created
from .state import with_expiry
from .wire import Request, Response


def create(box, request: Request) -> Response:
    now = box.now()
    payload = request.json()
    ranges = [with_expiry(r, now.date()) for r in box.state.ranges]
    errors, rng, bill = validate_credit_note(
        payload, box.cat, ranges, lifecycle.taken_references(box, CREDIT_NOTES), lifecycle.records(box, BILLS)
    )
    if errors:
        return lifecycle.validation_error(box, CREDIT_NOTES, errors.by_key)
    blocked = lifecycle.pending_gate(box, CREDIT_NOTES, str(payload["reference_code"]), credit_note_created)
    if blocked:
        return blocked
    sequence = lifecycle.next_number(box, rng)
    data = build_credit_note(
        box.cat, payload, rng, bill, now=now, sequence=sequence, doc_id=lifecycle.next_id(box, CREDIT_NOTES)
    )
    # The customer triggers apply to the note's customer, sent or copied from the bill.
    party = payload.get("customer") or data["customer"]
    outcome = lifecycle.dian_outcome(party, CREDIT_NOTES.rule_prefix, payload.get("observation"))
    return lifecycle.store(box, CREDIT_NOTES, data, rng, sequence, outcome, credit_note_created)


def _row(record: dict) -> dict:
    data = record["data"]
    note, customer = data["credit_note"], data["customer"]
    return {
        "id": note["id"],
        "api_client_name": "Factus Emulator",
        "reference_code": note["reference_code"],
        "number": note["number"],
        "identification": customer["identification"],
        "graphic_representation_name": customer["graphic_representation_name"],
        "company": customer["company"],
        "trade_name": customer["trade_name"],
        "names": customer["names"],
        "email": customer["email"],
        "total": note["total"],
        "status": note["status"],
        "errors": note["errors"],
        "send_email": note["send_email"],
        "created_at": note["created_at"],
    }


def list_notes(box, request: Request) -> Response:
    return lifecycle.list_documents(box, request, CREDIT_NOTES, _row)


def show(box, request: Request) -> Response:
    return lifecycle.show(box, CREDIT_NOTES, request.params["number"], dict)


def destroy(box, request: Request) -> Response:
    return lifecycle.destroy(box, CREDIT_NOTES, request.params["reference"])
