"""Every endpoint checks a permission before anything reads the body: a token whose user has no
permission gets 403 on every operation of the schema, even with a body that is not JSON."""

import re

import pytest

from api.services import token_create
from factus_project.api import api as ninja_api
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db

OPERATIONS = [
    (method, path)
    for path, methods in ninja_api.get_openapi_schema()["paths"].items()
    for method in methods
    if method in ("get", "post", "put", "patch", "delete")
]


@pytest.fixture
def nobody(django_user_model):
    user = django_user_model.objects.create_user(username="sin-rol", password="clave-segura-123")
    return ApiClient(token_create(user=user, name="sin permisos").secret)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=lambda value: value)
def test_no_permission_is_403_before_the_body(nobody, method, path):
    url = re.sub(r"\{[^}]+\}", "1", path)
    if method in ("get", "delete"):
        response = getattr(nobody, method)(url)
    else:
        response = getattr(nobody, method)(url, "{esto no es JSON", content_type="application/json")
    assert response.status_code == 403
