"""factus.W001: Factus configured without all of its credentials; W002-W004: deadlines that do not fit."""

from django.core import checks
from django.test import override_settings

from factus.checks import credentials_check, timeouts_check

FULL = {
    "FACTUS_BASE_URL": "https://api-sandbox.factus.com.co",
    "FACTUS_CLIENT_ID": "id",
    "FACTUS_CLIENT_SECRET": "s",
    "FACTUS_USERNAME": "u@x.co",
    "FACTUS_PASSWORD": "p",
}


def ids(messages):
    return [m.id for m in messages]


def test_complete_credentials_pass():
    with override_settings(**FULL):
        assert credentials_check(None) == []


def test_missing_credential_warns_naming_it_without_values():
    with override_settings(**{**FULL, "FACTUS_PASSWORD": "", "FACTUS_CLIENT_SECRET": ""}):
        [warning] = credentials_check(None)
    assert warning.id == "factus.W001" and warning.level == checks.WARNING
    assert "FACTUS_PASSWORD" in warning.msg and "FACTUS_CLIENT_SECRET" in warning.msg


def test_registered_with_django_checks():
    with override_settings(**{**FULL, "FACTUS_USERNAME": ""}):
        assert "factus.W001" in ids(checks.run_checks(tags=["factus"]))


def test_no_base_url_no_warning():
    with override_settings(**{**FULL, "FACTUS_BASE_URL": "", "FACTUS_USERNAME": ""}):
        assert credentials_check(None) == []


# -- factus.W002-W004: the deadlines fit gunicorn's worker timeout and each other -----------------
FITTING = {"FACTUS_TIMEOUT": 20, "FACTUS_CONNECT_TIMEOUT": 5, "FACTUS_REQUEST_BUDGET": 40, "WEB_TIMEOUT": 60}


def test_the_defaults_fit():
    with override_settings(**FITTING):
        assert timeouts_check(None) == []


def test_a_budget_that_does_not_fit_the_worker_timeout_warns():
    with override_settings(**{**FITTING, "WEB_TIMEOUT": 30}):
        assert ids(timeouts_check(None)) == ["factus.W002"]


def test_the_budget_warning_gives_the_numbers_and_the_fix():
    with override_settings(**{**FITTING, "WEB_TIMEOUT": 30}):
        [warning] = timeouts_check(None)
    assert "WEB_TIMEOUT (30 s)" in warning.msg
    assert "WEB_TIMEOUT to at least 50" in warning.hint


def test_the_budget_needs_a_ten_second_margin():
    with override_settings(**{**FITTING, "WEB_TIMEOUT": 49}):
        assert ids(timeouts_check(None)) == ["factus.W002"]


def test_an_exchange_longer_than_the_budget_warns():
    with override_settings(**{**FITTING, "FACTUS_TIMEOUT": 45, "WEB_TIMEOUT": 120}):
        assert ids(timeouts_check(None)) == ["factus.W003"]


def test_a_connect_timeout_as_long_as_the_exchange_warns():
    with override_settings(**{**FITTING, "FACTUS_CONNECT_TIMEOUT": 20}):
        assert ids(timeouts_check(None)) == ["factus.W004"]


def test_the_timeouts_check_is_registered():
    with override_settings(**{**FITTING, "WEB_TIMEOUT": 30}):
        assert "factus.W002" in ids(checks.run_checks(tags=["factus"]))
