"""Invoice list at any depth with 100,000 invoices in PostgreSQL; prints one line.

    python bench/list.py [--invoices 100000] [--runs 30]

Creates ``bench_list_<pid>`` on postgres://postgres@127.0.0.1:5432 (BENCH_PG_URL), migrates it,
inserts the invoices with one INSERT ... SELECT generate_series (bench/invoices.py's seed), then
times the rendered list view (Django test client in-process: server time, template included) at
the first page, a middle page (row 50,000, reached by its cursor as "Siguiente" would) and the last
page ("Última"), unfiltered and filtered by status, at page sizes 25 and 100, logged in as a
"Consulta" user. Target: p95 under 60 ms everywhere, and a query count that does not change with
the page size or the depth.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# First: importing it sets its own environment, which the update below replaces.
from bench.invoices import SEED_SQL, admin_conn, pct  # noqa: E402

SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = f"bench_list_{os.getpid()}"
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
        "DJANGO_ENV_FILE": "",
    }
)

TARGET_MS = 60
CASES = {"all": {}, "validated": {"status": "validated"}}
SIZES = (25, 100)


def seed(count: int):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    from core.roles import READ_ONLY
    from tests.invoicing.factories import CustomerFactory, NumberingRangeFactory

    user = get_user_model().objects.create_user("bench", password="bench-pass-123")  # noqa: S106
    user.groups.add(Group.objects.get(name=READ_ONLY))
    rng = NumberingRangeFactory()
    customers = [CustomerFactory() for _ in range(300)]
    params = {
        "user": user.pk,
        "customers": [c.pk for c in customers],
        "n_customers": len(customers),
        "range": rng.pk,
        "count": count,
    }
    with connection.cursor() as cursor:
        cursor.execute(SEED_SQL, params)
        cursor.execute("ANALYZE")
    return user


def cursors(filters: dict, size: int) -> dict:
    """The cursor of each depth, as the page's own links would carry them."""
    from core.keyset import NEXT, _Keyset
    from invoicing.filters import InvoiceFilterForm
    from invoicing.selectors import invoice_list, invoice_page

    form = InvoiceFilterForm(filters)
    queryset = invoice_list(filters=form.filters()).order_by(*form.ordering())
    keyset = _Keyset(queryset)
    total = queryset.count()
    middle_row = keyset.ordered(reverse=False)[total // 2]
    return {
        "first": None,
        "middle": keyset.encode(NEXT, total // 2 // size + 1, middle_row),
        "last": invoice_page(queryset, cursor=None, size=size).last_cursor,
    }


def measure(user, runs: int) -> dict:
    """{case@size/depth: (p50 ms, p95 ms, queries, p95 SQL ms)}."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client, url = Client(), reverse("invoicing:invoice_list")
    client.force_login(user)
    results = {}
    for label, filters in CASES.items():
        for size in SIZES:
            for depth, cursor in cursors(filters, size).items():
                params = {**filters, "page_size": size, **({"cursor": cursor} if cursor else {})}
                times, queries, sql = [], set(), []
                for run in range(runs + 3):
                    with CaptureQueriesContext(connection) as ctx:
                        started = time.perf_counter()
                        response = client.get(url, params)
                        elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, response.status_code
                    assert response.content.count(b'<td class="col-number">') == size, depth
                    if run >= 3:  # warm-up
                        times.append(elapsed)
                        queries.add(len(ctx.captured_queries))
                        sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
                results[f"{label}@{size}/{depth}"] = (
                    pct(times, 0.5),
                    pct(times, 0.95),
                    max(queries),
                    pct(sql, 0.95),
                )
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    began = time.perf_counter()
    with admin_conn() as conn:
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        results = measure(seed(args.invoices), args.runs)
    finally:
        from django.db import connections

        connections.close_all()
        with admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    worst = max(p95 for _, p95, _, _ in results.values())
    flat = len({q for _, _, q, _ in results.values()}) == 1
    cells = " ".join(
        f"{key} {p50:.0f}/{p95:.0f}ms q{q} sql{sql:.0f}" for key, (p50, p95, q, sql) in results.items()
    )
    verdict = "OK" if worst < TARGET_MS and flat else "MISSED"
    print(
        f"bench/list: {args.invoices} invoices, list p50/p95 [{cells}]; load {os.getloadavg()[0]:.1f}; "
        f"worst p95 {worst:.0f}ms, "
        f"queries {'the same at every size and depth' if flat else 'VARY'}; "
        f"target (p95<{TARGET_MS}ms, flat queries): {verdict}; {time.perf_counter() - began:.0f}s"
    )


if __name__ == "__main__":
    main()
