"""JSON API benchmark on a throw-away PostgreSQL database; prints one line.

    python bench/api.py [--invoices 100000] [--issues 40]

Create+issue: ``POST /api/v1/invoices`` with a Factus body and ``"issue": true`` through Django's
test client (token auth, throttle, idempotency key, validation, draft, submission), against the
emulator's HTTP server in its own process; overhead = request time minus the emulator's own time
(its Server-Timing header).
List: ``GET /api/v1/invoices?limit=100`` at depths spread over 100,000 invoices (the API's
forward-only cursor, core.cursor), p95 server time and query count.
Targets: overhead p50 < 25 ms, list p95 < 60 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import invoices as base  # noqa: E402  (bench/invoices.py: settings, database name, seeding)
import redis  # noqa: E402


def measure_issue(user, count: int) -> list[float]:
    from django.db import connection
    from django.test import Client

    queries: list[tuple[float, str]] = []

    def timed_query(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql))

    from api.services import token_create
    from catalog.services import catalog_sync

    emulator, url = base.emulator_process(seed=1)
    from django.conf import settings

    from factus.client import get_client

    settings.FACTUS_BASE_URL = url
    spent = base.answer_times(get_client().session)  # the session every request of this process uses
    settings.API_THROTTLE_RATE = "100000/m"
    catalog_sync()
    client = Client(headers={"Authorization": f"Bearer {token_create(user=user, name='bench').secret}"})
    body = json.loads((ROOT.parent / "shared/factus/fixtures/bills-validate-request.json").read_text())
    overheads = []
    for number in range(count + 3):
        payload = json.dumps({**body, "reference_code": f"BENCH-API-{number}", "issue": True})
        spent.clear()
        queries.clear()
        start, cpu = time.perf_counter(), time.thread_time()
        with connection.execute_wrapper(timed_query):
            response = client.post(
                "/api/v1/invoices",
                payload,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=f"b{number}",
            )
        total = (time.perf_counter() - start) * 1000
        cpu = (time.thread_time() - cpu) * 1000
        if os.environ.get("BENCH_QUERIES") and number == count + 2:
            print(
                f"last create+issue: {total:.1f} ms (this thread's CPU {cpu:.1f} ms), "
                f"emulator {sum(spent) * 1000:.1f} ms, "
                f"{len(queries)} queries "
                f"{sum(ms for ms, _ in queries):.1f} ms; slowest:",
                file=sys.stderr,
            )
            shown = queries if os.environ.get("BENCH_QUERIES") == "all" else sorted(queries, reverse=True)[:8]
            for ms, sql in shown:
                print(f"  {ms:7.1f} ms  {sql[:160]}", file=sys.stderr)
        assert response.status_code == 201, response.content[:300]
        if number >= 3:  # warm-up: token, connections
            overheads.append(total - sum(spent) * 1000)  # spent: seconds
    emulator.terminate()
    return overheads


def measure_list(user, count: int, runs: int = 40) -> tuple[list[float], set[int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from api.services import token_create
    from core.cursor import encode_cursor as _encode
    from invoicing.models import Invoice

    client = Client(headers={"Authorization": f"Bearer {token_create(user=user, name='list').secret}"})
    depths = [int(count * i / runs) for i in range(runs)]
    cursors = [""] + [
        _encode(Invoice.objects.order_by("-created_at", "-id").only("created_at")[d]) for d in depths[1:]
    ]
    for _ in range(3):  # warm-up: first import of the views, token, connection
        client.get("/api/v1/invoices?limit=100")
    times, queries = [], set()
    for cursor in cursors:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(f"/api/v1/invoices?limit=100&cursor={cursor}")
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        queries.add(len(captured))
        if os.environ.get("BENCH_QUERIES") and cursor == cursors[-1]:
            with connection.cursor() as db:
                for query in captured.captured_queries:
                    if "invoicing_invoice" in query["sql"]:
                        db.execute("EXPLAIN ANALYZE " + query["sql"])
                        plan = "\n    ".join(row[0] for row in db.fetchall())
                        print(f"deepest page ({query['time']} s):\n    {plan}", file=sys.stderr)
    return times, queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--issues", type=int, default=40)
    args = parser.parse_args()
    started = time.perf_counter()
    with base.admin_conn() as conn:
        conn.execute(f'CREATE DATABASE "{base.DB_NAME}"')
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        redis.Redis.from_url(base.REDIS_URL).flushdb()
        user, _customers = base.seed(args.invoices)
        from core.startup import warm_up_and_freeze  # as a server process does at start

        warm_up_and_freeze()
        user.is_superuser = True  # every permission: the bench measures the API, not the roles
        user.save(update_fields=["is_superuser"])
        lists, queries = measure_list(user, args.invoices)
        from invoicing.models import Invoice

        Invoice.objects.all().delete()  # the seeded bill numbers would collide with the emulator's
        from django.db import connection

        with connection.cursor() as cursor:  # not an autovacuum of 100,000 dead rows mid-measure
            for table in ("invoicing_invoiceevent", "invoicing_invoiceitem", "invoicing_invoice"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        issue = measure_issue(user, args.issues)
    finally:
        from django.db import connections

        connections.close_all()
        with base.admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{base.DB_NAME}" WITH (FORCE)')
    print(
        f"api: create+issue overhead p50 {base.pct(issue, 0.5):.1f} ms (target < 25) | list p95 "
        f"{base.pct(lists, 0.95):.1f} ms at any depth of {args.invoices} invoices (target < 60), "
        f"queries per page {sorted(queries)} | {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
