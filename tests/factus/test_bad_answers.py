"""Answers that make no sense are a FactusBadResponse (a Factus fault), never a crash."""

import contextlib
import json
import re

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factus.errors import FactusBadResponse, FactusError
from tests.factus.conftest import BASE

VALIDATE = f"{BASE}/v1/bills/validate"
API = re.compile(re.escape(BASE) + r"/v1/.*")
GOOD_TOKEN = {"token_type": "Bearer", "expires_in": 3600, "access_token": "tok-1", "refresh_token": "ref-1"}


def bad_answer(call):
    with pytest.raises(FactusBadResponse) as info:
        call()
    return info.value


# -- the body of a 2xx ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"body": "<html>ok</html>", "content_type": "text/html"},
        {"body": ""},
        {"json": [1, 2]},
        {"json": "created"},
        {"body": b"\xff\xfe{", "content_type": "application/json"},
        {"body": "[" * 100_000 + "]" * 100_000, "content_type": "application/json"},
    ],
    ids=["html", "empty", "array", "string", "undecodable", "nested-past-the-recursion-limit"],
)
def test_a_2xx_whose_body_is_not_a_json_object_is_a_bad_answer(rsps, factus, kwargs):
    rsps.post(VALIDATE, status=201, **kwargs)
    bad_answer(lambda: factus.validate_bill({"reference_code": "R-1"}))


@pytest.mark.parametrize("data", [[], None, "x", 7, [{"bill": {}}]])
def test_validate_whose_data_is_not_an_object_is_a_bad_answer(rsps, factus, data):
    rsps.post(VALIDATE, status=201, json={"status": "Created", "data": data})
    bad_answer(lambda: factus.validate_bill({"reference_code": "R-1"}))


def test_show_with_an_empty_list_as_data_is_a_bad_answer(rsps, factus):
    rsps.get(f"{BASE}/v1/bills/show/SETP1", json={"status": "OK", "data": []})
    error = bad_answer(lambda: factus.get_bill("SETP1"))
    assert "no un objeto" in error.message


@pytest.mark.parametrize("data", [{"id": 1}, "CO", [1, 2]])
def test_a_lookup_whose_data_is_not_a_list_of_objects_is_a_bad_answer(rsps, factus, data):
    rsps.get(f"{BASE}/v1/countries", json={"status": "OK", "data": data})
    bad_answer(factus.list_countries)


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"data": {"id": 1}, "pagination": {}},
        {"data": ["row"], "pagination": {}},
        {"data": [], "pagination": []},
        {"data": [], "pagination": {"last_page": "many"}},
        {"data": [], "pagination": {"total": -3}},
        {"data": [], "pagination": {"current_page": 10**12}},
    ],
    ids=["list", "rows-object", "rows-text", "pagination-list", "pages-text", "negative", "absurd"],
)
def test_a_list_page_without_the_list_shape_is_a_bad_answer(rsps, factus, data):
    rsps.get(f"{BASE}/v1/bills", json={"status": "OK", "data": data})
    bad_answer(lambda: factus.find_bill_by_reference("R-1"))


def test_a_redirect_is_not_followed_and_is_a_bad_answer(rsps, factus):
    rsps.post(VALIDATE, status=302, headers={"Location": "https://elsewhere.example/"})
    error = bad_answer(lambda: factus.validate_bill({"reference_code": "R-1"}))
    assert "HTTP 302" in error.message


@pytest.mark.parametrize("pdf", [123, ["x"], "no-base64!"])
def test_a_download_that_is_not_base64_text_is_a_bad_answer(rsps, factus, pdf):
    rsps.get(
        f"{BASE}/v1/bills/download-pdf/SETP1",
        json={"status": "OK", "data": {"file_name": "F", "pdf_base_64_encoded": pdf}},
    )
    bad_answer(lambda: factus.download_bill_pdf("SETP1"))


def test_a_422_without_a_json_body_is_a_bad_answer(rsps, factus):
    rsps.post(VALIDATE, status=422, body="<html>nope</html>", content_type="text/html")
    bad_answer(lambda: factus.validate_bill({"reference_code": "R-1"}))


# -- the token answer ----------------------------------------------------------------------------
@pytest.fixture
def token_answer(rsps):
    """Make /oauth/token answer 200 with the given body (the default OAuth stub is not used)."""

    def answer(body):
        rsps.post(f"{BASE}/oauth/token", json=body)

    return answer


@pytest.fixture
def bare_factus(conf, cache):
    from factus.auth import TokenManager
    from factus.client import FactusClient
    from factus.http import build_session

    session = build_session(conf)
    return FactusClient(conf.base_url, TokenManager(conf, session=session, cache=cache), session)


@pytest.mark.parametrize(
    "change",
    [
        {"expires_in": "soon"},
        {"expires_in": None},
        {"expires_in": -5},
        {"expires_in": 0},
        {"expires_in": 10**12},
        {"expires_in": True},
        {"expires_in": "3600\n"},
        {"expires_in": "٣٦٠٠"},
        {"access_token": None},
        {"access_token": 12345},
        {"access_token": ""},
        {"access_token": "tok with spaces"},
        {"access_token": "tok\r\nX-Evil: 1"},
        {"access_token": "t" * 10_000},
    ],
    ids=lambda change: f"{next(iter(change))}={str(next(iter(change.values())))[:12]!r}",
)
def test_a_token_answer_that_makes_no_sense_is_a_bad_answer(rsps, token_answer, bare_factus, change):
    rsps.get(f"{BASE}/v1/company", json={"status": "OK", "data": {}})
    token_answer({**GOOD_TOKEN, **change})
    bad_answer(bare_factus.get_company)


def test_a_token_answer_without_fields_is_a_bad_answer(rsps, token_answer, bare_factus):
    token_answer({"token_type": "Bearer"})
    bad_answer(bare_factus.get_company)


def test_the_token_message_says_what_was_wrong(rsps, token_answer, bare_factus):
    token_answer({**GOOD_TOKEN, "expires_in": "soon"})
    error = bad_answer(bare_factus.get_company)
    assert "expires_in='soon'" in error.message


@pytest.mark.parametrize("expires_in", [3600, "3600", 3600.0])
def test_a_whole_number_of_seconds_is_accepted_in_any_json_spelling(
    rsps, token_answer, bare_factus, expires_in
):
    rsps.get(f"{BASE}/v1/company", json={"status": "OK", "data": {"nit": "1"}})
    token_answer({**GOOD_TOKEN, "expires_in": expires_in})
    assert bare_factus.get_company() == {"nit": "1"}


def test_a_malformed_refresh_token_is_dropped_not_fatal(rsps, token_answer, bare_factus):
    rsps.get(f"{BASE}/v1/company", json={"status": "OK", "data": {"nit": "1"}})
    token_answer({**GOOD_TOKEN, "refresh_token": {"nested": True}})
    assert bare_factus.get_company() == {"nit": "1"}


# -- anything at all -----------------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)
# Bodies shaped like Factus envelopes, so the parsing past the envelope is exercised too.
envelopes = st.fixed_dictionaries(
    {"status": st.text(max_size=8)},
    optional={
        "data": json_values
        | st.fixed_dictionaries(
            {},
            optional={
                "data": json_values,
                "pagination": json_values,
                "pdf_base_64_encoded": json_values,
                "file_name": json_values,
            },
        ),
        "message": json_values,
        "errors": json_values,
    },
)
token_bodies = st.fixed_dictionaries(
    {}, optional={"access_token": json_values, "expires_in": json_values, "refresh_token": json_values}
)
bodies = st.one_of(
    st.binary(max_size=30).map(lambda raw: ("raw", raw)),
    json_values.map(lambda value: ("json", value)),
    envelopes.map(lambda value: ("json", value)),
)
statuses = st.sampled_from(
    [200, 201, 204, 301, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503]
) | st.integers(200, 599)
CALLS = {
    "validate": lambda c: c.validate_bill({"reference_code": "R-1"}),
    "show": lambda c: c.get_bill("SETP1"),
    "find": lambda c: c.find_bill_by_reference("R-1"),
    "pdf": lambda c: c.download_bill_pdf("SETP1"),
    "countries": lambda c: c.list_countries(),
    "events": lambda c: c.list_bill_events("SETP1"),
    "delete": lambda c: c.delete_bill("R-1"),
    "ranges": lambda c: c.list_numbering_ranges(),
    "credit_note": lambda c: c.get_credit_note("NC1"),
    "find_credit_note": lambda c: c.find_credit_note_by_reference("R-1"),
    "credit_note_xml": lambda c: c.download_credit_note_xml("NC1"),
}


def _encode(kind, value) -> bytes:
    return value if kind == "raw" else json.dumps(value).encode()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    status=statuses,
    body=bodies,
    token_status=st.sampled_from([200, 200, 200, 400, 500]),
    token_body=token_bodies | envelopes,
    call=st.sampled_from(sorted(CALLS)),
)
def test_no_answer_makes_the_client_raise_anything_but_a_factus_error(
    conf, cache, status, body, token_status, token_body, call
):
    from factus.auth import TokenManager
    from factus.client import FactusClient
    from factus.http import build_session

    session = build_session(conf)
    client = FactusClient(conf.base_url, TokenManager(conf, session=session, cache=cache), session)
    cache.clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.post(f"{BASE}/oauth/token", status=token_status, body=json.dumps(token_body))
        payload = _encode(*body)
        for method in ("GET", "POST", "DELETE"):
            rsps.add(method, API, status=status, body=payload)
        with contextlib.suppress(FactusError):
            CALLS[call](client)


def test_a_lone_surrogate_escape_is_replaced_pairs_are_kept(rsps, factus):
    body = '{"data": {"bill": {"number": "SETP\\ud800", "n\\udfff": "\\ud83d\\ude00"}}}'
    rsps.post(VALIDATE, status=201, body=body, content_type="application/json")
    data = factus.validate_bill({"reference_code": "R-1"})
    assert data["bill"] == {"number": "SETP\ufffd", "n\ufffd": "\U0001f600"}


def _bills_page(rows):
    pagination = {"total": len(rows), "per_page": 10, "current_page": 1, "last_page": 1}
    return {"status": "OK", "data": {"data": rows, "pagination": pagination}}


def test_two_bills_under_one_exact_reference_are_a_bad_answer(rsps, factus):
    rows = [
        {"id": 1, "number": "SETP1", "reference_code": "R-1", "status": 1},
        {"id": 2, "number": "SETP2", "reference_code": "R-1", "status": 1},
    ]
    rsps.get(f"{BASE}/v1/bills", json=_bills_page(rows))
    error = bad_answer(lambda: factus.find_bill_by_reference("R-1"))
    assert "2 documentos con la referencia «R-1»" in error.message


def test_a_partial_match_beside_the_exact_one_is_not_a_second_bill(rsps, factus):
    rows = [
        {"id": 1, "number": "SETP1", "reference_code": "R-10", "status": 1},
        {"id": 2, "number": "SETP2", "reference_code": "R-1", "status": 1},
    ]
    rsps.get(f"{BASE}/v1/bills", json=_bills_page(rows))
    assert factus.find_bill_by_reference("R-1")["number"] == "SETP2"
