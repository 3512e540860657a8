"""The HTTP server transport, the CLI, concurrency and package independence."""

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from factus_emulator import Sandbox
from factus_emulator.server import run_in_thread

from .conftest import Api, seed_bill

PACKAGE = Path(__file__).resolve().parents[2] / "factus_emulator"


@pytest.fixture
def server():
    sandbox = Sandbox()
    httpd, thread, base_url = run_in_thread(sandbox, "127.0.0.1", 0)
    yield sandbox, base_url
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def test_real_http_round_trip(server):
    _, base_url = server
    api = Api(requests.Session(), base_url)
    api.login()
    created = api.validate(seed_bill())
    assert created.status_code == 201
    assert created.headers["Content-Type"] == "application/json"
    listed = api.get("/v1/bills").json()["data"]
    assert listed["pagination"]["links"][1]["url"] == f"{base_url}/v1/bills?page=1"
    assert api.get("/_emulator/stats").json()["token_grants"] == {"password": 1}
    assert requests.get(f"{base_url}/v1/company", timeout=5).status_code == 401


def test_concurrent_validations_get_distinct_numbers(server):
    _, base_url = server
    api = Api(requests.Session(), base_url)
    token = api.login()["access_token"]

    def create(n):
        return requests.post(
            f"{base_url}/v1/bills/validate",
            json=seed_bill(f"C{n}"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(create, range(24)))
    assert {r.status_code for r in results} == {201}
    assert len({r.json()["data"]["bill"]["number"] for r in results}) == 24


def test_cli_prints_address_and_credentials():
    process = subprocess.Popen(
        [sys.executable, "-m", "factus_emulator", "--port", "0", "--rate-limit", "80"],
        cwd=PACKAGE.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        url = re.search(r"http://\S+", lines[0]).group(0)
        assert "emulator-client-id" in lines[1] and "emulador-demo" in lines[2]
        config = requests.get(f"{url}/_emulator/config", timeout=5).json()
        assert config["rate_limit"] == 80
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_package_imports_nothing_from_django():
    for source in PACKAGE.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+(django|catalog|invoicing|factus)\b", text, re.M), source


def test_handle_contract():
    status, headers, body = Sandbox().handle("GET", "/v1/countries?name=col", {}, b"")
    assert status == 401 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"message": "Unauthenticated."}
