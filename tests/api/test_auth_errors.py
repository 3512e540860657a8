"""Tokens, permissions, throttling and the error shape, as a caller sees them."""

import json

import pytest

from api.models import ApiToken
from api.services import token_create, token_revoke
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_no_token_is_401_problem():
    response = ApiClient(None).get("/api/v1/customers")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_wrong_token_is_401():
    assert ApiClient("fct_no-es-un-token").get("/api/v1/customers").status_code == 401


def test_revoked_token_is_401(clerk):
    new = token_create(user=clerk, name="caja")
    token_revoke(token_id=new.token.pk, user=clerk)
    assert ApiClient(new.secret).get("/api/v1/customers").status_code == 401


def test_only_the_hash_is_stored(clerk):
    new = token_create(user=clerk, name="caja")
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert new.secret not in json.dumps([stored.token_hash, stored.prefix, stored.name])


def test_a_use_is_recorded(api, clerk):
    api.get("/api/v1/customers")
    assert ApiToken.objects.get(user=clerk).last_used_at is not None


def test_token_of_inactive_user_is_401(clerk):
    secret = token_create(user=clerk, name="caja").secret
    clerk.is_active = False
    clerk.save()
    assert ApiClient(secret).get("/api/v1/customers").status_code == 401


def test_read_only_user_cannot_create(read_api):
    response = read_api.post_json("/api/v1/customers", {})
    assert response.status_code == 403


def test_read_only_user_can_read(read_api):
    assert read_api.get("/api/v1/customers").status_code == 200


def test_forbidden_is_a_spanish_problem(read_api):
    body = read_api.post_json("/api/v1/products", {}).json()
    assert body["code"] == "permission_denied"
    assert "permiso" in body["detail"]


def test_bad_json_is_400(api):
    response = api.post("/api/v1/customers", "{no es json", content_type="application/json")
    assert response.status_code == 400


def test_unknown_field_is_422_with_its_path(api):
    response = api.post_json("/api/v1/products", {"nombre_raro": 1})
    paths = [e["path"] for e in response.json()["errors"]]
    assert "nombre_raro" in paths


def test_wrong_type_names_the_item_path(api):
    body = {"customer_id": 1, "items": [{"quantity": 1}, {"quantity": "muchos"}]}
    response = api.post_json("/api/v1/invoices", body)
    assert response.status_code == 422
    assert "items[1].quantity" in [e["path"] for e in response.json()["errors"]]


def test_huge_body_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post_json("/api/v1/customers", {"names": "x" * 5000})
    assert response.status_code == 413


def test_method_not_allowed_is_a_problem(api):
    response = api.put("/api/v1/customers", "{}", content_type="application/json")
    assert response["Content-Type"] == "application/problem+json"


def test_throttle_answers_429_with_retry_after(api, settings):
    settings.API_THROTTLE_RATE = "2/m"
    statuses = [api.get("/api/v1/customers").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_throttle_retry_after_is_seconds(api, settings):
    settings.API_THROTTLE_RATE = "1/h"
    api.get("/api/v1/customers")
    assert 1 <= int(api.get("/api/v1/customers")["Retry-After"]) <= 3600


def test_throttle_counts_each_token_apart(api, read_api, settings):
    settings.API_THROTTLE_RATE = "1/m"
    api.get("/api/v1/customers")
    assert read_api.get("/api/v1/customers").status_code == 200


def test_schema_needs_login_or_token(client):
    assert client.get("/api/v1/openapi.json").status_code == 401


def test_schema_with_token(api):
    assert api.get("/api/v1/openapi.json").json()["openapi"].startswith("3.")


def test_schema_names_no_key_twice(api):
    """Swagger UI (and any YAML-based reader) refuses a JSON object with a repeated key."""
    repeated = []

    def keep(pairs):
        keys = [key for key, _ in pairs]
        repeated.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(pairs)

    json.loads(api.get("/api/v1/openapi.json").content, object_pairs_hook=keep)
    assert repeated == []


def test_the_schema_says_retry_after_on_every_429(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    missing = [
        f"{method} {path}"
        for path, methods in paths.items()
        for method, operation in methods.items()
        if "Retry-After" not in operation["responses"].get("429", {}).get("headers", {})
    ]
    assert missing == []


def test_docs_redirect_anonymous_to_login(client):
    assert client.get("/api/v1/docs").status_code == 302


def test_docs_served_from_vendored_assets(user_client):
    html = user_client.get("/api/v1/docs").content.decode()
    assert "/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js" in html


def test_docs_link_no_cdn(user_client):
    html = user_client.get("/api/v1/docs").content.decode()
    assert "cdn" not in html.lower()
