"""Each documented response fixture vs. the emulator's answer to the documented request."""

import base64
from xml.etree import ElementTree as ET

import pytest

from factus_emulator import Sandbox
from factus_emulator.state import seed_ranges

from .conftest import docs_bill, fixture, nit_customer, seed_bill
from .shape import assert_same_shape


def test_shape_helper_catches_differences():
    with pytest.raises(AssertionError):
        assert_same_shape({"a": "1"}, {"a": 1})
    with pytest.raises(AssertionError):
        assert_same_shape({"a": 1, "b": 2}, {"a": 1})
    with pytest.raises(AssertionError):
        assert_same_shape([{"a": True}], [{"a": 0}])
    assert_same_shape({"a": "x"}, {"a": None})


@pytest.mark.parametrize("name", ["oauth-token-response", "oauth-refresh-response"])
def test_oauth_grants(wire, name):
    grant = wire.token()
    if name == "oauth-refresh-response":
        grant = wire.token(grant_type="refresh_token", refresh_token=grant.json()["refresh_token"])
    assert grant.status_code == 200
    assert_same_shape(grant.json(), fixture(name))
    assert grant.json()["expires_in"] == 3600


def test_validate_201(api):
    response = api.validate(docs_bill())
    assert response.status_code == 201
    body = response.json()
    assert_same_shape(body, fixture("bills-validate-response"))
    assert list(body["data"]) == list(fixture("bills-validate-response")["data"])
    assert list(body["data"]["bill"]) == list(fixture("bills-validate-response")["data"]["bill"])
    assert body["message"] == fixture("bills-validate-response")["message"]


def test_list(api):
    for n in range(12):
        assert api.validate(seed_bill(f"L{n}")).status_code == 201
    body = api.get("/v1/bills").json()
    assert_same_shape(body, fixture("bills-list-response"))
    assert len(body["data"]["data"]) == 10
    assert body["data"]["pagination"]["links"][0]["label"] == "&laquo; Anterior"
    assert body["data"]["pagination"]["links"][-1] == {
        "url": "http://factus.test/v1/bills?page=2",
        "label": "Siguiente &raquo;",
        "active": False,
    }


def test_show(api):
    number = api.validate(docs_bill()).json()["data"]["bill"]["number"]
    expected = fixture("bills-show-response")
    # Docs drift: the show example writes this code as a number, the 201 example as a string.
    expected["data"]["establishment"]["municipality_id"]["code"] = "68872"
    body = api.get(f"/v1/bills/show/{number}").json()
    assert_same_shape(body["data"], expected["data"])
    assert (body["status"], body["message"]) == ("OK", "Solicitud exitosa")


def test_delete(api):
    api.validate(seed_bill("pend-1", identification="3333333333"))
    response = api.delete("/v1/bills/destroy/reference/pend-1")
    assert response.status_code == 200
    assert_same_shape(response.json(), fixture("bills-delete-response"))
    assert response.json()["message"] == "Documento con código de referencia pend-1 eliminado con éxito"


def test_send_email_and_email_content(api):
    number = api.validate(docs_bill()).json()["data"]["bill"]["number"]
    sent = api.post(f"/v1/bills/send-email/{number}", json=fixture("bills-send-email-request"))
    assert sent.status_code == 200
    assert sent.json() == fixture("bills-send-email-response")
    content = api.get(f"/v1/bills/{number}/email-content").json()
    assert_same_shape(content, fixture("bills-email-content-response"))
    assert content["data"]["subject"] == f"900825759;ALAN TURING;{number};01;ALAN TURING"
    assert base64.b64decode(content["data"]["attached_document"])[:2] == b"PK"


def test_radian_events(api):
    number = api.validate(docs_bill()).json()["data"]["bill"]["number"]
    assert api.get(f"/v1/bills/{number}/radian/events").json()["data"] == []
    for code in ("030", "032", "033"):
        assert (
            api.post(f"/_emulator/bills/{number}/radian-events", json={"event_code": code}).status_code == 201
        )
    body = api.get(f"/v1/bills/{number}/radian/events").json()
    assert_same_shape(body, fixture("bills-radian-events-response"))
    assert [e["event_code"] for e in body["data"]] == ["030", "032", "033"]


def test_radian_events_unknown_bill(api):
    response = api.get("/v1/bills/SETP9900002964/radian/events")
    assert response.status_code == 404
    assert response.json() == fixture("error-404-not-found-bill-events")


def test_download_pdf(api):
    number = api.validate(docs_bill()).json()["data"]["bill"]["number"]
    body = api.get(f"/v1/bills/download-pdf/{number}").json()
    assert_same_shape(body, fixture("download-pdf-response"))
    assert body["data"]["file_name"] == "fv09008257590002500000001"
    pdf = base64.b64decode(body["data"]["pdf_base_64_encoded"])
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def test_download_xml(api):
    created = api.validate(docs_bill()).json()["data"]["bill"]
    body = api.get(f"/v1/bills/download-xml/{created['number']}").json()
    assert_same_shape(body, fixture("download-xml-response"))
    root = ET.fromstring(base64.b64decode(body["data"]["xml_base_64_encoded"]))  # noqa: S314
    texts = {el.text for el in root.iter()}
    assert created["number"] in texts and created["cufe"] in texts and "99000.00" in texts


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/v1/municipalities", "municipalities-response"),
        ("/v1/tributes/products", "tributes-products-response"),
        ("/v1/measurement-units", "measurement-units-response"),
        ("/v1/countries", "countries-response"),
        ("/v1/numbering-ranges", "numbering-ranges-response"),
        ("/v1/numbering-ranges/8", "numbering-range-show-response"),
        ("/v1/company", "company-response"),
    ],
)
def test_lookups(api, path, name):
    response = api.get(path)
    assert response.status_code == 200
    assert_same_shape(response.json(), fixture(name))


def test_lookup_catalogue_sizes(api):
    assert len(api.get("/v1/municipalities").json()["data"]) == 1122
    assert api.get("/v1/tributes/products").json() == fixture("tributes-products-response")
    assert api.get("/v1/company").json() == fixture("company-response")
    units = {u["id"]: u for u in api.get("/v1/measurement-units").json()["data"]}
    assert all(units[u["id"]] == u for u in fixture("measurement-units-response")["data"])
    first_100 = api.get("/v1/municipalities").json()["data"][:100]
    assert first_100 == fixture("municipalities-response")["data"]


def test_acquirer(api):
    response = api.get(
        "/v1/dian/acquirer", params={"identification_document_id": 3, "identification_number": "1399995"}
    )
    assert response.json() == fixture("acquirer-response")


def test_error_409_pending(api):
    api.validate(seed_bill("pend", identification="3333333333"))
    response = api.validate(seed_bill("other"))
    assert response.status_code == 409
    assert response.json() == fixture("error-409")


def test_error_422_fields(clock):
    second = {**seed_ranges()[0], "id": 30, "prefix": "FV2"}
    sandbox = Sandbox(clock=clock, ranges=[*seed_ranges(), second])
    payload = docs_bill()
    del payload["reference_code"], payload["numbering_range_id"]
    del payload["items"][0]["quantity"]
    status, _, body = _call(sandbox, payload)
    assert status == 422
    import json

    assert json.loads(body) == fixture("error-422")


def test_error_422_dian_rejection(api):
    response = api.validate(seed_bill("nit-bad", **nit_customer("900825759", "3")))
    assert response.status_code == 422
    assert_same_shape(response.json(), fixture("error-422-dian-rejection"))
    assert response.json()["data"]["errors"] == {
        "FAK24": "Regla: FAK24, Rechazo: El DV del NIT no es correcto"
    }


def test_error_e4(api):
    api.validate(seed_bill("pend", identification="3333333333"))
    pending = api.get("/v1/bills", params={"filter[status]": 0}).json()["data"]["data"][0]
    for kind in ("pdf", "xml"):
        response = api.get(f"/v1/bills/download-{kind}/{pending['number']}")
        assert response.status_code == 409
        assert_same_shape(response.json(), fixture("credit-notes-error-409-download-pdf-not-validated"))
        assert response.json()["message"] == f"El documento {pending['number']} no ha sido validado"
    missing = api.get("/v1/bills/show/SETP1")
    assert missing.status_code == 404
    assert missing.json() == {"status": "Not Found", "message": "No se encontró el documento SETP1"}
    assert_same_shape(missing.json(), fixture("credit-notes-error-404-show"))


def test_delete_errors(api):
    api.validate(seed_bill("5"))
    validated = api.delete("/v1/bills/destroy/reference/5")
    assert validated.status_code == 409
    assert validated.json() == {
        "status": "Conflict",
        "message": "Documento con código de referencia 5 se encuentra validado",
    }
    assert_same_shape(validated.json(), fixture("credit-notes-error-409-delete-validated"))
    unknown = api.delete("/v1/bills/destroy/reference/644")
    assert unknown.status_code == 404
    assert unknown.json() == {
        "status": "Not Found",
        "message": "No se encontró el documento con código de referencia 644",
    }


def _call(sandbox, payload):
    import json
    import urllib.parse

    from factus_emulator import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME

    form = urllib.parse.urlencode(
        {
            "grant_type": "password",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "username": USERNAME,
            "password": PASSWORD,
        }
    ).encode()
    _, _, grant = sandbox.handle(
        "POST", "/oauth/token", {"Content-Type": "application/x-www-form-urlencoded"}, form
    )
    token = json.loads(grant)["access_token"]
    return sandbox.handle(
        "POST",
        "/v1/bills/validate",
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        json.dumps(payload).encode(),
    )
