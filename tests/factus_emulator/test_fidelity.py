"""Behaviour found by running third-party Factus clients against the emulator."""

import pytest

from .conftest import fixture, seed_bill
from .documents import adjustment_note, post, support_document
from .shape import assert_same_shape

ALREADY_REGISTERED = "El campo código de referencia ya ha sido registrado."


# -- a non-numeric identification is a DIAN rejection --------------------------------------


def test_non_numeric_cedula_is_rejected_by_dian(api):
    response = api.validate(seed_bill("ABC", identification="ABC123", identification_document_id=3))
    assert response.json()["data"]["errors"] == {
        "FAK21": "Regla: FAK21, Rechazo: El número de identificación debe contener solo dígitos "
        "para el tipo de documento informado"
    }


def test_non_numeric_identification_rejection_is_a_422(api):
    response = api.validate(seed_bill("ABC", identification="ABC123"))
    assert response.status_code == 422


def test_non_numeric_nit_is_rejected_before_its_dv_is_checked(api):
    customer = {"identification": "90082575X", "identification_document_id": 6, "dv": "7"}
    response = api.validate(seed_bill("NIT", **customer))
    assert list(response.json()["data"]["errors"]) == ["FAK21"]


def test_rejected_non_numeric_document_is_kept_and_deletable(api):
    api.validate(seed_bill("ABC", identification="ABC123"))
    kept = api.get("/v1/bills", params={"filter[reference_code]": "ABC"}).json()["data"]["data"]
    assert [b["status"] for b in kept] == [0]
    assert api.delete("/v1/bills/destroy/reference/ABC").status_code == 200


def test_passport_may_carry_letters(api):
    response = api.validate(seed_bill("PAS", identification="AB123456", identification_document_id=7))
    assert response.status_code == 201


def test_support_document_provider_with_letters_is_rejected(api):
    response = post(api, "support-documents", support_document("DS-ABC", identification="X1"))
    assert list(response.json()["data"]["errors"]) == ["DSAK21"]


# -- send-email is limited per document ---------------------------------------------------


def _send(api, number):
    return api.post(f"/v1/bills/send-email/{number}", json={"email": "otro@cliente.co"})


def test_two_sends_per_document_are_accepted(api):
    number = api.validate(seed_bill()).json()["data"]["bill"]["number"]
    assert [_send(api, number).status_code for _ in range(2)] == [200, 200]


def test_third_send_within_a_day_is_refused(api):
    number = api.validate(seed_bill()).json()["data"]["bill"]["number"]
    _send(api, number), _send(api, number)
    third = _send(api, number)
    assert (third.status_code, third.json()["status"]) == (429, "Too Many Requests")


def test_refused_send_says_when_to_retry(api, clock):
    number = api.validate(seed_bill()).json()["data"]["bill"]["number"]
    _send(api, number)
    clock.advance(3600)
    api.login()  # the token died with the hour
    _send(api, number)
    assert _send(api, number).headers["Retry-After"] == str(23 * 3600)


def test_refused_send_is_not_delivered(api):
    number = api.validate(seed_bill()).json()["data"]["bill"]["number"]
    for _ in range(3):
        _send(api, number)
    assert len(api.get("/_emulator/outbox").json()) == 2


def test_sends_are_allowed_again_after_the_window(api, clock):
    number = api.validate(seed_bill()).json()["data"]["bill"]["number"]
    _send(api, number), _send(api, number)
    clock.advance(24 * 3600)
    api.login()
    assert _send(api, number).status_code == 200


def test_limit_is_per_document(api):
    first = api.validate(seed_bill("E-1")).json()["data"]["bill"]["number"]
    second = api.validate(seed_bill("E-2")).json()["data"]["bill"]["number"]
    _send(api, first), _send(api, first)
    assert _send(api, second).status_code == 200


# -- GET /v1/numbering-ranges/dian ----------------------------------------------------------


def test_dian_numbering_ranges_shape(api):
    body = api.get("/v1/numbering-ranges/dian").json()
    assert_same_shape(body, fixture("numbering-ranges-dian-response"))


def test_dian_numbering_ranges_list_the_bill_resolution(api):
    rows = api.get("/v1/numbering-ranges/dian").json()["data"]
    assert {
        "resolution_number": "18760000001",
        "prefix": "SETP",
        "from": "990000000",
        "to": "995000000",
        "start_date": "2019-01-19",
        "end_date": "2030-01-19",
        "technical_key": "fc8eac422eba16e22ffd8c6f94b3f40a6e38162c",
    } in rows


def test_dian_numbering_ranges_show_no_technical_key_as_empty_text(api):
    rows = api.get("/v1/numbering-ranges/dian").json()["data"]
    assert next(r for r in rows if r["prefix"] == "SEDS")["technical_key"] == ""


def test_numbering_range_by_id_still_works(api):
    assert api.get("/v1/numbering-ranges/8").json()["data"]["prefix"] == "SETP"


# -- POST /v1/bills/radian/events/update/{number}/{event_type} -----------------------------


def credit_bill(api, reference="CR-1") -> str:
    payload = seed_bill(reference, email="cliente@ejemplo.co")
    payload.update(payment_form="2", payment_due_date="2025-11-30")
    response = api.validate(payload)
    assert response.status_code == 201, response.text
    return response.json()["data"]["bill"]["number"]


def receive(api, number, *codes):
    for code in codes:
        assert api.post(f"/_emulator/bills/{number}/radian-events", json={"event_code": code}).ok


def tacit(api, number, event="034", **overrides):
    body = {**fixture("bills-tacit-acceptance-request"), **overrides}
    return api.post(f"/v1/bills/radian/events/update/{number}/{event}", json=body)


def test_tacit_acceptance_is_recorded(api):
    number = credit_bill(api)
    receive(api, number, "030", "032")
    response = tacit(api, number)
    assert (response.status_code, response.json()["data"]["event_code"]) == (200, "034")


def test_tacit_acceptance_answer_has_the_event_shape(api):
    number = credit_bill(api)
    receive(api, number, "030", "032")
    assert_same_shape(tacit(api, number).json()["data"], fixture("bills-radian-events-response")["data"][0])


def test_tacit_acceptance_is_listed_with_the_events(api):
    number = credit_bill(api)
    receive(api, number, "030", "032")
    tacit(api, number)
    events = api.get(f"/v1/bills/{number}/radian/events").json()["data"]
    assert [e["event_code"] for e in events] == ["030", "032", "034"]


def test_tacit_acceptance_needs_the_receipt_events(api):
    number = credit_bill(api)
    receive(api, number, "030")
    response = tacit(api, number)
    assert (response.status_code, response.json()["status"]) == (409, "Conflict")


def test_tacit_acceptance_only_once(api):
    number = credit_bill(api)
    receive(api, number, "030", "032")
    tacit(api, number)
    assert tacit(api, number).status_code == 409


def test_tacit_acceptance_excluded_by_a_claim(api):
    number = credit_bill(api)
    receive(api, number, "030", "032", "031")
    assert tacit(api, number).status_code == 409


def test_tacit_acceptance_only_for_credit_bills(api):
    number = api.validate(seed_bill("CASH")).json()["data"]["bill"]["number"]
    receive(api, number, "030", "032")
    assert tacit(api, number).status_code == 409


def test_tacit_acceptance_of_an_unknown_bill_is_404(api):
    response = tacit(api, "SETP1")
    assert response.json() == {"status": "Not Found", "message": "No se encontró el documento SETP1"}


def test_tacit_acceptance_fields_are_validated(api):
    number = credit_bill(api)
    response = tacit(api, number, first_name="", identification_document_code="99")
    assert set(response.json()["errors"]) == {"first_name", "identification_document_code"}


def test_only_tacit_acceptance_goes_through_this_route(api):
    number = credit_bill(api)
    receive(api, number, "030", "032")
    assert tacit(api, number, event="033").json()["errors"] == {
        "event_type": ["El campo event type es inválido."]
    }


# -- company / trade_name are "" when absent ---------------------------------------------------


def natural_person(reference="NP") -> dict:
    payload = seed_bill(reference)
    for key in ("company", "trade_name"):
        payload["customer"].pop(key, None)
    return payload


@pytest.mark.parametrize("key", ["company", "trade_name"])
def test_absent_customer_names_are_empty_text_on_validate(api, key):
    assert api.validate(natural_person()).json()["data"]["customer"][key] == ""


@pytest.mark.parametrize("key", ["company", "trade_name"])
def test_absent_customer_names_are_empty_text_on_show(api, key):
    number = api.validate(natural_person()).json()["data"]["bill"]["number"]
    assert api.get(f"/v1/bills/show/{number}").json()["data"]["customer"][key] == ""


@pytest.mark.parametrize("key", ["company", "trade_name"])
def test_absent_customer_names_are_empty_text_in_the_list(api, key):
    api.validate(natural_person())
    assert api.get("/v1/bills").json()["data"]["data"][0][key] == ""


def test_null_customer_names_are_empty_text(api):
    payload = seed_bill("NULLS")
    payload["customer"].update(company=None, trade_name=None)
    customer = api.validate(payload).json()["data"]["customer"]
    assert (customer["company"], customer["trade_name"]) == ("", "")


def test_absent_provider_trade_name_is_empty_text(api):
    payload = support_document("DS-NT")
    payload["provider"].pop("trade_name", None)
    response = post(api, "support-documents", payload)
    assert response.json()["data"]["provider"]["trade_name"] == ""


def test_adjustment_note_provider_trade_name_is_empty_text(api):
    payload = support_document("DS-AN")
    payload["provider"].pop("trade_name", None)
    doc = post(api, "support-documents", payload).json()["data"]["support_document"]
    note = post(api, "adjustment-notes", adjustment_note(doc["id"])).json()["data"]
    assert note["provider"]["trade_name"] == ""


# -- the answer-shape knob ----------------------------------------------------------------------


def test_answer_shape_defaults_to_documented(sandbox):
    assert sandbox.config()["answer_shape"] == "documented"


def test_documented_shape_validate_keys(api):
    data = api.validate(seed_bill()).json()["data"]
    assert_same_shape(data, fixture("bills-validate-response")["data"])


def test_sandbox_shape_validate_matches_the_real_answer(api, sandbox):
    sandbox.configure(answer_shape="sandbox-2025-01")
    data = api.validate(seed_bill()).json()["data"]
    assert_same_shape(data, fixture("real-sandbox-bills-validate-data-2025-01"))


def test_sandbox_shape_validate_key_order(api, sandbox):
    sandbox.configure(answer_shape="sandbox-2025-01")
    bill = api.validate(seed_bill()).json()["data"]["bill"]
    assert list(bill) == list(fixture("real-sandbox-bills-validate-data-2025-01")["bill"])


def test_sandbox_shape_show_matches_the_real_answer(api, sandbox):
    sandbox.configure(answer_shape="sandbox-2025-01")
    number = api.validate(seed_bill()).json()["data"]["bill"]["number"]
    data = api.get(f"/v1/bills/show/{number}").json()["data"]
    assert_same_shape(data, fixture("real-sandbox-bills-validate-data-2025-01"))


def test_sandbox_shape_has_the_real_figures(api, sandbox):
    sandbox.configure(answer_shape="sandbox-2025-01")
    bill = api.validate(seed_bill()).json()["data"]["bill"]
    real = fixture("real-sandbox-bills-validate-data-2025-01")["bill"]
    keys = ("discount_rate", "discount", "gross_value", "taxable_amount", "tax_amount", "total")
    assert {k: bill[k] for k in keys} == {k: real[k] for k in keys}


def test_sandbox_shape_public_url_is_on_the_emulator(api, sandbox):
    sandbox.configure(answer_shape="sandbox-2025-01")
    bill = api.validate(seed_bill()).json()["data"]["bill"]
    assert bill["public_url"].startswith("http://factus.test/bills/show/")


def test_shape_is_chosen_when_answering_not_when_storing(api, sandbox):
    sandbox.configure(answer_shape="sandbox-2025-01")
    number = api.validate(seed_bill()).json()["data"]["bill"]["number"]
    sandbox.configure(answer_shape="documented")
    data = api.get(f"/v1/bills/show/{number}").json()["data"]
    assert list(data) == list(fixture("bills-show-response")["data"])


def test_unknown_answer_shape_is_refused(api):
    assert api.post("/_emulator/config", json={"answer_shape": "v2"}).status_code == 400


def test_pending_retry_answers_in_the_chosen_shape(api, sandbox):
    sandbox.configure(answer_shape="sandbox-2025-01")
    api.validate(seed_bill("SLOW", identification="3333333333"))
    retried = api.validate(seed_bill("SLOW", identification="3333333333")).json()["data"]
    assert "public_url" in retried["bill"]


def test_already_registered_is_still_the_answer_after_a_shape_change(api, sandbox):
    api.validate(seed_bill("SAME"))
    sandbox.configure(answer_shape="sandbox-2025-01")
    again = api.validate(seed_bill("SAME"))
    assert again.json()["errors"]["reference_code"] == [ALREADY_REGISTERED]
