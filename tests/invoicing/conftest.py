import uuid

import pytest
import requests
import responses

from factus.auth import TokenManager
from factus.client import FactusClient
from factus.conf import FactusSettings
from factus.http import build_session
from factus_emulator import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME, Sandbox
from factus_emulator.testing import register
from tests.invoicing.factories import CustomerFactory, InvoiceFactory, InvoiceItemFactory, UserFactory

BASE = "http://factus.test"


def make_client(base_url: str, timeout: float = 5.0) -> FactusClient:
    conf = FactusSettings(
        base_url=base_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        username=USERNAME,
        password=PASSWORD,
        timeout=timeout,
        connect_timeout=1.0,
    )
    session = build_session(conf)
    return FactusClient(base_url, TokenManager(conf, session=session, namespace=uuid.uuid4().hex), session)


class Faults:
    """One-shot faults on the way to the emulator: ``timeout_before`` / ``timeout_after`` it
    processed the request, or it processed it and the answer was lost (``500_after``: a Laravel-like
    500, ``drop_after``: the connection closed without an answer)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.planned: list[tuple[str, str, str]] = []
        self._handle = sandbox.handle
        sandbox.handle = self.handle

    def add(self, method: str, path: str, mode: str) -> None:
        self.planned.append((method, path, mode))

    def handle(self, method, path, headers=None, body=b""):
        for fault in self.planned:
            if fault[0] == method and path.startswith(fault[1]):
                self.planned.remove(fault)
                if fault[2].endswith("_after"):
                    self._handle(method, path, headers, body)
                if fault[2] == "500_after":
                    return 500, {"Content-Type": "application/json"}, b'{"message": "Server Error"}'
                if fault[2] == "drop_after":
                    raise requests.exceptions.ConnectionError("Connection aborted: RemoteDisconnected")
                raise requests.exceptions.ReadTimeout("simulated read timeout")
        return self._handle(method, path, headers, body)


@pytest.fixture
def sandbox():
    return Sandbox(seed=3)


@pytest.fixture
def faults(sandbox):
    return Faults(sandbox)


@pytest.fixture
def factus(sandbox, faults):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, sandbox, BASE)
        yield make_client(BASE)


@pytest.fixture
def staff(db):
    return UserFactory(username="cajera")


def bills(sandbox) -> list[dict]:
    return sandbox.snapshot()["bills"]


@pytest.fixture
def make_invoice(db):
    """An invoice with the documented seed line (1 500 000, 11 %, 19 %, ReteRenta 7 %)."""

    def build(identification=None, items=1, **customer):
        if identification:
            customer["identification"] = identification
        invoice = InvoiceFactory(customer=CustomerFactory(**customer))
        for position in range(items):
            InvoiceItemFactory(
                invoice=invoice,
                position=position,
                price="1500000.00",
                discount_rate="11",
                withholdings=[{"code": "06", "rate": "7.00"}],
            )
        return invoice

    return build


@pytest.fixture(autouse=True)
def no_backoff_sleep(monkeypatch):
    """The lookup-by-reference backoff sleeps are recorded, not slept (tests assert no timings)."""
    from invoicing.services import resolve

    slept: list[float] = []
    monkeypatch.setattr(resolve, "sleep", slept.append)
    return slept


@pytest.fixture
def live(sandbox):
    """(client, sandbox): a FactusClient talking to the emulator over a real socket."""
    from factus_emulator.server import run_in_thread

    server, _, url = run_in_thread(sandbox)
    try:
        client = make_client(url)
        yield client
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def note_range(db):
    """The sandbox's credit-note range (NC, id 9) as catalog sync stores it."""
    from tests.catalog.factories import NumberingRangeFactory

    return NumberingRangeFactory(
        factus_id=9,
        document="22",
        document_name="Nota Crédito",
        prefix="NC",
        from_number=1,
        to_number=16000000,
        current=1,
        resolution_number="",
        technical_key="",
    )
