"""No token, password or client secret in logs, exception text, repr or kept bodies."""

import logging

import pytest

from factus.errors import FactusAuthError, FactusError
from tests.factus.conftest import BASE, CLIENT_SECRET, PASSWORD, load_fixture


def secrets_of(oauth) -> list[str]:
    return [
        CLIENT_SECRET,
        PASSWORD,
        *oauth.tokens,
        *(f"refresh-{n}-SECRETref" for n in range(1, oauth.count + 1)),
    ]


def assert_clean(text: str, oauth):
    leaked = [secret for secret in secrets_of(oauth) if secret in text]
    assert not leaked, f"secrets leaked: {leaked}"


def test_whole_token_lifecycle_logs_no_secret(rsps, oauth, factus, manager, caplog):
    caplog.set_level(logging.DEBUG)
    rsps.get(f"{BASE}/v1/company", status=401, json={"message": "Unauthenticated."})
    rsps.get(f"{BASE}/v1/company", json={"status": "OK", "data": {}})
    rsps.post(f"{BASE}/v1/bills/validate", status=422, json=load_fixture("error-422.json"))
    factus.get_company()
    with pytest.raises(FactusError) as info:
        factus.validate_bill({"reference_code": "R"})
    oauth.refuse_refresh = oauth.refuse_password = True
    manager.invalidate(manager.get_token())
    with pytest.raises(FactusAuthError) as auth_info:
        manager.get_token()
    assert oauth.count == 2 and len(caplog.records) >= 4
    assert "GET /v1/company -> 401" in caplog.text and "grant=refresh_token" in caplog.text
    for exc in (info.value, auth_info.value):
        assert_clean(f"{exc} {exc!r} {exc.message} {exc.body}", oauth)
    assert_clean(caplog.text, oauth)
    assert_clean(f"{manager!r} {manager.conf!r} {factus!r}", oauth)


def test_secret_fields_in_error_bodies_are_scrubbed(rsps, factus, oauth):
    body = {"message": "raro", "access_token": "leaked-access", "data": {"password": "leaked-pw"}}
    rsps.get(f"{BASE}/v1/company", status=400, json=body)
    with pytest.raises(FactusError) as info:
        factus.get_company()
    assert "leaked" not in repr(info.value.body)
    assert info.value.message == "raro"
