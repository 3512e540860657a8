"""The total deadline of an exchange, against real sockets (a tiny threaded HTTP server).

Each fault drips faster than any per-read timeout (a byte every 0.2 s), so only a deadline on the
whole exchange can end these calls; the server gives up dripping after DRIP_LIMIT seconds, so a
broken deadline makes a test fail (no exception, or the wrong one) instead of hanging forever.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
import uuid

import pytest

from factus import deadline
from factus.auth import TokenManager
from factus.client import FactusClient
from factus.conf import FactusSettings
from factus.errors import (
    FactusConnectionError,
    FactusRateLimited,
    FactusServerError,
    FactusTimeout,
)
from factus.http import build_session

DRIP_INTERVAL = 0.2
DRIP_LIMIT = 15.0
TOKEN = {"token_type": "Bearer", "expires_in": 3600, "access_token": "tok-1", "refresh_token": "ref-1"}


def _response(status: int, body: dict, extra: str = "") -> bytes:
    payload = json.dumps(body).encode()
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{extra}"
        f"Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


class FaultyFactus:
    """Answers /oauth/token at once (unless ``oauth_mode`` says otherwise) and /v1/* per ``mode``."""

    def __init__(
        self, mode: str, oauth_mode: str = "ok", delay: float = 0.0, body: dict | None = None, tls=None
    ):
        self.mode, self.oauth_mode, self.delay, self.tls = mode, oauth_mode, delay, tls
        self.body = body or {"status": "OK", "data": {}}
        self.requests: list[str] = []
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.threads: list[threading.Thread] = []
        self.connections: list[socket.socket] = []
        self.accept_thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.listener.getsockname()[1]}"

    def api_requests(self) -> list[str]:
        return [line for line in self.requests if " /v1/" in line]

    def __enter__(self):
        self.accept_thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.accept_thread.join()
        for conn in self.connections:  # idle keep-alive connections: end their recv() at once
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for thread in self.threads:
            thread.join(timeout=DRIP_LIMIT)
        self.listener.close()

    def _accept(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _read_request(self, conn, buffer: bytes) -> tuple[str | None, bytes]:
        while b"\r\n\r\n" not in buffer:
            data = conn.recv(65536)
            if not data:
                return None, b""
            buffer += data
        head, rest = buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        length = next(
            (int(v) for k, _, v in (h.partition(":") for h in lines[1:]) if k.lower() == "content-length"), 0
        )
        while len(rest) < length:
            rest += conn.recv(65536)
        return lines[0], rest[length:]

    def _serve(self, conn):
        conn.settimeout(DRIP_LIMIT)
        buffer = b""
        with conn:
            try:
                if self.tls:
                    conn = self.tls.wrap_socket(conn, server_side=True)
                while not self.stop.is_set():
                    line, buffer = self._read_request(conn, buffer)
                    if line is None:
                        return
                    self.requests.append(line)
                    mode = self.oauth_mode if " /oauth/token" in line else self.mode
                    if not self._answer(conn, mode, TOKEN if " /oauth/token" in line else self.body):
                        return
            except OSError:  # the client cut the connection: what a deadline does
                return

    def _answer(self, conn, mode: str, body: dict) -> bool:
        """Play ``mode``; True when the connection may serve another request."""
        if mode == "drip-once":  # the first API call drips, the next ones are answered at once
            self.mode = "ok"
            mode = "drip-headers"
        if mode == "ok":
            time.sleep(self.delay)
            conn.sendall(_response(200, body))
            return True
        if mode == "silent":
            self.stop.wait(DRIP_LIMIT)
            return False
        if mode == "close":
            return False
        if mode == "500":
            conn.sendall(_response(500, {"message": "Server Error"}))
            return True
        if mode == "503":
            conn.sendall(_response(503, {"message": "Mantenimiento"}))
            return True
        if mode == "503-retry-after":
            conn.sendall(_response(503, {"message": "Mantenimiento"}, "Retry-After: 5\r\n"))
            return True
        if mode == "429-retry-after":
            conn.sendall(_response(429, {"message": "Too Many Attempts."}, "Retry-After: 5\r\n"))
            return True
        if mode == "drip-body":
            payload = json.dumps(body).encode().ljust(200)
            conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {len(payload)}\r\n\r\n".encode())
            self._drip(conn, payload)
            return False
        if mode == "drip-headers":
            self._drip(conn, b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 200 + b"\r\n\r\n")
            return False
        raise AssertionError(mode)

    def _drip(self, conn, data: bytes):
        given_up = time.monotonic() + DRIP_LIMIT
        for byte in data:
            if self.stop.wait(DRIP_INTERVAL) or time.monotonic() > given_up:
                return
            conn.sendall(bytes([byte]))


def make_client(url: str, *, timeout: float = 1.0, verify=True) -> FactusClient:
    from django.core.cache.backends.locmem import LocMemCache

    conf = FactusSettings(
        base_url=url,
        client_id="id",
        client_secret="secret",
        username="u@example.co",
        password="pw",
        timeout=timeout,
        connect_timeout=0.5,
    )
    session = build_session(conf)
    session.verify = verify
    session.trust_env = False  # a REQUESTS_CA_BUNDLE in the environment would override ``verify``
    cache = LocMemCache(f"deadline-{uuid.uuid4().hex}", {})
    return FactusClient(url, TokenManager(conf, session=session, cache=cache), session)


@pytest.mark.parametrize("mode", ["silent", "drip-body", "drip-headers"])
@pytest.mark.parametrize("call", ["post", "get"])
def test_a_silent_or_dripping_factus_ends_with_a_timeout_that_may_have_reached_it(mode, call):
    with FaultyFactus(mode) as server:
        client = make_client(server.url)
        with pytest.raises(FactusTimeout) as info:
            client.validate_bill({"reference_code": "R-1"}) if call == "post" else client.get_company()
    assert info.value.may_have_reached_server is True


@pytest.mark.parametrize("mode", ["silent", "drip-body", "drip-headers"])
def test_the_token_request_has_the_same_deadline(mode):
    with FaultyFactus("ok", oauth_mode=mode) as server:
        client = make_client(server.url)
        with pytest.raises(FactusTimeout):
            client.get_company()
    assert server.api_requests() == []


def test_the_timeout_message_says_it_may_have_been_done():
    with FaultyFactus("drip-body") as server, pytest.raises(FactusTimeout) as info:
        make_client(server.url).validate_bill({"reference_code": "R-1"})
    assert "pudo haberse completado" in info.value.message


@pytest.mark.parametrize("call", ["post", "get"])
def test_a_connection_closed_without_answer_is_a_dropped_connection_not_a_timeout(call):
    with FaultyFactus("close") as server:
        client = make_client(server.url)
        with pytest.raises(FactusConnectionError) as info:
            client.validate_bill({"reference_code": "R-1"}) if call == "post" else client.get_company()
    assert type(info.value) is FactusConnectionError
    assert info.value.may_have_reached_server is True


def test_a_500_is_a_server_error_not_a_timeout():
    with FaultyFactus("500") as server, pytest.raises(FactusServerError) as info:
        make_client(server.url).validate_bill({"reference_code": "R-1"})
    assert "a tiempo" not in info.value.message


def test_a_refused_connection_was_never_sent():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"  # closed when the block ends
    with pytest.raises(FactusConnectionError) as info:
        make_client(url).validate_bill({"reference_code": "R-1"})
    assert type(info.value) is FactusConnectionError
    assert info.value.may_have_reached_server is False


def test_a_budget_needing_more_calls_than_it_allows_ends_with_the_window():
    pages = {"status": "OK", "data": {"data": [], "pagination": {"current_page": 1, "last_page": 9}}}
    pages["data"]["data"] = [{"reference_code": "other"}]
    with FaultyFactus("ok", delay=0.4, body=pages) as server:
        client = make_client(server.url, timeout=5.0)
        with deadline.budget(1.0), pytest.raises(FactusTimeout):
            client.find_bill_by_reference("R-1")  # token + 9 pages at 0.4 s each
    assert len(server.requests) <= 3


def test_a_spent_budget_sends_nothing():
    with FaultyFactus("ok") as server:
        client = make_client(server.url)
        with deadline.budget(0), pytest.raises(FactusTimeout) as info:
            client.get_company()
    assert info.value.may_have_reached_server is False
    assert server.requests == []


def test_a_spent_budget_says_nothing_was_sent():
    with FaultyFactus("ok") as server, deadline.budget(0), pytest.raises(FactusTimeout) as info:
        make_client(server.url).get_company()
    assert "no se envió" in info.value.message


def test_get_retries_do_not_sleep_a_retry_after_past_the_window():
    with FaultyFactus("503-retry-after") as server:
        client = make_client(server.url, timeout=5.0)
        with deadline.budget(1.0), pytest.raises(FactusServerError):
            client.get_company()
    assert len(server.api_requests()) == 1


def test_get_retries_do_not_back_off_past_the_window():
    # Waits before the 2nd, 3rd and 4th tries: 0, 0.4 and 0.8 s; the 4th would end past 1 s.
    with FaultyFactus("503") as server:
        client = make_client(server.url, timeout=5.0)
        with deadline.budget(1.0), pytest.raises(FactusServerError):
            client.get_company()
    assert len(server.api_requests()) <= 3


def test_a_rate_limit_inside_the_window_is_handed_back_with_its_wait():
    with FaultyFactus("429-retry-after") as server:
        client = make_client(server.url, timeout=5.0)
        with deadline.budget(1.0), pytest.raises(FactusRateLimited) as info:
            client.get_company()
    assert info.value.retry_after == 5


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A throwaway self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    if not shutil.which("openssl"):
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, str(cert)


@pytest.mark.parametrize("mode", ["drip-headers", "drip-body", "silent"])
def test_over_tls_a_dripping_factus_ends_with_a_timeout_too(certificate, mode):
    context, cert = certificate
    with FaultyFactus(mode, tls=context) as server:
        client = make_client(server.url, verify=cert)
        with pytest.raises(FactusTimeout) as info:
            client.validate_bill({"reference_code": "R-1"})
    assert info.value.may_have_reached_server is True


def test_over_tls_an_answer_on_time_is_read(certificate):
    context, cert = certificate
    with FaultyFactus("ok", tls=context, body={"status": "OK", "data": {"nit": "9"}}) as server:
        assert make_client(server.url, verify=cert).get_company() == {"nit": "9"}


def test_after_a_cut_exchange_the_same_client_works_again():
    with FaultyFactus("drip-once", body={"status": "OK", "data": {"nit": "9"}}) as server:
        client = make_client(server.url)
        with pytest.raises(FactusTimeout):
            client.get_company()
        assert client.get_company() == {"nit": "9"}
