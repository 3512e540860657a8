"""Documented requests of the other families, tuned to the emulator's seed."""

import copy

from .conftest import fixture, seed_bill


def make_bill(api, reference: str = "bill-for-nc") -> dict:
    response = api.validate(seed_bill(reference))
    assert response.status_code == 201
    return response.json()["data"]["bill"]


def credit_note(bill_id, reference: str = "5", **overrides) -> dict:
    """The documented request on the seed's credit-note range (9) and an existing bill."""
    payload = fixture("credit-notes-validate-request")
    payload.update(numbering_range_id=9, bill_id=bill_id, reference_code=reference)
    payload.update(overrides)
    return payload


def support_document(reference: str = "REF0017", **provider) -> dict:
    payload = fixture("support-documents-validate-request")
    payload["reference_code"] = reference
    payload["provider"] = {**copy.deepcopy(payload["provider"]), **provider}
    return payload


def adjustment_note(support_document_id, reference: str = "AN-1", **overrides) -> dict:
    """The v1 field table (the docs' JSON example is v2-style, see docs/emulator.md)."""
    items = fixture("support-documents-validate-request")["items"]
    payload = {
        "reference_code": reference,
        "numbering_range_id": 149,
        "support_document_id": support_document_id,
        "correction_concept_code": 2,
        "payment_method_code": "10",
        "observation": "",
        "items": items,
    }
    payload.update(overrides)
    return payload


def post(api, family: str, payload: dict):
    return api.post(f"/v1/{family}/validate", json=payload)


def make_support_document(api, reference: str = "REF0017") -> dict:
    response = post(api, "support-documents", support_document(reference))
    assert response.status_code == 201, response.text
    return response.json()["data"]["support_document"]
