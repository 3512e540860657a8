import importlib

import pytest

from core.roles import ADMINISTRATION, BILLING


def give_role(user, role: str):
    """``user`` joins the group of ``role`` (made by the data migration core/0001_roles)."""
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def make_user(django_user_model, db):
    """A user with ``role`` (a name of core.roles.ROLES) or none."""

    def build(username: str, role: str | None = None, **fields):
        user = django_user_model.objects.create_user(username=username, password="clave-segura-123", **fields)
        return give_role(user, role) if role else user

    return build


@pytest.fixture
def user(make_user):
    """The billing clerk most tests act as: role "Facturación"."""
    return make_user("cajero", BILLING, first_name="Ana")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def manager_client(make_user):
    """A client logged in with the role "Administración" (delete at Factus, import, sync)."""
    from django.test import Client

    manager = Client()
    manager.force_login(make_user("gerente", ADMINISTRATION))
    return manager


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def reference_data(request):
    """The catalogue rows of migration catalog/0002, reloaded after a transactional test flushed them.

    Transactional tests (browser, threads) end with a flush that empties every table, data
    migrations included; `serialized_rollback` cannot be relied on because a flush by another
    test re-creates content types that then collide with the serialized copy.
    """
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    if not apps.get_model("catalog", "IdentificationDocumentType").objects.exists():
        importlib.import_module("catalog.migrations.0002_load_reference_data").load(apps, None)
