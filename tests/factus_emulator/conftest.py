import copy
import json
from pathlib import Path

import pytest
import requests
import responses

from factus_emulator import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME, Sandbox
from factus_emulator.testing import register

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "http://factus.test"
START = 1_760_000_000.0  # 2025-10-09, inside the seeded ranges' validity


def fixture(name: str):
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


class Clock:
    """Injectable clock: tests move time instead of sleeping."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Api:
    """A real requests Session pointed at the emulator."""

    def __init__(self, session: requests.Session, base: str = BASE) -> None:
        self.session = session
        self.base = base

    def token(self, **fields) -> requests.Response:
        data = {
            "grant_type": "password",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "username": USERNAME,
            "password": PASSWORD,
        }
        data.update(fields)
        return self.session.post(
            f"{self.base}/oauth/token", data=data, headers={"Accept": "application/json"}, timeout=5
        )

    def login(self) -> dict:
        grant = self.token().json()
        self.session.headers["Authorization"] = f"Bearer {grant['access_token']}"
        return grant

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 5)
        return self.session.request(method, f"{self.base}{path}", **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def validate(self, payload: dict) -> requests.Response:
        return self.post("/v1/bills/validate", json=payload)


def docs_bill(reference: str = "fact0022025", **overrides) -> dict:
    """The documented request, with the withholding rates its response actually used."""
    payload = fixture("bills-validate-request")
    payload["numbering_range_id"] = 8
    payload["reference_code"] = reference
    for item in payload["items"]:
        for hold in item["withholding_taxes"]:
            hold["withholding_tax_rate"] = {"05": "15.00", "06": "7.00"}[hold["code"]]
    payload.update(overrides)
    return payload


def seed_bill(reference: str = "seed-1", **customer) -> dict:
    """The real-sandbox example: 1 500 000 x1, 11 % discount, 19 % IVA, ReteRenta 7 %."""
    payload = docs_bill(reference)
    payload.pop("establishment")
    payload.pop("allowance_charges")
    payload["items"] = [
        {
            "code_reference": "P-1",
            "name": "Portátil",
            "quantity": 1,
            "discount_rate": 11,
            "price": 1500000,
            "tax_rate": "19.00",
            "unit_measure_id": 70,
            "standard_code_id": 1,
            "is_excluded": 0,
            "tribute_id": 1,
            "withholding_taxes": [{"code": "06", "withholding_tax_rate": "7.00"}],
        }
    ]
    payload["customer"] = {**copy.deepcopy(payload["customer"]), **customer}
    return payload


def nit_customer(nit: str, dv) -> dict:
    return {
        "identification_document_id": 6,
        "identification": nit,
        "dv": dv,
        "legal_organization_id": 1,
        "company": "Empresa S.A.S.",
        "names": "",
    }


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(clock) -> Sandbox:
    return Sandbox(clock=clock, seed=7)


@pytest.fixture
def wire(sandbox):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, sandbox, BASE)
        yield Api(requests.Session())


@pytest.fixture
def api(wire) -> Api:
    wire.login()
    return wire
