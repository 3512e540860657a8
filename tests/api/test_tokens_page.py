"""«Mi perfil → Tokens de API»: create (shown once), revoke, PRG."""

import pytest

from api.models import ApiToken
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _create(user_client, name="Tienda"):
    return user_client.post("/perfil/tokens/", {"name": name}, follow=True)


def test_created_token_works_for_the_api(user_client):
    response = _create(user_client)
    secret = response.context["new_token"]["secret"]
    assert ApiClient(secret).get("/api/v1/lookups/tributes").status_code in (200, 403)


def test_token_is_shown_once(user_client):
    secret = _create(user_client).context["new_token"]["secret"]
    assert secret not in user_client.get("/perfil/tokens/").content.decode()


def test_create_answers_with_a_redirect(user_client):
    assert user_client.post("/perfil/tokens/", {"name": "Caja"}).status_code == 302


def test_empty_name_is_refused_in_spanish(user_client):
    response = user_client.post("/perfil/tokens/", {"name": ""})
    assert "Escriba un nombre" in response.content.decode()


def test_revoke_own_token(user_client, user):
    _create(user_client)
    token = ApiToken.objects.get(user=user)
    user_client.post(f"/perfil/tokens/{token.pk}/revocar/")
    token.refresh_from_db()
    assert token.revoked


def test_cannot_revoke_someone_elses_token(user_client, clerk):
    from api.services import token_create

    other = token_create(user=clerk, name="ajeno").token
    user_client.post(f"/perfil/tokens/{other.pk}/revocar/")
    other.refresh_from_db()
    assert not other.revoked


def test_revoke_needs_post(user_client, user):
    _create(user_client)
    token = ApiToken.objects.get(user=user)
    assert user_client.get(f"/perfil/tokens/{token.pk}/revocar/").status_code == 405


def test_profile_needs_login(client):
    assert client.get("/perfil/tokens/").status_code == 302
