"""Bulk issuing benchmark: one press issues every draft at the pace Factus allows, a worker dies.

    python bench/bulk.py [--drafts 500] [--web 2] [--workers 3] [--rate-limit 80] [--lose-rate 0.05]
                         [--ci]

Production-like stack on this machine: gunicorn (``--web`` processes) and ``--workers``
``manage.py db_worker`` processes on a throw-away PostgreSQL database (``bench_bulk_<pid>`` on
BENCH_PG_URL), Redis as the shared cache and rate-limit store (BENCH_REDIS_URL, a spare database that
is flushed), and the emulator as its own process with ``--rate-limit`` and its lose-the-answer fault
(the bill is created, then the answer is dropped, a 500, or late) at ``--lose-rate``.

A person logs in, presses "Emitir todos los borradores filtrados" twice (a double click), and another
person issues one invoice at once while the run goes on. One worker is SIGKILLed once a third of the
drafts are done. The run ends when every item is done (the killed worker's item comes back when its
lease expires) or at the time limit.

It prints one line: wall time, Factus requests a minute while the queue had work, 429s received,
duplicates, lost, still unfinished, and the single invoice's wait. Targets: requests a minute at
least 95 % of the limit, 0 429s, 0 duplicates, 0 lost, 0 unfinished. ``--ci`` is the short run of the
test suite: 40 drafts, a raised limit (600 a minute), short timeouts and leases.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.faults import emulator_username, free_port, login, wait_for  # noqa: E402

SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
DB_NAME = f"bench_bulk_{os.getpid()}"
PYTHON = sys.executable
USER, PASSWORD = "bench", "bench-pass-123"
SETTLED = {"validated", "pending_dian", "rejected", "invalid"}


STARTED = time.monotonic()


def phase(name: str) -> None:
    """Where the time goes, on stderr (the result line stays alone on stdout)."""
    print(f"[{time.monotonic() - STARTED:5.1f}s] {name}", file=sys.stderr, flush=True)


def settings_for(args) -> dict:
    """Timeouts: short in --ci so that a dead worker's lease (budget + 10 s) expires quickly."""
    if args.ci:
        return {"timeout": 2, "budget": 3, "late": 3, "tick": 3}
    return {"timeout": 4, "budget": 12, "late": 7, "tick": 10}


def django_env(args, emulator_url: str) -> dict:
    knobs = settings_for(args)
    return {
        "DATABASE_URL": f"{SERVER}/{DB_NAME}",
        "CACHE_URL": REDIS,
        "DJANGO_SECRET_KEY": "bench-bulk-" + "x" * 50,
        "DJANGO_ENV_FILE": "",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_STATIC_MANIFEST": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "factus_project.settings",
        "FACTUS_BASE_URL": emulator_url,
        "FACTUS_CLIENT_ID": "emulator-client-id",
        "FACTUS_CLIENT_SECRET": "emulator-client-secret",
        "FACTUS_USERNAME": emulator_username(),
        "FACTUS_PASSWORD": "emulador-demo",
        "FACTUS_TIMEOUT": str(knobs["timeout"]),
        "FACTUS_CONNECT_TIMEOUT": "1",
        "FACTUS_REQUEST_BUDGET": str(knobs["budget"]),
        "FACTUS_RATE_LIMIT": str(args.rate_limit),
        "FOLLOW_UP_TICK_SECONDS": str(knobs["tick"]),
        "WEB_TIMEOUT": "60",
        "TASKS_BACKEND": "database",
    }


def start_emulator(args, port: int) -> subprocess.Popen:
    command = [
        PYTHON, "-m", "factus_emulator", "--host", "127.0.0.1", "--port", str(port), "--seed", "7",
        "--rate-limit", str(args.rate_limit), "--lose-rate", str(args.lose_rate),
        "--lose-modes", "drop,500,late", "--lose-late-seconds", str(settings_for(args)["late"]),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}/_emulator/stats", process)
    return process


def prepare_database(drafts: int) -> None:
    """Migrate, the user, and ``drafts`` drafts (plus one for the single issue)."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)  # the factories bring the lookups a bill needs
    from django.contrib.auth import get_user_model

    from tests.catalog.factories import CustomerFactory
    from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

    get_user_model().objects.create_superuser(USER, "bench@example.com", PASSWORD)
    customers = [CustomerFactory() for _ in range(20)]
    for n in range(drafts):
        invoice = InvoiceFactory(customer=customers[n % len(customers)])
        InvoiceItemFactory(invoice=invoice, price=f"{(n % 900 + 1) * 1000}.50")


def start(command: list[str], env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log)


def csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=60)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]


def press_issue_all(session: requests.Session, base: str) -> str:
    token = csrf(session, f"{base}/facturas/")
    answer = session.post(
        f"{base}/facturas/emitir/",
        data={"csrfmiddlewaretoken": token, "scope": "filtered", "query": "status=draft"},
        allow_redirects=False,
        timeout=60,
    )
    return answer.headers.get("Location", "")


def issue_one(session: requests.Session, base: str, pk: int) -> float:
    """A person presses "Emitir" on one invoice: seconds until the page answers."""
    token = csrf(session, f"{base}/facturas/{pk}/")
    began = time.perf_counter()
    session.post(f"{base}/facturas/{pk}/emitir/", data={"csrfmiddlewaretoken": token}, timeout=90)
    return time.perf_counter() - began


def states() -> Counter:
    from django.db.models import Count

    from invoicing.models import BulkItem

    return Counter(dict(BulkItem.objects.values_list("state").annotate(n=Count("id")).order_by()))


def single_event(pk: int) -> str:
    from invoicing.models import InvoiceEvent

    event = InvoiceEvent.objects.filter(invoice_id=pk).exclude(action="create").order_by("-id").first()
    if event is None:
        return "no event"
    return f"{event.outcome}, Factus {event.duration_ms} ms, {event.detail.get('kind')}"


def kill_a_busy_worker(workers: list[subprocess.Popen]) -> subprocess.Popen | None:
    """SIGKILL a worker that is running a bulk item right now (its task row names it)."""
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(status="RUNNING", task_path__endswith="issue_bulk_item")
    for row in rows:
        name = (row.worker_ids or [""])[-1]
        if name.startswith("bench-"):
            worker = workers[int(name.removeprefix("bench-"))]
            os.kill(worker.pid, signal.SIGKILL)
            return worker
    return None


def emulator_stats(url: str) -> dict:
    return requests.get(f"{url}/_emulator/stats", timeout=10).json()


def factus_calls(stats: dict) -> int:
    return sum(stats["requests"].values())


def verdict(emulator_url: str) -> dict:
    from factus.client import FactusClient
    from invoicing.models import BulkItem, Invoice

    bills = list(FactusClient().iter_bills())
    invoices = {i["reference_code"]: i for i in Invoice.objects.values("reference_code", "number", "status")}
    references = Counter(b.get("reference_code") for b in bills)
    recorded = sum(
        1
        for b in bills
        if b.get("reference_code") in invoices
        and invoices[b["reference_code"]]["number"] == b.get("number")
        and invoices[b["reference_code"]]["status"] in SETTLED
    )
    in_runs = list(BulkItem.objects.values_list("invoice__status", flat=True))
    return {
        "duplicates": sum(n - 1 for n in references.values() if n > 1)
        + (len(in_runs) - BulkItem.objects.values("invoice").distinct().count()),
        "lost": (len(bills) - recorded) + sum(1 for status in in_runs if status not in SETTLED),
        "unfinished": BulkItem.objects.exclude(state="done").count(),
        "statuses": Counter(in_runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=500)
    parser.add_argument("--web", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rate-limit", type=int, default=80)
    parser.add_argument("--lose-rate", type=float, default=0.05)
    parser.add_argument("--ci", action="store_true", help="the short run of the test suite")
    args = parser.parse_args()
    if args.ci:
        args.drafts, args.rate_limit = min(args.drafts, 40), max(args.rate_limit, 600)
    emulator_port, web_port = free_port(), free_port()
    emulator_url, base = f"http://127.0.0.1:{emulator_port}", f"http://127.0.0.1:{web_port}"
    env = django_env(args, emulator_url)
    os.environ.update(env)

    import psycopg
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    admin = f"{SERVER.replace('postgres://', 'postgresql://')}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    processes: list[subprocess.Popen] = []
    log = open(f"/tmp/{DB_NAME}.log", "w+b")  # noqa: SIM115
    try:
        processes.append(start_emulator(args, emulator_port))
        phase("emulator up")
        prepare_database(args.drafts)
        phase("database ready")
        gunicorn = str(Path(PYTHON).with_name("gunicorn"))
        web = start([gunicorn, "factus_project.wsgi", "--workers", str(args.web), "--bind",
                     f"127.0.0.1:{web_port}", "--log-level", "error"], env, log)  # fmt: skip
        processes.append(web)
        worker = [PYTHON, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "--verbosity", "0"]
        workers = [start([*worker, "--worker-id", f"bench-{n}"], env, log) for n in range(args.workers)]
        processes += workers
        wait_for(f"{base}/healthz", web)
        subprocess.run([PYTHON, "manage.py", "follow_up"], cwd=ROOT, env={**os.environ, **env}, check=True,
                       capture_output=True)  # fmt: skip
        phase("stack up")
        result = run(args, base, emulator_url, workers)
        phase("run over")
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    phase("cleaned up")
    print(result)


def run(args, base: str, emulator_url: str, workers: list[subprocess.Popen]) -> str:
    from invoicing.models import Invoice

    session = login(base)
    calls_before = factus_calls(emulator_stats(emulator_url))
    began = time.monotonic()
    location = press_issue_all(session, base)
    press_issue_all(session, base)  # a double click: adds nothing
    total = sum(states().values())
    from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

    single = InvoiceFactory(customer=Invoice.objects.first().customer)
    InvoiceItemFactory(invoice=single)
    single_wait = None
    killed = drained_at = drained_calls = None
    limit = time.monotonic() + args.drafts * 60 / args.rate_limit * 1.6 + 120
    while time.monotonic() < limit:
        time.sleep(0.25)
        now = states()
        if killed is None and now["done"] >= total // 3:
            killed = kill_a_busy_worker(workers)
        if single_wait is None and now["done"] >= total // 2:
            single_wait = issue_one(session, base, single.pk)
        if drained_at is None and now["queued"] == 0 and now["running"] <= 1:
            drained_at, drained_calls = time.monotonic(), factus_calls(emulator_stats(emulator_url))
        if now["done"] == total:
            break
    wall = time.monotonic() - began
    stats = emulator_stats(emulator_url)
    drained_at = drained_at or time.monotonic()
    drained_calls = drained_calls or factus_calls(stats)
    per_minute = (drained_calls - calls_before) / ((drained_at - began) / 60)
    requests.post(f"{emulator_url}/_emulator/config", json={"lose_rate": 0, "rate_limit": 0}, timeout=10)
    result = verdict(emulator_url)
    ok = (
        (args.ci or per_minute >= 0.95 * args.rate_limit)  # --ci: the raised limit is not a target
        and stats["rate_limited"] == 0
        and not (result["duplicates"] or result["lost"] or result["unfinished"])
    )
    single_text = "not run" if single_wait is None else f"{single_wait:.1f}s ({single_event(single.pk)})"
    return (
        f"bulk: {total} drafts in {wall:.0f}s wall, {per_minute:.1f} Factus requests/min "
        f"({per_minute / args.rate_limit:.0%} of {args.rate_limit}), {stats['rate_limited']} 429s, "
        f"{result['duplicates']} duplicates, {result['lost']} lost, {result['unfinished']} unfinished | "
        f"single invoice issued in {single_text} | answers lost {stats['lost_answers']}, "
        f"worker killed mid-task: {'yes' if killed else 'no'}, {args.web} web, {args.workers} workers, "
        f"statuses {dict(result['statuses'])} | {'OK' if ok else 'FAIL'} at {location or 'no redirect'}"
    )


if __name__ == "__main__":
    main()
