"""Throughput of the Factus emulator over real HTTP; prints one line.

    python bench/emulator.py [--threads 4] [--seconds 3]

The server runs as ``python -m factus_emulator`` in a subprocess (its own GIL, as under
``make run``); the client threads run here.
"""

from __future__ import annotations

import argparse
import itertools
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factus_emulator import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME  # noqa: E402


def bill(reference: str) -> dict:
    return {
        "numbering_range_id": 8,
        "reference_code": reference,
        "payment_method_code": "10",
        "customer": {
            "identification_document_id": 3,
            "identification": "123456789",
            "names": "Alan Turing",
            "email": "alan@example.com",
            "legal_organization_id": 2,
            "tribute_id": 21,
            "municipality_id": 980,
        },
        "items": [
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
        ],
    }


def token(base_url: str) -> str:
    response = requests.post(
        f"{base_url}/oauth/token",
        timeout=5,
        data={
            "grant_type": "password",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "username": USERNAME,
            "password": PASSWORD,
        },
    )
    response.raise_for_status()
    return response.json()["access_token"]


def measure(call, threads: int, seconds: float) -> float:
    """Requests per second of ``call(session)`` run by ``threads`` workers for ``seconds``."""
    deadline = time.perf_counter() + seconds
    counts = [0] * threads
    failures: list[str] = []

    def worker(slot: int) -> None:
        session = requests.Session()
        while time.perf_counter() < deadline:
            status = call(session)
            if status >= 300:
                failures.append(str(status))
                return
            counts[slot] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if failures:
        raise SystemExit(f"emulator bench: unexpected status {failures[0]}")
    return sum(counts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "factus_emulator", "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        base_url = re.search(r"http://\S+", server.stdout.readline()).group(0)
        headers = {"Authorization": f"Bearer {token(base_url)}", "Accept": "application/json"}
        refs = itertools.count()

        def validate(session: requests.Session) -> int:
            return session.post(
                f"{base_url}/v1/bills/validate", json=bill(f"B{next(refs)}"), headers=headers, timeout=10
            ).status_code

        def lookup(session: requests.Session) -> int:
            return session.get(f"{base_url}/v1/measurement-units", headers=headers, timeout=10).status_code

        validate_rps = measure(validate, args.threads, args.seconds)
        lookup_rps = measure(lookup, args.threads, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=5)
    print(
        f"emulator: validate {validate_rps:.0f} req/s, lookup {lookup_rps:.0f} req/s "
        f"({args.threads} threads, {args.seconds:g} s each)"
    )


if __name__ == "__main__":
    main()
