"""/oauth/token grants, refresh rotation, expiry and the bearer requirement."""

import pytest

from factus_emulator import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME


def test_bad_user_credentials(wire):
    response = wire.token(password="nope")
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "The user credentials were incorrect.",
        "message": "The user credentials were incorrect.",
    }


def test_bad_client(wire):
    response = wire.token(client_secret="nope")
    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "Client authentication failed",
        "message": "Client authentication failed",
    }


def test_refresh_rotates_tokens(wire):
    first = wire.token().json()
    second = wire.token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert second.status_code == 200
    new = second.json()
    assert new["access_token"] != first["access_token"]
    reused = wire.token(grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert reused.status_code == 401
    assert reused.json()["error"] == "invalid_request"
    assert reused.json()["message"] == "The refresh token is invalid."
    old = wire.get("/v1/company", headers={"Authorization": f"Bearer {first['access_token']}"})
    assert old.status_code == 401
    fresh = wire.get("/v1/company", headers={"Authorization": f"Bearer {new['access_token']}"})
    assert fresh.status_code == 200


def test_multipart_is_accepted(wire):
    fields = {
        "grant_type": "password",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "username": USERNAME,
        "password": PASSWORD,
    }
    response = wire.post("/oauth/token", files={k: (None, v) for k, v in fields.items()})
    assert response.status_code == 200 and response.json()["token_type"] == "Bearer"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer unknown", "Basic abc"])
def test_v1_needs_a_live_bearer(wire, header):
    headers = {"Authorization": header} if header else {}
    response = wire.get("/v1/municipalities", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthenticated."}


def test_token_expires_after_ttl(sandbox, wire, clock):
    sandbox.configure(token_ttl=60)
    grant = wire.login()
    assert grant["expires_in"] == 60
    clock.advance(59)
    assert wire.get("/v1/company").status_code == 200
    clock.advance(1)
    assert wire.get("/v1/company").status_code == 401
    refreshed = wire.token(grant_type="refresh_token", refresh_token=grant["refresh_token"])
    assert refreshed.status_code == 200


def test_stats_count_grants(wire):
    wire.login()
    grant = wire.login()
    wire.token(grant_type="refresh_token", refresh_token=grant["refresh_token"])
    wire.token(password="bad")
    stats = wire.get("/_emulator/stats").json()
    assert stats["token_grants"] == {"password": 2, "refresh_token": 1}
    assert stats["token_grant_failures"] == {"password": 1}
    assert stats["requests"]["POST /oauth/token"] == 4


# Domains that strict validators (python email_validator, RFC 6761/6762) refuse for e-mail.
SPECIAL_USE_TLDS = {"local", "localhost", "test", "example", "invalid", "arpa", "onion", "internal"}


def test_demo_username_passes_djangos_email_validator():
    from django.core.validators import EmailValidator

    EmailValidator()(USERNAME)  # raises ValidationError when refused


def test_demo_username_is_not_on_a_special_use_domain():
    assert USERNAME.rsplit(".", 1)[-1].lower() not in SPECIAL_USE_TLDS
