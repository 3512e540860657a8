"""A Factus on a real socket that drips, stalls or answers 500, through the submit view, and a dead
worker's SUBMITTING row retried from two tabs at once: never "Enviando", never a second bill, and the
"Último intento" panel says whether the bill may exist."""

import contextlib
import json
import socket
import threading
import time
from datetime import timedelta

import pytest
import responses
from django.core.cache import cache
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from factus_emulator.testing import register
from invoicing.models import Invoice
from invoicing.payloads import bill_payload
from invoicing.services import invoice_submit
from tests.invoicing.conftest import BASE, bills, make_client
from tests.invoicing.test_views import draft

pytestmark = pytest.mark.django_db
TOKEN = json.dumps({"token_type": "Bearer", "expires_in": 3600, "access_token": "t", "refresh_token": "r"})


class Stubborn:
    """A tiny HTTP/1.1 server: behaviour per (method, path prefix) -> callable(conn)."""

    def __init__(self, routes):
        self.routes = routes
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.seen = []
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            line = head.split(b"\r\n")[0].decode()
            method, path, _ = line.split(" ", 2)
            length = next(
                (
                    int(h.split(b":")[1])
                    for h in head.split(b"\r\n")
                    if h.lower().startswith(b"content-length")
                ),
                0,
            )
            while len(body) < length:
                body += conn.recv(65536)
            self.seen.append((time.monotonic(), method, path))
            for (m, prefix), action in self.routes.items():
                if m == method and path.startswith(prefix):
                    with contextlib.suppress(OSError):
                        action(conn)
                    return

    def close(self):
        self.stop.set()
        self.sock.close()


def answer(status, body):
    def send(conn):
        raw = body.encode()
        conn.sendall(
            f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(raw)}\r\n"
            f"Connection: close\r\n\r\n".encode()
            + raw
        )

    return send


def drip(conn):
    conn.sendall(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(120):
        conn.sendall(b" ")
        time.sleep(0.5)


def stall(conn):
    time.sleep(60)


@pytest.fixture
def factus_at(settings):
    servers = []

    def start(routes, timeout=1.5, budget=4.0):
        cache.clear()
        server = Stubborn({("POST", "/oauth/token"): answer(200, TOKEN), **routes})
        servers.append(server)
        settings.FACTUS_BASE_URL = server.url
        settings.FACTUS_TIMEOUT = timeout
        settings.FACTUS_CONNECT_TIMEOUT = 1.0
        settings.FACTUS_REQUEST_BUDGET = budget
        return server

    yield start
    for server in servers:
        server.close()


ACTS = {
    "drip": drip,
    "stall": stall,
    "500": answer(500, '{"message":"Server Error"}'),
    "empty": answer(200, '{"data":{"data":[],"pagination":{}}}'),
}


@pytest.mark.parametrize(
    ("validate", "lookup", "status", "may_exist"),
    [
        ("drip", "stall", Invoice.Status.UNVERIFIED, "Puede que sí"),
        ("stall", "stall", Invoice.Status.UNVERIFIED, "Puede que sí"),
        ("drip", "500", Invoice.Status.UNVERIFIED, "Puede que sí"),
        ("stall", "empty", Invoice.Status.FAILED, "No aparece en Factus por ahora"),
        ("500", "drip", Invoice.Status.UNVERIFIED, "Puede que sí"),
    ],
)
def test_a_factus_that_drips_or_stalls_ends_the_attempt_and_says_so(
    user_client, factus_at, validate, lookup, status, may_exist
):
    factus_at({("POST", "/v1/bills/validate"): ACTS[validate], ("GET", "/v1/bills"): ACTS[lookup]})
    invoice = draft()
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    invoice.refresh_from_db()
    assert response.status_code == 200
    assert invoice.status == status
    assert may_exist in response.text


def test_budget_spent_by_validate_no_lookup_is_claimed(user_client, factus_at):
    server = factus_at({("POST", "/v1/bills/validate"): stall, ("GET", "/v1/bills"): ACTS["empty"]}, 3.0, 3.0)
    invoice = draft()
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    assert [path for _, method, path in server.seen if method == "GET"] == []
    assert "No quedó tiempo en esta solicitud para consultar Factus por la referencia" in response.text


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.parametrize("created", [True, False], ids=["bill-created-before-dying", "nothing-sent"])
def test_dead_workers_invoice_retried_from_two_tabs_makes_one_bill(make_invoice, staff, sandbox, created):
    invoice = make_invoice()
    sandbox.configure(latency_ms=300)  # the first retry is still in flight when the second arrives
    results, start = [], threading.Barrier(2)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, sandbox, BASE)
        client = make_client(BASE)
        if created:  # the worker sent it, Factus created it, then the worker was killed
            client.validate_bill(bill_payload(invoice))
        Invoice.objects.filter(pk=invoice.pk).update(
            status=Invoice.Status.SUBMITTING, submitting_since=timezone.now() - timedelta(minutes=5)
        )

        def click():
            try:
                start.wait()
                results.append(invoice_submit(invoice_id=invoice.pk, user=staff, client=client))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=click) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    invoice.refresh_from_db()
    assert sorted(result.outcome for result in results) == ["busy", "validated"]
    assert len(bills(sandbox)) == 1
    assert invoice.events.get().action == ("reconcile" if created else "retry")
