"""Invoice list and submission benchmark on a throw-away PostgreSQL database; prints one line.

    python bench/invoices.py [--invoices 100000] [--submissions 200]

Creates ``bench_invoices_<pid>`` on postgres://postgres@127.0.0.1:5432 (BENCH_PG_URL), migrates it,
inserts the invoices with one INSERT ... SELECT generate_series, measures, and drops it. As deployed:
Redis is the shared cache (BENCH_REDIS_URL, a spare database that is flushed), the heap is frozen
after start (core.startup), and the fleet rate limit is on but wide (no submission waits for a turn).
List: the rendered list view (falls back to the selector + Paginator when the view is missing),
unfiltered and filtered, at page sizes 25 and 100: p50/p95 server time and query count. The view
pages by key since feat-roles and ignores ``page`` (every view request is a first page); the deep
pages are bench/list.py's.
Submission overhead: time of ``invoice_submit`` minus the time the emulator spent answering (its
Server-Timing header), against the emulator's HTTP server in a process of its own, as Factus is
another machine (loopback HTTP and the emulator's request parsing count as overhead), its query count,
and the CPU time of the submitting thread (``time.thread_time``: neither the emulator thread nor the
waits on PostgreSQL; what stays comparable when the machine is loaded).
Credit-note submission overhead, measured the same way: each validated invoice then gets a note
(``credit_note_submit``: claim with the limits re-checked under the invoice lock, payload, record),
alternately a void note (every line) and a partial return of one line; then, to show the query count
does not grow with the number of lines, void notes of 1-line and 200-line invoices.
Targets: list p95 < 100 ms with a query count that does not grow with the page size; overhead
p50 < 20 ms for the invoice and for the note, the note's query count flat in its lines.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = f"bench_invoices_{os.getpid()}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
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
        # As deployed for more than one process (docs/deployment.md, bench/bulk.py): Redis is the
        # shared cache, the token's and the fleet rate limit's store (a spare database, flushed).
        "CACHE_URL": REDIS_URL,
        # The fleet's Factus budget (factus.ratelimit) stays on, so taking a turn is timed as
        # overhead, but wide enough that back-to-back submissions never wait for one: at the real
        # 80 a minute each of them would sleep 0.77 s for its turn, which is the limit, not our
        # cost (a person issuing one invoice finds a free turn at once; bench/bulk.py measures the
        # pace under the real limit).
        "FACTUS_RATE_LIMIT": "1000000",
    }
)

import psycopg  # noqa: E402
import redis  # noqa: E402

SEED_SQL = """
INSERT INTO invoicing_invoice (reference_code, payment_form, payment_method_code, observation,
  send_email, status, number, prefix, cufe, qr_url, qr_image, total, gross_value, tax_amount,
  withholdings, dian_messages, field_errors, totals_mismatch, raw_response, factus_extra, created_at,
  updated_at,
  created_by_id, customer_id, numbering_range_id)
SELECT 'BENCH-' || g, '1', '10', '', false,
  (ARRAY['validated','validated','validated','draft','rejected','pending_dian','failed'])[1 + g %% 7],
  'SETP' || (990000000 + g), 'SETP', md5(g::text), '', '', 1335000.00, 1121848.74, 213151.26,
  '[]', '[]', '{}', '{}', '{}', '{}', now() - make_interval(mins => g), now(),
  %(user)s, (%(customers)s::bigint[])[1 + g %% %(n_customers)s], %(range)s
FROM generate_series(1, %(count)s) AS g
"""


CASES = {
    "all": {},
    "filtered": {"status": "validated", "q": "Cliente 17"},
    "text": {"q": "SETP99000"},
}


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (a fraction: 0.5, 0.95) of ``values``, nearest rank."""
    if not 0 <= q <= 1:
        raise ValueError(f"q is a fraction, not a percent: {q}")
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


def _ranges_after(seeded: int) -> list[dict]:
    """The emulator's ranges, SETP's next number after the ``seeded`` invoices' (SETP990000001 on):
    a bill number already on another of our invoices is refused as nonsense (UNVERIFIED)."""
    from factus_emulator.state import seed_ranges

    return [
        {**rng, "current": rng["current"] + seeded} if rng["prefix"] == "SETP" else rng
        for rng in seed_ranges()
    ]


def measure_submit(user, customers, count: int, *, seeded: int) -> dict:
    """{"invoice": stats, "note": stats, "widths": {lines: note queries}}: see the module docstring."""
    from invoicing.services import invoice_submit
    from tests.catalog.factories import NumberingRangeFactory
    from tests.invoicing.conftest import make_client

    NumberingRangeFactory(  # the sandbox's credit-note range (NC, id 9), as catalog sync stores it
        factus_id=9,
        document="22",
        document_name="Nota Crédito",
        prefix="NC",
        from_number=1,
        to_number=16_000_000,
        current=1,
        resolution_number="",
        technical_key="",
    )
    invoices = [_invoice(user, customers[n % len(customers)], 3) for n in range(count)]
    emulator, url = emulator_process(seed=1, ranges=_ranges_after(seeded))
    try:
        client = make_client(url)
        spent = answer_times(client.session)
        client.token_manager.get_token()
        stats = {
            "invoice": _runs(
                spent, [partial(invoice_submit, invoice_id=i.pk) for i in invoices], user, client
            )
        }
        notes = [_note(invoice, user, void=n % 2 == 0) for n, invoice in enumerate(invoices)]
        stats["note"] = _runs(spent, [_note_submit(note) for note in notes], user, client)
        stats["widths"] = {}
        for lines in (1, 200):
            invoice = _invoice(user, customers[0], lines)
            _runs(spent, [partial(invoice_submit, invoice_id=invoice.pk)], user, client)
            note = _note(invoice, user, void=True)
            stats["widths"][lines] = _runs(spent, [_note_submit(note)], user, client)["queries"]
    finally:
        emulator.terminate()
    return stats


def _invoice(user, customer, lines: int):
    from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

    invoice = InvoiceFactory(customer=customer, created_by=user)
    for position in range(lines):
        InvoiceItemFactory(
            invoice=invoice,
            position=position,
            discount_rate="5",
            withholdings=[{"code": "06", "rate": "2.5"}],
        )
    return invoice


def _note(invoice, user, *, void: bool):
    """A draft note of ``invoice``: void (every line), or one unit of its first line returned."""
    from invoicing.models import CreditNote
    from invoicing.services import CreditLine, credit_note_create_partial, credit_note_create_void

    if void:
        return credit_note_create_void(invoice_id=invoice.pk, user=user)
    first = invoice.items.order_by("position").first()
    return credit_note_create_partial(
        invoice_id=invoice.pk,
        user=user,
        concept=CreditNote.Concept.PARTIAL_RETURN,
        lines=[CreditLine(first.pk, 1)],
    )


def _note_submit(note):
    from invoicing.services import credit_note_submit

    return partial(credit_note_submit, credit_note_id=note.pk)


def _runs(spent: list[float], submits, user, client) -> dict:
    """Each submission timed, less the emulator's time; its queries counted (an execute wrapper, not
    the debug cursor, so counting costs next to nothing)."""
    from django.db import connection

    overhead, app, cpu, queries, counted = [], [], [], [], []

    def count(execute, *args):
        counted.append(1)
        return execute(*args)

    for submit in submits:
        counted.clear()
        spent.clear()
        with connection.execute_wrapper(count):
            started, started_cpu = time.perf_counter(), time.thread_time()
            result = submit(user=user, client=client)
            total, used = time.perf_counter() - started, time.thread_time() - started_cpu
        assert result.ok, result.message
        app.append(total * 1000)
        cpu.append(used * 1000)
        overhead.append((total - sum(spent)) * 1000)
        queries.append(len(counted))
    return {
        "p50": pct(overhead, 0.5),
        "p95": pct(overhead, 0.95),
        "app_p50": pct(app, 0.5),
        "cpu_p50": pct(cpu, 0.5),
        "queries": max(queries),
    }


def emulator_process(**sandbox) -> tuple[multiprocessing.Process, str]:
    """The emulator's HTTP server (``Sandbox(**sandbox)``) in a process of its own, as Factus is
    another machine: its work never competes with the submitting thread for the GIL. Returns the
    process (terminate it) and its base URL. Forked: the sandbox's arguments are not pickled."""
    from django.db import connections

    connections.close_all()  # the child must not inherit the parent's database sockets
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=_serve_emulator, args=(sandbox, child), daemon=True)
    process.start()
    return process, parent.recv()


def _serve_emulator(sandbox: dict, pipe) -> None:
    from factus_emulator import Sandbox
    from factus_emulator.server import make_server

    server = make_server(Sandbox(**sandbox), "127.0.0.1", 0)
    pipe.send(f"http://127.0.0.1:{server.server_address[1]}")
    server.serve_forever(poll_interval=0.05)


def answer_times(session) -> list[float]:
    """Seconds the emulator worked on each answer received through ``session`` (its Server-Timing
    header: its headers parsed to its answer built), appended as the answers arrive."""
    spent: list[float] = []

    def record(response, *args, **kwargs):
        timing = response.headers.get("Server-Timing", "")
        if "dur=" in timing:
            spent.append(float(timing.split("dur=", 1)[1].split(";")[0]) / 1000)

    session.hooks["response"].append(record)
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
        redis.Redis.from_url(REDIS_URL).flushdb()
        user, customers = seed(args.invoices)
        # As a server process does at start (factus_project/wsgi.py): load the code, freeze the heap.
        from core.startup import warm_up_and_freeze

        warm_up_and_freeze()
        lists = measure_list(user)
        submit = measure_submit(user, customers, args.submissions, seeded=args.invoices)
    finally:
        from django.db import connections

        connections.close_all()
        with admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    print(report(args, lists, submit, time.perf_counter() - began))


def machine_speed() -> float:
    """Microseconds of ``sum(range(1000))`` (best of 5, as ``python -m timeit`` prints it): how fast
    this machine runs Python now, to compare a run with another (the same code measured 17-23 ms of
    submission overhead on one 2-core machine as it went from 27 to 30 µs here)."""
    import timeit

    return min(timeit.repeat("sum(range(1000))", number=10_000, repeat=5)) / 10_000 * 1e6


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
    invoice, note, widths = submit["invoice"], submit["note"], submit["widths"]
    verdicts.append(f"overhead {'OK' if invoice['p50'] < 20 else 'MISSED'}")
    note_flat = len(set(widths.values())) == 1
    verdicts.append(f"note overhead {'OK' if note['p50'] < 20 and note_flat else 'MISSED'}")
    return (
        f"bench/invoices: {args.invoices} invoices; list p50/p95 {'; '.join(parts)}; "
        f"submit overhead p50 {invoice['p50']:.1f}ms p95 {invoice['p95']:.1f}ms "
        f"(app p50 {invoice['app_p50']:.1f}ms, cpu p50 {invoice['cpu_p50']:.1f}ms, q{invoice['queries']}, "
        f"n={args.submissions}); "
        f"note overhead p50 {note['p50']:.1f}ms p95 {note['p95']:.1f}ms "
        f"(app p50 {note['app_p50']:.1f}ms, cpu p50 {note['cpu_p50']:.1f}ms, q{note['queries']}, "
        f"n={args.submissions}; "
        f"void of 1/200 lines q{widths[1]}/q{widths[200]}); "
        f"targets (list p95<100ms + flat queries, overhead p50<20ms, note overhead p50<20ms + queries "
        f"flat in lines): {', '.join(verdicts)}; "
        f"{seconds:.0f}s (machine: sum(range(1000)) {machine_speed():.1f} µs)"
    )


if __name__ == "__main__":
    main()
