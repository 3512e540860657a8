"""Invoice list and submission benchmark on a throw-away PostgreSQL database; prints one line.

    python bench/invoices.py [--invoices 100000] [--submissions 200]

Creates ``bench_invoices_<pid>`` on postgres://postgres@127.0.0.1:5432 (BENCH_PG_URL), migrates it,
inserts the invoices with one INSERT ... SELECT generate_series, measures, and drops it.
List: the rendered list view (falls back to the selector + Paginator when the view is missing),
unfiltered and filtered, at page sizes 25 and 100: p50/p95 server time and query count. The view
pages by key since feat-roles and ignores ``page`` (every view request is a first page); the deep
pages are bench/list.py's.
Submission overhead: time of ``invoice_submit`` minus the time the emulator spent answering,
against the emulator's HTTP server in a thread (loopback HTTP counts as overhead).
Targets: list p95 < 100 ms with a query count that does not grow with the page size; overhead
p50 < 20 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = f"bench_invoices_{os.getpid()}"
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
        # Required without DEBUG; the bench passes its own client, pointed at its emulator thread.
        "FACTUS_BASE_URL": "http://127.0.0.1:8001",
        "DJANGO_ENV_FILE": "",
    }
)

import psycopg  # noqa: E402

SEED_SQL = """
INSERT INTO invoicing_invoice (reference_code, payment_form, payment_method_code, observation,
  send_email, status, number, prefix, cufe, qr_url, qr_image, total, gross_value, tax_amount,
  withholdings, dian_messages, field_errors, totals_mismatch, raw_response, created_at, updated_at,
  created_by_id, customer_id, numbering_range_id)
SELECT 'BENCH-' || g, '1', '10', '', false,
  (ARRAY['validated','validated','validated','draft','rejected','pending_dian','failed'])[1 + g %% 7],
  'SETP' || (990000000 + g), 'SETP', md5(g::text), '', '', 1335000.00, 1121848.74, 213151.26,
  '[]', '[]', '{}', '{}', '{}', now() - make_interval(mins => g), now(),
  %(user)s, (%(customers)s::bigint[])[1 + g %% %(n_customers)s], %(range)s
FROM generate_series(1, %(count)s) AS g
"""


CASES = {
    "all": {},
    "filtered": {"status": "validated", "q": "Cliente 17"},
    "text": {"q": "SETP99000"},
}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def admin_conn():
    return psycopg.connect(f"{SERVER.replace('postgres://', 'postgresql://')}/postgres", autocommit=True)


def seed(count: int):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    from core.roles import BILLING
    from tests.invoicing.factories import CustomerFactory, NumberingRangeFactory

    user = get_user_model().objects.create_user("bench", password="bench-pass-123")  # noqa: S106
    user.groups.add(Group.objects.get(name=BILLING))  # the list needs invoicing.view_invoice
    rng = NumberingRangeFactory()
    customers = [CustomerFactory() for _ in range(300)]
    with connection.cursor() as cursor:
        cursor.execute(
            SEED_SQL,
            {
                "user": user.pk,
                "customers": [c.pk for c in customers],
                "n_customers": len(customers),
                "range": rng.pk,
                "count": count,
            },
        )
        cursor.execute("ANALYZE")
    return user, customers


def measure_list(user, runs: int = 25) -> dict:
    """{mode: {case@size: (p50 ms, p95 ms, queries, p50 SQL ms)}}: rendered view and bare selector."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    modes = {"selector": None}
    try:
        modes["view"] = (Client(), reverse("invoicing:invoice_list"))
        modes["view"][0].force_login(user)
    except NoReverseMatch:
        pass
    return {mode: _measure_mode(target, runs) for mode, target in modes.items()}


def _measure_mode(target, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    for label, filters in CASES.items():
        for size in (25, 100):
            times, queries, sql = [], set(), []
            for run in range(runs + 3):
                page = random.randint(1, 4)
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    _one_list(target, filters, size, page)
                    elapsed = (time.perf_counter() - started) * 1000
                if run >= 3:  # warm-up
                    times.append(elapsed)
                    queries.add(len(ctx.captured_queries))
                    sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
            results[f"{label}@{size}"] = (pct(times, 0.5), pct(times, 0.95), max(queries), pct(sql, 0.5))
    return results


def _one_list(target, filters, size, page):
    if target is not None:
        client, url = target
        response = client.get(url, {**filters, "page_size": size, "page": page})
        assert response.status_code == 200, response.status_code
        return
    from django.core.paginator import Paginator

    from invoicing.selectors import invoice_list

    rows = Paginator(invoice_list(filters=filters), size).get_page(page)
    [(r.customer.names, r.numbering_range.prefix, r.total) for r in rows]


def measure_submit(user, customers, count: int) -> dict:
    from factus_emulator import Sandbox
    from factus_emulator.server import run_in_thread
    from invoicing.services import invoice_submit
    from tests.invoicing.conftest import make_client
    from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

    invoices = []
    for n in range(count):
        invoice = InvoiceFactory(customer=customers[n % len(customers)], created_by=user)
        for position in range(3):
            InvoiceItemFactory(
                invoice=invoice,
                position=position,
                discount_rate="5",
                withholdings=[{"code": "06", "rate": "2.5"}],
            )
        invoices.append(invoice)
    server, _, url = run_in_thread(Sandbox(seed=1))
    spent = _time_emulator(server)
    try:
        client = make_client(url)
        client.token_manager.get_token()
        overhead, app = [], []
        for invoice in invoices:
            spent.clear()
            started = time.perf_counter()
            result = invoice_submit(invoice_id=invoice.pk, user=user, client=client)
            total = time.perf_counter() - started
            assert result.ok, result.message
            app.append(total * 1000)
            overhead.append((total - sum(spent)) * 1000)
    finally:
        server.shutdown()
        server.server_close()
    return {"p50": pct(overhead, 0.5), "p95": pct(overhead, 0.95), "app_p50": pct(app, 0.5)}


def _time_emulator(server) -> list[float]:
    """Server-side time of every request (body read, emulator core, response write)."""
    spent, handler = [], server.RequestHandlerClass
    serve = handler._serve

    def timed_serve(self):
        started = time.perf_counter()
        try:
            serve(self)
        finally:
            spent.append(time.perf_counter() - started)

    handler.do_GET = handler.do_POST = handler.do_DELETE = timed_serve
    return spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--submissions", type=int, default=200)
    args = parser.parse_args()
    began = time.perf_counter()
    with admin_conn() as conn:
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        user, customers = seed(args.invoices)
        lists = measure_list(user)
        submit = measure_submit(user, customers, args.submissions)
    finally:
        from django.db import connections

        connections.close_all()
        with admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    print(report(args, lists, submit, time.perf_counter() - began))


def report(args, lists: dict, submit: dict, seconds: float) -> str:
    parts, verdicts = [], []
    for mode, cells in lists.items():
        text = " ".join(
            f"{key} {p50:.0f}/{p95:.0f}ms q{q} sql{sql:.0f}" for key, (p50, p95, q, sql) in cells.items()
        )
        parts.append(f"{mode} [{text}]")
        worst = max(v[1] for v in cells.values())
        flat = all(cells[f"{case}@25"][2] == cells[f"{case}@100"][2] for case in CASES)
        verdicts.append(f"{mode} {'OK' if worst < 100 and flat else 'MISSED'}")
    verdicts.append(f"overhead {'OK' if submit['p50'] < 20 else 'MISSED'}")
    return (
        f"bench/invoices: {args.invoices} invoices; list p50/p95 {'; '.join(parts)}; "
        f"submit overhead p50 {submit['p50']:.1f}ms p95 {submit['p95']:.1f}ms "
        f"(app p50 {submit['app_p50']:.1f}ms, n={args.submissions}); "
        f"targets (list p95<100ms + flat queries, overhead p50<20ms): {', '.join(verdicts)}; "
        f"{seconds:.0f}s"
    )


if __name__ == "__main__":
    main()
