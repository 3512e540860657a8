import pytest

from tests.reports.data import generate, grant, local


@pytest.fixture
def march():
    """Generated March 2026 data: invoices (most validated) and credit notes (some rejected)."""
    return generate(seed=13, start=local(2026, 3, 1), days=31, invoices=40)


@pytest.fixture
def staff_client(client, user):
    grant(user, "view_invoice", "view_reports")
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def fresh_cache():
    """Inicio keeps closed months in the cache: each test starts without another test's figures."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
