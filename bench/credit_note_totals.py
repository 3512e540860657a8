"""A credit note's live-totals request on a 200-line invoice, on a throw-away PostgreSQL database;
prints one line.

    python bench/credit_note_totals.py [--lines 200] [--runs 60]

Creates ``bench_cn_totals_<pid>`` on postgres://postgres@127.0.0.1:5432 (BENCH_PG_URL), migrates it,
makes a validated invoice of ``--lines`` lines with one validated note already crediting part of
every line, then POSTs the partial-note form (every row: one unit returned) to
``invoicing:credit_note_totals`` through Django's test client, as htmx does on every change, and
drops the database. Nothing is sent to Factus. Reports p50/p95 server time and the query count.
Target: the invoice form's (p95 < 150 ms at 200 lines), with a query count that does not grow with
the lines.
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
DB_NAME = f"bench_cn_totals_{os.getpid()}"
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


def partial_form(lines: int) -> tuple[int, dict]:
    """A validated invoice of ``lines`` lines (3 units each), a validated note returning one unit of
    each, and the partial-note form returning one more unit of every line."""
    from decimal import Decimal

    from invoicing.models import CreditNote, CreditNoteItem, Invoice
    from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

    invoice = InvoiceFactory(status=Invoice.Status.VALIDATED, number="SETP990000001", factus_id=1)
    items = [
        InvoiceItemFactory(invoice=invoice, position=i, quantity=3, price=Decimal(f"{1000 + i}.50"))
        for i in range(lines)
    ]
    invoice.total = sum((Decimal(3) * item.price for item in items), Decimal(0))
    invoice.save(update_fields=["total"])
    note = CreditNote.objects.create(
        invoice=invoice, status=CreditNote.Status.VALIDATED, correction_concept="1", total=Decimal("1.00")
    )
    CreditNoteItem.objects.bulk_create(
        CreditNoteItem(
            credit_note=note,
            invoice_item=item,
            position=i,
            code_reference=item.code_reference,
            name=item.name,
            quantity=1,
            price=item.price,
            unit_id=item.unit_id,
            standard_code_id=item.standard_code_id,
            tribute_id=item.tribute_id,
        )
        for i, item in enumerate(items)
    )
    data = {"concept": "1", "observation": "", "lines-TOTAL_FORMS": str(lines), "lines-INITIAL_FORMS": "0"}
    for i, item in enumerate(items):
        data.update({f"lines-{i}-invoice_item": item.pk, f"lines-{i}-quantity": "1", f"lines-{i}-price": ""})
    return invoice.pk, data


def measure(lines: int, runs: int) -> tuple[float, float, float, int, str]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from core.roles import BILLING

    user = get_user_model().objects.create_user("bench", password="bench-pass-123")  # noqa: S106
    user.groups.add(Group.objects.get(name=BILLING))  # the role that makes credit notes
    client = Client()
    client.force_login(user)
    invoice_id, data = partial_form(lines)
    url = reverse("invoicing:credit_note_totals", args=[invoice_id])
    body = urlencode(data)  # as htmx posts it (the test client would send multipart)
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
    total = html.split('id="credit-note-total">', 1)[1].split("<", 1)[0]
    assert total != "—", "the note was not totalled"
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
        p50, p95, cpu_p50, queries, total = measure(args.lines, args.runs)
    finally:
        from django.db import connections

        connections.close_all()
        with admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    verdict = "OK" if p95 < TARGET_P95_MS else "SLOW"
    print(
        f"credit_note_totals: {args.lines} lines, {args.runs} runs: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"(target < {TARGET_P95_MS} ms: {verdict}), CPU p50 {cpu_p50:.1f} ms, {queries} queries, "
        f"total {total}, load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
