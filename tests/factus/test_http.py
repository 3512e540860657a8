"""The Session: headers, default timeouts, GET-only retries and network failures."""

import socket
import threading

import pytest
import requests

from factus.auth import TokenManager
from factus.client import FactusClient
from factus.conf import FactusSettings
from factus.errors import FactusConnectionError, FactusError, FactusServerError, FactusTimeout
from factus.http import USER_AGENT, DeadlineTimeout, build_session
from tests.factus.conftest import BASE


def api_calls(rsps):
    return [c for c in rsps.calls if "/v1/" in c.request.url]


def test_requests_carry_json_headers_user_agent_bearer_and_the_exchange_deadline(rsps, oauth, factus, conf):
    rsps.get(f"{BASE}/v1/countries", json={"status": "OK", "data": []})
    rsps.post(f"{BASE}/v1/bills/validate", status=201, json={"status": "Created", "data": {"bill": {}}})
    factus.list_countries()
    factus.validate_bill({"reference_code": "R-1"})
    get, post = (c.request for c in api_calls(rsps))
    assert get.headers["Accept"] == post.headers["Accept"] == "application/json"
    assert get.headers["User-Agent"] == USER_AGENT
    assert get.headers["Authorization"] == f"Bearer {oauth.tokens[0]}"
    assert "Content-Type" not in get.headers
    assert post.headers["Content-Type"] == "application/json"
    assert isinstance(post.req_kwargs["timeout"], DeadlineTimeout)
    assert 0 < post.req_kwargs["timeout"].connect_timeout <= conf.connect_timeout


def test_get_is_retried_on_503_then_succeeds(rsps, factus):
    rsps.get(f"{BASE}/v1/countries", status=503, json={"message": "Mantenimiento"})
    rsps.get(f"{BASE}/v1/countries", json={"status": "OK", "data": [{"id": 46, "code": "CO"}]})
    assert factus.list_countries() == [{"id": 46, "code": "CO"}]
    assert len(api_calls(rsps)) == 2


def test_get_retries_are_bounded(rsps, factus):
    rsps.get(f"{BASE}/v1/countries", status=502, json={"message": "Bad Gateway"})
    with pytest.raises(FactusServerError):
        factus.list_countries()
    assert len(api_calls(rsps)) == 4  # the first try and three retries


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_post_is_never_retried(rsps, factus, status):
    rsps.post(f"{BASE}/v1/bills/validate", status=status, json={"message": "x"})
    rsps.post(f"{BASE}/v1/bills/validate", status=201, json={"status": "Created", "data": {}})
    with pytest.raises(FactusError):
        factus.validate_bill({"reference_code": "R-1"})
    assert len(api_calls(rsps)) == 1


@pytest.mark.parametrize(
    ("exc", "reached", "said"),
    [
        (requests.exceptions.ReadTimeout("read timed out"), True, "no respondió a tiempo"),
        (requests.exceptions.ConnectTimeout("connect timed out"), False, "no se envió"),
    ],
)
def test_timeouts_become_factus_timeouts(rsps, factus, exc, reached, said):
    rsps.post(f"{BASE}/v1/bills/validate", body=exc)
    with pytest.raises(FactusTimeout) as info:
        factus.validate_bill({"reference_code": "R-1"})
    assert info.value.may_have_reached_server is reached
    assert said in info.value.message


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_real_read_timeout_uses_the_default_timeout(silent_server, cache):
    conf = FactusSettings(
        base_url=silent_server,
        client_id="a",
        client_secret="b",
        username="c",
        password="d",
        timeout=0.3,
        connect_timeout=0.3,
    )
    session = build_session(conf)
    client = FactusClient(conf.base_url, TokenManager(conf, session=session, cache=cache), session)
    with pytest.raises(FactusConnectionError) as info:
        client.get_company()
    assert info.value.may_have_reached_server is True


def test_refused_connection_never_reached_the_server(cache):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed when the block ends: nothing listens there
    conf = FactusSettings(
        base_url=f"http://127.0.0.1:{port}",
        client_id="a",
        client_secret="b",
        username="c",
        password="d",
        timeout=0.3,
        connect_timeout=0.3,
    )
    manager = TokenManager(conf, session=build_session(conf), cache=cache)
    with pytest.raises(FactusConnectionError) as info:
        manager.get_token()
    assert info.value.may_have_reached_server is False
