"""API tests: a token of a user with the role's permissions, and the emulator as a real HTTP server."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client

from api.services import token_create
from factus_emulator.core import Sandbox
from factus_emulator.server import run_in_thread

# Codenames the endpoints check. The custom invoicing ones come from the roles' migration
# (feat-roles); created here when missing so these tests do not depend on it.
CUSTOM = {
    "invoice": {
        "issue_invoice": "Emitir facturas",
        "delete_at_factus": "Eliminar en Factus",
        "email_invoice": "Enviar por correo",
    },
    "creditnote": {"issue_creditnote": "Emitir notas crédito", "email_creditnote": "Enviar notas por correo"},
}
BILLING = [
    "catalog.view_customer",
    "catalog.add_customer",
    "catalog.change_customer",
    "catalog.delete_customer",
    "catalog.view_product",
    "catalog.add_product",
    "catalog.change_product",
    "catalog.delete_product",
    "invoicing.view_invoice",
    "invoicing.add_invoice",
    "invoicing.issue_invoice",
    "invoicing.email_invoice",
    "invoicing.delete_at_factus",
    "invoicing.view_creditnote",
    "invoicing.add_creditnote",
    "invoicing.issue_creditnote",
    "invoicing.email_creditnote",
]
READ_ONLY = [
    "catalog.view_customer",
    "catalog.view_product",
    "invoicing.view_invoice",
    "invoicing.view_creditnote",
]


def permissions(names: list[str]) -> list[Permission]:
    for model, custom in CUSTOM.items():
        content_type = ContentType.objects.get_by_natural_key("invoicing", model)
        for codename, name in custom.items():
            Permission.objects.get_or_create(
                codename=codename, content_type=content_type, defaults={"name": name}
            )
    found = []
    for name in names:
        app, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app, codename=codename))
    return found


class ApiClient(Client):
    """A test client that sends the token and JSON bodies."""

    def __init__(self, secret: str | None, **kwargs):
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        super().__init__(headers=headers, **kwargs)

    def post_json(self, path, data=None, **extra):
        return self.post(
            path, json.dumps(data) if data is not None else "", content_type="application/json", **extra
        )

    def patch_json(self, path, data, **extra):
        return self.patch(path, json.dumps(data), content_type="application/json", **extra)


def make_user(django_user_model, username: str, perms: list[str]):
    user = django_user_model.objects.create_user(username=username, password="clave-segura-123")
    user.user_permissions.set(permissions(perms))
    return user


@pytest.fixture
def clerk(db, django_user_model):
    return make_user(django_user_model, "facturadora", BILLING)


@pytest.fixture
def reader(db, django_user_model):
    return make_user(django_user_model, "consulta", READ_ONLY)


@pytest.fixture
def api(clerk):
    return ApiClient(token_create(user=clerk, name="pruebas").secret)


@pytest.fixture
def read_api(reader):
    return ApiClient(token_create(user=reader, name="consulta").secret)


@pytest.fixture(scope="session")
def factus_server():
    sandbox = Sandbox(seed=11)
    server, _thread, base_url = run_in_thread(sandbox)
    yield sandbox, base_url
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def no_throttle_counts():
    """Each test starts with no request counted: on SQLite a rolled-back token's id comes back, and
    with it the throttle's counter of an earlier test in the same minute."""
    cache.clear()


@pytest.fixture
def emulator(factus_server, settings):
    """A clean emulator account, the app pointed at it, no cached Factus token, no throttle counts."""
    sandbox, base_url = factus_server
    sandbox.reset()
    settings.FACTUS_BASE_URL = base_url
    cache.clear()
    yield sandbox
    cache.clear()


@pytest.fixture
def synced(emulator, db):
    """The emulator's catalogues (units, tributes, municipalities, ranges) in our database."""
    from catalog.services import catalog_sync

    catalog_sync()
    return emulator


@pytest.fixture
def product(api, synced):
    """A product made through the API: 1.190,00 with 19 % IVA, in the first synced unit."""
    from catalog.models import MeasurementUnit, StandardCode, Tribute

    body = {
        "code_reference": "P-1",
        "name": "Producto",
        "price": "1190.00",
        "unit_id": MeasurementUnit.objects.filter(is_active=True).first().pk,
        "standard_code_id": StandardCode.objects.first().pk,
        "tribute_id": Tribute.objects.filter(is_active=True).first().pk,
    }
    response = api.post_json("/api/v1/products", body)
    assert response.status_code == 201, response.content
    return response.json()["id"]
