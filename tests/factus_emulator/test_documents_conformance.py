"""Credit notes, support documents, adjustment notes: each documented fixture vs. the emulator."""

import base64
from xml.etree import ElementTree as ET

import pytest

from .conftest import fixture
from .documents import (
    adjustment_note,
    credit_note,
    make_bill,
    make_support_document,
    post,
    support_document,
)
from .shape import assert_same_shape

HEX96 = 96


@pytest.fixture
def note(api):
    """A validated credit note made from the documented request (NC1)."""
    bill = make_bill(api)
    response = post(api, "credit-notes", credit_note(bill["id"]))
    assert response.status_code == 201, response.text
    return response.json()["data"]


def test_credit_note_validate_201(api):
    bill = make_bill(api)
    response = post(api, "credit-notes", credit_note(bill["id"]))
    assert response.status_code == 201
    body, expected = response.json(), fixture("credit-notes-validate-response")
    assert_same_shape(body, expected)
    assert list(body["data"]) == list(expected["data"])
    assert list(body["data"]["credit_note"]) == list(expected["data"]["credit_note"])
    assert body["message"] == expected["message"]
    cn = body["data"]["credit_note"]
    assert (cn["number"], cn["bill_id"], cn["number_bill"]) == ("NC1", bill["id"], bill["number"])
    assert cn["cufe"] == bill["cufe"] and len(cn["cude"]) == HEX96 and cn["qr"].endswith(cn["cude"])
    # Totals are the bill machinery's: 80 000 tax-included at 19 %.
    assert (cn["gross_value"], cn["tax_amount"], cn["total"]) == ("67226.89", "12773.11", "80000.00")
    assert cn["correction_concept"] == {"code": "2", "name": "Anulación de factura electrónica"}


def test_credit_note_customer_copied_from_the_bill(api):
    bill = make_bill(api)
    payload = credit_note(bill["id"])
    del payload["customer"], payload["establishment"]
    data = post(api, "credit-notes", payload).json()["data"]
    shown = api.get(f"/v1/bills/show/{bill['number']}").json()["data"]
    assert data["customer"] == shown["customer"]
    assert data["establishment"] == shown["establishment"]


def test_credit_note_list(api, note):
    for n in range(2):
        assert (
            post(api, "credit-notes", credit_note(note["credit_note"]["bill_id"], f"R{n}")).status_code == 201
        )
    body = api.get("/v1/credit-notes").json()
    assert_same_shape(body, fixture("credit-notes-list-response"))
    assert [r["number"] for r in body["data"]["data"]] == ["NC3", "NC2", "NC1"]
    filtered = api.get("/v1/credit-notes", params={"filter[reference_code]": "R0"}).json()
    assert [r["number"] for r in filtered["data"]["data"]] == ["NC2"]


def test_credit_note_show(api, note):
    body = api.get("/v1/credit-notes/NC1").json()
    assert_same_shape(body, fixture("credit-notes-show-response"))
    assert list(body["data"]) == list(fixture("credit-notes-show-response")["data"])


@pytest.mark.parametrize("kind", ["pdf", "xml"])
def test_credit_note_downloads(api, note, kind):
    body = api.get(f"/v1/credit-notes/download-{kind}/NC1").json()
    assert_same_shape(body, fixture(f"credit-notes-download-{kind}-response"))
    assert body["data"]["file_name"].startswith("nc0900825759000")
    raw = base64.b64decode(body["data"][f"{kind}_base_64_encoded"])
    if kind == "pdf":
        assert raw.startswith(b"%PDF-")
    else:
        root = ET.fromstring(raw)  # noqa: S314
        assert root.tag.endswith("CreditNote")
        assert note["credit_note"]["cude"] in {el.text for el in root.iter()}


def test_credit_note_email(api, note):
    sent = api.post("/v1/credit-notes/send-email/NC1", json=fixture("credit-notes-send-email-request"))
    assert sent.json() == fixture("credit-notes-send-email-response")
    assert api.get("/_emulator/outbox").json()[-1]["attachments"][0].startswith("nc")
    content = api.get("/v1/credit-notes/NC1/email-content").json()
    assert_same_shape(content, fixture("credit-notes-email-content-response"))
    assert content["data"]["subject"] == "900825759;ALAN TURING;NC1;91;ALAN TURING"


def test_credit_note_delete(api):
    bill = make_bill(api)
    assert (
        post(
            api,
            "credit-notes",
            credit_note(
                bill["id"], "6", customer={**credit_note(1)["customer"], "identification": "3333333333"}
            ),
        ).status_code
        == 201
    )
    response = api.delete("/v1/credit-notes/reference/6")
    assert response.json() == fixture("credit-notes-delete-response")


def test_support_document_validate_201(api):
    response = post(api, "support-documents", support_document())
    assert response.status_code == 201
    body, expected = response.json(), fixture("support-documents-validate-response")
    assert_same_shape(body, expected)
    assert list(body["data"]) == list(expected["data"])
    assert list(body["data"]["support_document"]) == list(expected["data"]["support_document"])
    data = body["data"]
    # The documented numbers: excluded lines, 20 % off 50 000, ReteRenta 3.5 % of 40 000.
    assert [(i["gross_value"], i["discount"], i["tax_rate"], i["is_excluded"]) for i in data["items"]] == [
        ("40000.00", "10000.00", "0.00", 1),
        ("50000.00", "0.00", "0.00", 1),
    ]
    assert data["withholding_taxes"] == expected["data"]["withholding_taxes"]
    header = data["support_document"]
    assert (header["number"], header["total"]) == ("SEDS984000001", "90000.00")
    assert len(header["cuds"]) == HEX96
    assert data["provider"]["identification_document"] == {"id": 6, "code": "31", "name": "NIT"}
    assert data["provider"]["country"] == {"id": 46, "code": "CO", "name": "Colombia"}


def test_support_document_list_show_downloads_delete(api):
    make_support_document(api)
    listed = api.get("/v1/support-documents", params={"filter[number]": "SEDS984000001"})
    assert_same_shape(listed.json(), fixture("support-documents-list-response"))
    shown = api.get("/v1/support-documents/show/SEDS984000001").json()
    assert_same_shape(shown, fixture("support-documents-show-response"))
    assert list(shown["data"]["support_document"]) == list(
        fixture("support-documents-show-response")["data"]["support_document"]
    )
    for kind in ("pdf", "xml"):
        body = api.get(f"/v1/support-documents/download-{kind}/SEDS984000001").json()
        assert_same_shape(body, fixture(f"support-documents-download-{kind}-response"))
        assert body["data"]["file_name"].startswith("ds")
    post(api, "support-documents", support_document("slow", identification="3333333333"))
    deleted = api.delete("/v1/support-documents/reference/slow").json()
    assert_same_shape(deleted, fixture("support-documents-delete-response"))
    assert deleted["message"] == "Documento con código de referencia slow eliminado con éxito"


def test_adjustment_note_lifecycle(api):
    document = make_support_document(api)
    response = post(api, "adjustment-notes", adjustment_note(document["id"]))
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    note = data["adjustment_note"]
    assert (note["number"], note["support_document_id"], note["cuds_support_document"]) == (
        "NDA1",
        document["id"],
        document["cuds"],
    )
    assert len(note["cuds"]) == HEX96 and note["total"] == "90000.00"
    assert data["provider"]["identification"] == "123456789"
    # The docs' example is v2-style: only the envelope and the CUDS agree with it.
    expected = fixture("adjustment-notes-validate-response")
    assert set(response.json()) == set(expected)
    assert {"company", "provider", "items", "withholding_taxes"} <= set(data) & set(expected["data"])
    assert api.get("/v1/adjustment-notes/NDA1").json()["data"] == data
    assert api.get("/v1/adjustment-notes").json()["data"]["data"][0]["number"] == "NDA1"
    for kind in ("pdf", "xml"):
        body = api.get(f"/v1/adjustment-notes/download-{kind}/NDA1").json()
        assert body["data"]["file_name"].startswith("na")


def test_adjustment_note_v2_example_is_refused_with_e3(api):
    response = post(api, "adjustment-notes", fixture("adjustment-notes-validate-request"))
    assert response.status_code == 422
    errors = response.json()["data"]["errors"]
    assert errors["support_document_id"] == ["El campo support document id es obligatorio."]
