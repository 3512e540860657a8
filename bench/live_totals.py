"""Live-totals request at 200 lines on a throw-away PostgreSQL database; prints one line.

    python bench/live_totals.py [--lines 200] [--runs 60]

Creates ``bench_live_totals_<pid>`` on postgres://postgres@127.0.0.1:5432 (BENCH_PG_URL), migrates it,
then POSTs the whole invoice form (``--lines`` lines, every line naming a product, a unit, a code
standard and a tribute) to ``invoicing:invoice_totals`` through Django's test client, as htmx does
on every change, and drops the database. Reports p50/p95 server time and the query count.
Target: p95 < 150 ms at 200 lines, with a query count that does not grow with the lines.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = f"bench_live_totals_{os.getpid()}"
os.environ.update(
    {
        "DATABASE_URL": f"{SERVER}/{DB_NAME}",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_STATIC_MANIFEST": "false",
        "DJANGO_ALLOWED_HOSTS": "testserver,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "factus_project.settings",
        "FACTUS_BASE_URL": "http://127.0.0.1:8001",  # required without DEBUG; never called here
    }
)

import psycopg  # noqa: E402

TARGET_P95_MS = 150
FORM_ENCODED = "application/x-www-form-urlencoded"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def admin_conn():
    return psycopg.connect(f"{SERVER.replace('postgres://', 'postgresql://')}/postgres", autocommit=True)


def form_data(lines: int) -> dict:
    """The invoice form as the browser posts it: header, management form and ``lines`` full lines."""
    from catalog.models import MeasurementUnit, StandardCode, Tribute
    from tests.catalog.factories import CustomerFactory, NumberingRangeFactory, ProductFactory

    products = [ProductFactory(code_reference=f"B-{i}", price=f"{1000 + i}.50") for i in range(20)]
    unit = MeasurementUnit.objects.get(factus_id=70).pk
    standard = StandardCode.objects.get(factus_id=1).pk
    tribute = Tribute.objects.get(factus_id=1).pk
    data = {
        "customer": CustomerFactory().pk,
        "numbering_range": NumberingRangeFactory().pk,
        "payment_form": "1",
        "payment_method": "10",
        "observation": "",
        "send_email": "on",
        "shown_figures": "",
        "items-TOTAL_FORMS": str(lines),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "200",
    }
    for i in range(lines):
        product = products[i % len(products)]
        values = {
            "product": product.pk,
            "code_reference": product.code_reference,
            "name": product.name,
            "quantity": f"{1 + i % 7}",
            "price": f"{1 + i}.000,50",  # es-CO text, as typed
            "discount_rate": "2,5",
            "tax_rate": "19",
            "unit": unit,
            "standard_code": standard,
            "tribute": tribute,
            "withholding_05": "15",
            "withholding_06": "2,5",
            "withholding_07": "",
        }
        data.update({f"items-{i}-{key}": value for key, value in values.items()})
    return data


def measure(lines: int, runs: int) -> tuple[float, float, float, int, str]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    # Any user allowed to make invoices; a superuser needs no role setup.
    user = get_user_model().objects.create_superuser("bench", password="bench-pass-123")  # noqa: S106
    client = Client()
    client.force_login(user)
    url = reverse("invoicing:invoice_totals")
    body = urlencode(form_data(lines))  # as htmx posts it (the test client would send multipart)
    times, cpu, queries, html = [], [], set(), ""
    for run in range(runs + 5):
        with CaptureQueriesContext(connection) as ctx:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.post(url, body, content_type=FORM_ENCODED, HTTP_HX_REQUEST="true")
            elapsed = (time.perf_counter() - started) * 1000
            cpu_ms = (time.process_time() - cpu_started) * 1000
        assert response.status_code == 200, response.status_code
        html = response.text
        if run >= 5:  # warm-up
            times.append(elapsed)
            cpu.append(cpu_ms)
            queries.add(len(ctx.captured_queries))
    assert "No suma" not in html, "some lines were not totalled"
    total = html.split('id="invoice-total">', 1)[1].split("<", 1)[0]
    return pct(times, 0.5), pct(times, 0.95), pct(cpu, 0.5), max(queries), total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    with admin_conn() as conn:
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        # As the server process does at start (factus_project/wsgi.py): load the code, freeze the heap.
        from core.startup import warm_up_and_freeze

        warm_up_and_freeze()
        p50, p95, cpu_p50, queries, total = measure(args.lines, args.runs)
    finally:
        from django.db import connections

        connections.close_all()
        with admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    verdict = "OK" if p95 < TARGET_P95_MS else "SLOW"
    # The machine may be shared: the CPU time of this process and the load say how much it was.
    print(
        f"live_totals: {args.lines} lines, {args.runs} runs: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"(target < {TARGET_P95_MS} ms: {verdict}), CPU p50 {cpu_p50:.1f} ms, {queries} queries, "
        f"total {total}, load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
