"""Every documented error envelope reaches the caller as its own exception, with a Spanish message."""

import json

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from factus.errors import (
    FactusAuthError,
    FactusConflict,
    FactusError,
    FactusNotFound,
    FactusRateLimited,
    FactusRejected,
    FactusServerError,
    FactusValidationError,
    error_from_response,
)
from tests.factus.conftest import BASE, load_fixture

VALIDATE = f"{BASE}/v1/bills/validate"


def post_bill_answering(rsps, factus, status, **kwargs):
    rsps.post(VALIDATE, status=status, **kwargs)
    with pytest.raises(FactusError) as info:
        factus.validate_bill({"reference_code": "R-1"})
    return info.value


def test_e2_laravel_422_maps_dotted_field_errors(rsps, factus):
    error = post_bill_answering(rsps, factus, 422, json=load_fixture("error-422.json"))
    assert type(error) is FactusValidationError
    assert error.status_code == 422
    assert error.errors == {
        "reference_code": ["El campo código de referencia es obligatorio."],
        "numbering_range_id": ["El campo id rango de numeración es obligatorio."],
        "items.0.quantity": ["El campo items.0.quantity es obligatorio."],
    }
    assert error.message.startswith("Factus encontró errores en los datos enviados: El campo código")
    assert "(y 2 error(es) más)" in error.message
    assert error.body == load_fixture("error-422.json")


def test_e3_wrapped_422_maps_dotted_field_errors(rsps, factus):
    error = post_bill_answering(rsps, factus, 422, json=load_fixture("support-documents-error-422.json"))
    assert type(error) is FactusValidationError
    assert error.errors == {
        "reference_code": ["El campo código de referencia es obligatorio."],
        "provider.address": ["El campo dirección es obligatorio."],
    }


def test_e3b_dian_rejection_lists_rules_split_by_kind(rsps, factus):
    body = load_fixture("error-422-dian-rejection.json")
    body["data"]["errors"]["FAJ43b"] = "Regla: FAJ43b, Notificación: Nombre informado No corresponde al RUT"
    error = post_bill_answering(rsps, factus, 422, json=body)
    assert type(error) is FactusRejected
    assert error.rules[0] == ("FAK24", "Regla: FAK24, Rechazo: No está informado el DV del NIT")
    assert [code for code, _ in error.rejections] == ["FAK24"]
    assert [code for code, _ in error.notifications] == ["FAJ43b"]
    assert error.message.startswith("La DIAN rechazó el documento: Regla: FAK24")


def test_e1_409_pending_bill_is_a_conflict_with_factus_message(rsps, factus):
    error = post_bill_answering(rsps, factus, 409, json=load_fixture("error-409.json"))
    assert type(error) is FactusConflict
    assert error.message == "Se encontró una factura pendiente por enviar a la DIAN"


def test_e4_409_short_envelope(rsps, factus):
    rsps.delete(
        f"{BASE}/v1/bills/destroy/reference/5",
        status=409,
        json=load_fixture("credit-notes-error-409-delete-validated.json"),
    )
    with pytest.raises(FactusConflict, match="se encuentra validado"):
        factus.delete_bill("5")


def test_e4_404_is_not_found(rsps, factus):
    body = load_fixture("credit-notes-error-404-show.json")
    rsps.get(f"{BASE}/v1/bills/show/NC72232", status=404, json=body)
    with pytest.raises(FactusNotFound) as info:
        factus.get_bill("NC72232")
    assert info.value.message == "No se encontró el documento NC72232"
    assert info.value.status_code == 404


def test_429_carries_retry_after_and_long_waits_are_not_slept_through(rsps, factus):
    rsps.get(
        f"{BASE}/v1/countries",
        status=429,
        json={"message": "Too Many Attempts."},
        headers={"Retry-After": "60"},
    )
    with pytest.raises(FactusRateLimited) as info:
        factus.list_countries()
    assert info.value.retry_after == 60
    assert "límite de solicitudes" in info.value.message
    assert len([c for c in rsps.calls if "/v1/" in c.request.url]) == 1


def test_429_on_post_without_retry_after(rsps, factus):
    error = post_bill_answering(rsps, factus, 429, json={"message": "Too Many Attempts."})
    assert type(error) is FactusRateLimited and error.retry_after is None


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_json_is_a_server_error_in_spanish(rsps, factus, status):
    error = post_bill_answering(rsps, factus, status, json={"message": "Server Error"})
    assert type(error) is FactusServerError
    assert error.status_code == status
    assert "Server Error" not in error.message


def test_a_5xx_html_body_is_a_server_error(rsps, factus):
    error = post_bill_answering(rsps, factus, 502, body="<html>Bad gateway</html>", content_type="text/html")
    assert type(error) is FactusServerError


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_never_says_it_was_slow(rsps, factus, status):
    error = post_bill_answering(rsps, factus, status, json={"message": "Server Error"})
    assert "a tiempo" not in error.message


def test_a_server_error_says_its_status(rsps, factus):
    error = post_bill_answering(rsps, factus, 503, body="<html>down</html>", content_type="text/html")
    assert "HTTP 503" in error.message


def test_a_429_with_an_html_body_is_still_a_rate_limit_with_its_wait(rsps, factus):
    rsps.post(VALIDATE, status=429, body="<html>slow down</html>", headers={"Retry-After": "30"})
    with pytest.raises(FactusRateLimited) as info:
        factus.validate_bill({"reference_code": "R-1"})
    assert info.value.retry_after == 30


def test_the_rate_limit_message_says_the_wait_once(rsps, factus):
    rsps.post(VALIDATE, status=429, json={"message": "Too Many Attempts."}, headers={"Retry-After": "30"})
    with pytest.raises(FactusRateLimited) as info:
        factus.validate_bill({"reference_code": "R-1"})
    assert info.value.message.count("30 segundos") == 1


@pytest.mark.parametrize(
    ("fixture", "status", "words"),
    [
        ("oauth-invalid-grant.json", 400, "usuario o la contraseña"),
        ("oauth-invalid-client.json", 401, "client_id o el client_secret"),
    ],
)
def test_oauth_errors_are_auth_errors_in_spanish(rsps, conf, cache, fixture, status, words):
    from factus.auth import TokenManager
    from factus.http import build_session

    rsps.post(f"{BASE}/oauth/token", status=status, json=load_fixture(fixture))
    manager = TokenManager(conf, session=build_session(conf), cache=cache)
    with pytest.raises(FactusAuthError, match=words) as info:
        manager.get_token()
    assert info.value.status_code == status


def test_retry_after_accepts_seconds_and_http_dates():
    from datetime import UTC, datetime

    from factus.errors import parse_retry_after

    now = datetime(2025, 1, 9, 13, 0, 0, tzinfo=UTC)
    assert parse_retry_after("42") == 42
    assert parse_retry_after("Thu, 09 Jan 2025 13:00:30 GMT", now) == 30
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


@pytest.mark.parametrize("header", ["99999999999999999999", "Thu, 21 Oct 9999 07:28:00 GMT"])
def test_retry_after_is_capped_at_an_hour(header):
    from factus.errors import MAX_RETRY_AFTER_SECONDS, parse_retry_after

    assert parse_retry_after(header) == MAX_RETRY_AFTER_SECONDS


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(status=st.integers(min_value=400, max_value=599), body=json_values | st.binary(max_size=40))
def test_any_error_body_maps_to_a_factus_error_with_a_spanish_message(status, body):
    response = requests.Response()
    response.status_code = status
    response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    error = error_from_response(response)
    assert isinstance(error, FactusError)
    assert error.status_code == status and isinstance(error.message, str) and error.message


def test_a_server_error_may_have_reached_factus(rsps, factus):
    error = post_bill_answering(rsps, factus, 500, json={"message": "Server Error"})
    assert error.may_have_reached_server is True
