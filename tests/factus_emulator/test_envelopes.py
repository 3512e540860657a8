"""API.md §1.4: every error envelope is produced by the case that documents it."""

import pytest
import requests
import responses

from factus_emulator import Sandbox
from factus_emulator.state import seed_ranges
from factus_emulator.testing import register

from .conftest import BASE, Api, docs_bill, fixture, nit_customer, seed_bill
from .documents import (
    adjustment_note,
    credit_note,
    make_bill,
    make_support_document,
    post,
    support_document,
)
from .shape import assert_same_shape

SLOW = {"identification": "3333333333"}
REJECTED = "error-422-dian-rejection"


def _customer(**fields) -> dict:
    return {**credit_note(1)["customer"], **fields}


@pytest.fixture
def api_at(clock):
    """An api whose ranges start at the documented numbers (NC82) and has a second bill range."""

    def make(**currents):
        ranges = seed_ranges()
        for rng in ranges:
            rng["current"] = currents.get(rng["prefix"], rng["current"])
        second = {**seed_ranges()[0], "id": 30, "prefix": "FV2"}
        sandbox = Sandbox(clock=clock, ranges=[*ranges, second])
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        mock.start()
        register(mock, sandbox, BASE)
        api = Api(requests.Session())
        api.login()
        return api, mock

    made = []
    yield lambda **currents: made.append(make(**currents)) or made[-1][0]
    for _, mock in made:
        mock.stop()
        mock.reset()


# -- E1: 409 with the errors[] array -------------------------------------------------------


def test_e1_bills(api):
    api.validate(seed_bill("pend", **SLOW))
    response = api.validate(seed_bill("other"))
    assert (response.status_code, response.json()) == (409, fixture("error-409"))


def test_e1_credit_notes(api):
    bill = make_bill(api)
    assert (
        post(api, "credit-notes", credit_note(bill["id"], "p", customer=_customer(**SLOW))).status_code == 201
    )
    response = post(api, "credit-notes", credit_note(bill["id"], "q"))
    assert (response.status_code, response.json()) == (409, fixture("credit-notes-error-409"))
    retried = post(api, "credit-notes", credit_note(bill["id"], "p", customer=_customer(**SLOW)))
    assert retried.status_code == 201 and retried.json()["data"]["credit_note"]["status"] == 1


# -- E2: Laravel's 422 -------------------------------------------------------------------


def test_e2_bills(api_at):
    api = api_at()  # two active bill ranges: numbering_range_id becomes required
    payload = docs_bill()
    del payload["reference_code"], payload["numbering_range_id"]
    del payload["items"][0]["quantity"]
    response = api.validate(payload)
    assert (response.status_code, response.json()) == (422, fixture("error-422"))


def test_e2_credit_notes(api):
    """The documented 422: invalid range, customization, bill, payment method; no code."""
    payload = credit_note(514, numbering_range_id=5, customization_id=21, payment_method_code="99")
    del payload["items"][0]["code_reference"]
    response = post(api, "credit-notes", payload)
    assert (response.status_code, response.json()) == (422, fixture("credit-notes-error-422"))


def test_e2_credit_note_rules(api):
    bill = make_bill(api)
    payload = credit_note(None, customization_id=22, reference_code="")
    del payload["bill_id"], payload["customer"]
    errors = post(api, "credit-notes", payload).json()["errors"]
    assert errors == {
        "reference_code": ["El campo código de referencia es obligatorio."],
        "billing_period": ["El campo billing period es obligatorio cuando Tipo de nota crédito es 22."],
        "customer": ["El campo customer es obligatorio cuando Tipo de nota crédito es 22."],
    }
    missing_bill = credit_note(None)
    del missing_bill["bill_id"]
    assert post(api, "credit-notes", missing_bill).json()["errors"] == {
        "bill_id": ["El campo bill id es obligatorio cuando Tipo de nota crédito es 20."]
    }
    pending = make_bill_pending(api)
    assert post(api, "credit-notes", credit_note(pending)).json()["errors"] == {
        "bill_id": ["La factura seleccionada no existe."]
    }
    assert bill["status"] == 1


def make_bill_pending(api) -> int:
    api.validate(seed_bill("slow-bill", **SLOW))
    return api.get("/v1/bills", params={"filter[status]": 0}).json()["data"]["data"][0]["id"]


# -- E3: 422 "Error de validación" of the support families ------------------------------------


def test_e3_support_documents(api):
    payload = support_document()
    del payload["reference_code"], payload["provider"]["address"]
    response = post(api, "support-documents", payload)
    assert (response.status_code, response.json()) == (422, fixture("support-documents-error-422"))


def test_e3_support_document_provider_rules(api):
    payload = support_document(identification_document_id=3, country_code="XX", dv=None)
    errors = post(api, "support-documents", payload).json()["data"]["errors"]
    assert errors == {
        "provider.identification_document_id": ["El campo provider.identification document id es inválido."],
        "provider.country_code": ["El campo provider.country code es inválido."],
    }
    no_dv = support_document(dv=None)
    assert post(api, "support-documents", no_dv).json()["data"]["errors"] == {
        "provider.dv": [
            "El campo provider.dv es obligatorio cuando provider.identification document id es 6."
        ]
    }


def test_e3_adjustment_notes(api):
    payload = adjustment_note(None)
    del payload["reference_code"], payload["support_document_id"]
    response = post(api, "adjustment-notes", payload)
    assert (response.status_code, response.json()) == (422, fixture("adjustment-notes-error-422"))
    unknown = post(api, "adjustment-notes", adjustment_note(99)).json()["data"]["errors"]
    assert unknown == {"support_document_id": ["El campo support document id es inválido."]}


# -- E3b: DIAN rejection -----------------------------------------------------------------


@pytest.mark.parametrize("family", ["bills", "credit-notes", "support-documents", "adjustment-notes"])
def test_e3b_dian_rejection(api, family):
    if family == "bills":
        response = api.validate(seed_bill("nit-bad", **nit_customer("900825759", "3")))
        expected = {"FAK24": "Regla: FAK24, Rechazo: El DV del NIT no es correcto"}
    elif family == "credit-notes":
        bill = make_bill(api)
        customer = _customer(**nit_customer("900825759", "3"))
        response = post(api, family, credit_note(bill["id"], customer=customer))
        expected = {"CAK24": "Regla: CAK24, Rechazo: El DV del NIT no es correcto"}
    elif family == "support-documents":
        response = post(api, family, support_document(dv=3))
        expected = {"DSAK24": "Regla: DSAK24, Rechazo: El DV del NIT no es correcto"}
    else:  # the provider is the support document's: the observation trigger rejects
        document = make_support_document(api)
        response = post(api, family, adjustment_note(document["id"], observation="emulator:rechazo"))
        expected = {
            "NSAB05b": "Regla: NSAB05b, Rechazo: El adquiriente no está habilitado "
            "para recibir facturas electrónicas"
        }
    assert response.status_code == 422
    body, documented = response.json(), fixture(REJECTED)
    # Same envelope as the documented FAK24 body; the keys are each family's rule codes.
    assert_same_shape({**body, "data": {**body["data"], "errors": documented["data"]["errors"]}}, documented)
    assert (body["status"], body["message"]) == (documented["status"], documented["message"])
    assert body["data"]["errors"] == expected
    # The rejected document stays (status 0) and blocks the next one until deleted.
    listed = api.get(f"/v1/{family}", params={"filter[status]": 0}).json()["data"]["data"]
    assert len(listed) == 1


# -- E4: short 404 / 409 ---------------------------------------------------------------


def test_e4_support_document_and_adjustment_note_pending_409(api):
    post(api, "support-documents", support_document("slow", **SLOW))
    response = post(api, "support-documents", support_document("next"))
    assert (response.status_code, response.json()) == (409, fixture("support-documents-error-409"))
    api.delete("/v1/support-documents/reference/slow")
    document = make_support_document(api)
    post(api, "adjustment-notes", adjustment_note(document["id"], "a", observation="emulator:pendiente"))
    response = post(api, "adjustment-notes", adjustment_note(document["id"], "b"))
    assert (response.status_code, response.json()) == (409, fixture("adjustment-notes-error-409"))


def test_e4_credit_notes_exact(api_at):
    """The documented credit-note 404/409 bodies, numbers included (range 9 at NC82)."""
    api = api_at(NC=82)
    bill = make_bill(api)
    assert api.get("/v1/credit-notes/NC72232").json() == fixture("credit-notes-error-404-show")
    missing = api.get("/v1/credit-notes/download-pdf/NC7222")
    assert (missing.status_code, missing.json()) == (404, fixture("credit-notes-error-404-download"))
    gone = api.delete("/v1/credit-notes/reference/644")
    assert (gone.status_code, gone.json()) == (404, fixture("credit-notes-error-404-delete"))
    post(api, "credit-notes", credit_note(bill["id"], "pend", customer=_customer(**SLOW)))
    pdf = api.get("/v1/credit-notes/download-pdf/NC82")
    assert (pdf.status_code, pdf.json()) == (
        409,
        fixture("credit-notes-error-409-download-pdf-not-validated"),
    )
    xml = api.get("/v1/credit-notes/download-xml/NC82")
    assert (xml.status_code, xml.json()) == (
        409,
        fixture("credit-notes-error-409-download-xml-not-validated"),
    )
    api.delete("/v1/credit-notes/reference/pend")
    assert post(api, "credit-notes", credit_note(bill["id"], "5")).status_code == 201
    validated = api.delete("/v1/credit-notes/reference/5")
    assert (validated.status_code, validated.json()) == (
        409,
        fixture("credit-notes-error-409-delete-validated"),
    )


@pytest.mark.parametrize(
    ("family", "show"),
    [
        ("bills", "/v1/bills/show/{n}"),
        ("support-documents", "/v1/support-documents/show/{n}"),
        ("adjustment-notes", "/v1/adjustment-notes/{n}"),
    ],
)
def test_e4_other_families(api, family, show):
    """Same bodies as the credit-note examples, with each family's numbers."""
    if family == "bills":
        api.validate(seed_bill("5"))
        api.validate(seed_bill("pend", **SLOW))
    elif family == "support-documents":
        make_support_document(api, "5")
        post(api, family, support_document("pend", **SLOW))
    else:
        document = make_support_document(api)
        post(api, family, adjustment_note(document["id"], "5"))
        post(api, family, adjustment_note(document["id"], "pend", observation="emulator:pendiente"))
    pending = api.get(f"/v1/{family}", params={"filter[status]": 0}).json()["data"]["data"][0]
    delete = f"/v1/{family}/destroy/reference" if family == "bills" else f"/v1/{family}/reference"
    assert api.get(show.format(n="X1")).json() == {
        "status": "Not Found",
        "message": "No se encontró el documento X1",
    }
    assert api.delete(f"{delete}/644").json() == fixture("credit-notes-error-404-delete")
    assert api.delete(f"{delete}/5").json() == fixture("credit-notes-error-409-delete-validated")
    conflict = api.get(f"/v1/{family}/download-pdf/{pending['number']}")
    assert (conflict.status_code, conflict.json()) == (
        409,
        {"status": "Conflict", "message": f"El documento {pending['number']} no ha sido validado"},
    )
