import copy
import json
import uuid
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import responses
from django.core.cache.backends.locmem import LocMemCache

from factus.auth import TokenManager
from factus.client import FactusClient
from factus.conf import FactusSettings
from factus.http import build_session
from factus_emulator.core import Sandbox
from factus_emulator.testing import register

BASE = "http://factus.test"
FIXTURES = Path(__file__).parent / "fixtures"
# Distinctive values, so a leak is easy to spot in logs and exception text.
CLIENT_SECRET = "client-secret-Zq8vW3"
PASSWORD = "password-Kx7pL2"


def load_fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class OAuthStub:
    """A scripted /oauth/token: numbered tokens, optional refusals, every grant recorded."""

    def __init__(self, rsps, expires_in=3600):
        self.expires_in, self.grants, self.count = expires_in, [], 0
        self.refuse_refresh = self.refuse_password = False
        rsps.add_callback("POST", f"{BASE}/oauth/token", callback=self._answer)

    def _answer(self, request):
        form = dict(parse_qsl(request.body))
        grant = form["grant_type"]
        self.grants.append(grant)
        if grant == "password" and self.refuse_password:
            return 400, {}, json.dumps(load_fixture("oauth-invalid-grant.json"))
        if grant == "refresh_token" and self.refuse_refresh:
            return 401, {}, json.dumps(load_fixture("oauth-invalid-refresh.json"))
        self.count += 1
        body = {
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "access_token": f"access-{self.count}-SECRETtok",
            "refresh_token": f"refresh-{self.count}-SECRETref",
        }
        return 200, {}, json.dumps(body)

    @property
    def tokens(self) -> list[str]:
        return [f"access-{n}-SECRETtok" for n in range(1, self.count + 1)]


@pytest.fixture
def conf():
    return FactusSettings(
        base_url=BASE,
        client_id="client-id-test",
        client_secret=CLIENT_SECRET,
        username="facturacion@example.co",
        password=PASSWORD,
        timeout=3.0,
        connect_timeout=1.0,
        token_leeway=60,
    )


@pytest.fixture
def cache():
    backend = LocMemCache(f"factus-tests-{uuid.uuid4().hex}", {})
    yield backend
    backend.clear()


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def oauth(rsps):
    return OAuthStub(rsps)


@pytest.fixture
def manager(conf, cache, oauth):
    return TokenManager(conf, session=build_session(conf), cache=cache)


@pytest.fixture
def factus(conf, manager):
    return FactusClient(conf.base_url, manager, manager.session)


@pytest.fixture
def sandbox():
    return Sandbox()


@pytest.fixture
def emulated(sandbox, cache):
    conf = FactusSettings(
        base_url=BASE,
        client_id="emulator-client-id",
        client_secret="emulator-client-secret",
        username="demo@emulador-factus.com",
        password="emulador-demo",
        timeout=5,
        connect_timeout=1,
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, sandbox, BASE)
        session = build_session(conf)
        yield FactusClient(BASE, TokenManager(conf, session=session, cache=cache), session)


def bill_payload(reference: str, **customer) -> dict:
    payload = copy.deepcopy(load_fixture("bills-validate-request.json"))
    payload.update(reference_code=reference, numbering_range_id=8)
    payload["customer"].update(customer)
    return payload
