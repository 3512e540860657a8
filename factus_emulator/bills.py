"""Bill endpoints: create/validate, list, show, delete (API.md §3)."""

from __future__ import annotations

from . import lifecycle
from .families import BILLS
from .render import build_bill
from .shapes import bill_view
from .state import with_expiry
from .validation import validate_bill
from .wire import Request, Response


def dian_outcome(customer: dict) -> tuple[str, dict, list[str]]:
    """Bills use the customer triggers with the ``F`` (factura) rule codes."""
    return lifecycle.dian_outcome(customer, BILLS.rule_prefix)


def create(box, request: Request) -> Response:
    state, now = box.state, box.now()
    payload = request.json()
    taken = lifecycle.taken_references(box, BILLS)
    ranges = [with_expiry(r, now.date()) for r in state.ranges]
    errors, rng = validate_bill(payload, box.cat, ranges, taken)
    if errors:
        return lifecycle.validation_error(box, BILLS, errors.by_key)
    view = bill_view(box.answer_shape, request.base_url)
    blocked = lifecycle.pending_gate(box, BILLS, str(payload["reference_code"]), view)
    if blocked:
        return blocked
    sequence = lifecycle.next_number(box, rng)
    data = build_bill(
        box.cat, payload, rng, bill_id=lifecycle.next_id(box, BILLS), sequence=sequence, now=now
    )
    return lifecycle.store(box, BILLS, data, rng, sequence, dian_outcome(payload["customer"]), view)


def list_bills(box, request: Request) -> Response:
    return lifecycle.list_documents(box, request, BILLS, _row)


def _row(record: dict) -> dict:
    data = record["data"]
    bill, customer = data["bill"], data["customer"]
    return {
        "id": bill["id"],
        "document": bill["document"],
        "number": bill["number"],
        "api_client_name": "Factus Emulator",
        "reference_code": bill["reference_code"],
        "identification": customer["identification"],
        "graphic_representation_name": customer["graphic_representation_name"],
        "company": customer["company"],
        "trade_name": customer["trade_name"],
        "names": customer["names"],
        "email": customer["email"],
        "total": bill["total"],
        "status": bill["status"],
        "errors": bill["errors"],
        "send_email": bill["send_email"],
        "has_claim": bill["has_claim"],
        "is_negotiable_instrument": bill["is_negotiable_instrument"],
        "payment_form": bill["payment_form"],
        "created_at": bill["created_at"],
        "credit_notes": data["credit_notes"],
        "debit_notes": data["debit_notes"],
    }


def find(box, number: str) -> tuple[dict | None, Response | None]:
    return lifecycle.find(box, BILLS, number)


def show(box, request: Request) -> Response:
    view = bill_view(box.answer_shape, request.base_url, show=True)
    return lifecycle.show(box, BILLS, request.params["number"], view)


def destroy(box, request: Request) -> Response:
    return lifecycle.destroy(box, BILLS, request.params["reference"])
