"""Benchmark: full Factus catalogue sync into a fresh PostgreSQL database, then an unchanged re-sync.

Starts the emulator over HTTP in-process, creates a throw-away database (bench_sync_<pid>) on
BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432), migrates it, empties the synced
catalogues (so the first run creates every row), runs `catalog_sync` twice and prints one line.
Targets: full < 2 s, unchanged < 0.5 s, statement count independent of catalogue size.
"""

import os
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factus_emulator.core import Sandbox  # noqa: E402
from factus_emulator.server import run_in_thread  # noqa: E402

SERVER_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = f"bench_sync_{os.getpid()}"


def admin_sql(statement: str) -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def timed_sync(catalog_sync, connection):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        results = catalog_sync()
        seconds = time.perf_counter() - start
    sql = [q["sql"] for q in ctx.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    writes = sum(1 for s in sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")))
    rows = sum(r.created + r.updated + r.unchanged for r in results)
    changed = sum(r.created + r.updated + r.deactivated for r in results)
    return seconds, len(sql), writes, rows, changed


def main() -> int:
    server, _thread, base_url = run_in_thread(Sandbox())
    os.environ.update(
        DATABASE_URL=f"{SERVER_URL}/{DB_NAME}",
        FACTUS_EMULATOR_URL=base_url,
        FACTUS_BASE_URL=base_url,  # required without DEBUG; equal to the emulator URL: demo credentials
        DJANGO_SETTINGS_MODULE="factus_project.settings",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_ENV_FILE="",
    )
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    admin_sql(f'CREATE DATABASE "{DB_NAME}"')
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from catalog.models import Country, MeasurementUnit, Municipality, NumberingRange, Tribute
        from catalog.services import catalog_sync

        call_command("migrate", verbosity=0)
        for model in (Municipality, MeasurementUnit, Country, Tribute, NumberingRange):
            model.objects.all().delete()
        full = timed_sync(catalog_sync, connection)
        again = timed_sync(catalog_sync, connection)
        connection.close()
    finally:
        server.shutdown()
        server.server_close()
        admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    print(
        f"bench sync: full {full[0]:.3f} s, {full[1]} SQL ({full[2]} writes, {full[4]} rows written) | "
        f"unchanged {again[0]:.3f} s, {again[1]} SQL ({again[2]} writes, {again[3]} rows compared)"
    )
    ok = full[0] < 2 and again[0] < 0.5 and again[2] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
