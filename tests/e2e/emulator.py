"""Fixtures for the invoicing browser tests: the Factus emulator as a real HTTP server.

Import them in a test module (``from tests.e2e.emulator import factus_server, emulator``).
"""

import importlib

import pytest
from django.core.cache import cache

from factus_emulator.core import Sandbox
from factus_emulator.server import run_in_thread


@pytest.fixture(scope="session")
def factus_server():
    """One emulator process-thread for the session; each test resets it."""
    sandbox = Sandbox(seed=5)
    server, _thread, base_url = run_in_thread(sandbox)
    yield sandbox, base_url
    server.shutdown()
    server.server_close()


@pytest.fixture
def emulator(factus_server, settings):
    """A clean emulator account, the app pointed at it, and no cached token from another test."""
    sandbox, base_url = factus_server
    sandbox.reset()
    settings.FACTUS_BASE_URL = base_url
    cache.clear()
    yield sandbox
    cache.clear()


@pytest.fixture
def reference_data(transactional_db):
    """The catalogue rows of migration 0002, reloaded when an earlier transactional test flushed them.

    (``serialized_rollback`` cannot be relied on: a flush by a test without it re-creates content
    types that then collide with the serialized copy.)
    """
    from django.apps import apps

    if not apps.get_model("catalog", "MeasurementUnit").objects.exists():
        importlib.import_module("catalog.migrations.0002_load_reference_data").load(apps, None)
