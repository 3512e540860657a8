import pytest
import responses
from django.core.cache import cache

from factus.client import get_client
from factus_emulator.core import Sandbox
from factus_emulator.testing import register


@pytest.fixture
def sandbox():
    return Sandbox(seed=1)


@pytest.fixture
def factus(settings, sandbox):
    """A real FactusClient whose HTTP goes (through responses) to an in-memory emulator."""
    cache.clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, sandbox, settings.FACTUS_BASE_URL)
        yield get_client()
    cache.clear()


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client
