"""factus.W001: Factus configured without all of its credentials."""

from django.core import checks
from django.test import override_settings

from factus.checks import credentials_check

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
