import importlib

import pytest


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        username="cajero", password="clave-segura-123", first_name="Ana"
    )


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


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
