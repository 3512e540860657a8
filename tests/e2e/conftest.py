"""Browser tests: Playwright drives Debian's Chromium against Django's live_server."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache

from core.roles import BILLING
from factus_emulator.core import Sandbox
from factus_emulator.server import run_in_thread
from tests.conftest import give_role

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError("CI=true and /usr/bin/chromium is missing: browser tests are mandatory")
    skip = pytest.mark.skip(reason="Chromium is not installed (/usr/bin/chromium)")
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "es-CO", "timezone_id": "America/Bogota"}


@pytest.fixture
def staff_password():
    return "clave-de-prueba-9876"


@pytest.fixture
def staff_user(django_user_model, staff_password):
    """A billing clerk: role "Facturación"."""
    user = django_user_model.objects.create_user(
        username="facturador", password=staff_password, first_name="Laura"
    )
    return give_role(user, BILLING)


@pytest.fixture
def logged_in_page(page, live_server, staff_user, staff_password):
    """A browser page already past the login form."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nombre de usuario").fill(staff_user.username)
    page.get_by_label("Contraseña").fill(staff_password)
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


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
