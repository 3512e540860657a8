"""Faults benchmark: real HTTP form submissions against gunicorn while Factus loses answers.

    python bench/faults.py [--submissions 300] [--threads 8] [--workers 4] [--lose-rate 0.05]
                           [--fail-rate 0.03] [--double-rate 0.1] [--kill-every 4]

Production-like stack on this machine: gunicorn (``--workers``, gunicorn.conf.py) on a throw-away
PostgreSQL database (``bench_faults_<pid>`` on BENCH_PG_URL), Redis as the shared cache (BENCH_REDIS_URL,
a spare database that is flushed), and the emulator as its own process with every fault kind on:
it processes a bill and then loses the answer (``--lose-modes drop,500,late``) at ``--lose-rate``,
and answers 500 without processing at ``--fail-rate``.

Each submission is what a person does in the browser: GET the new-invoice form, POST it with
``action=issue`` (a share of them twice at once: a double click), re-POST the same form when the
connection breaks (a worker killed mid-request), then press "Reintentar" on the invoice page while
the invoice is not settled (waiting out a dead worker's deadline). A killer thread SIGKILLs a
gunicorn worker every ``--kill-every`` seconds.

It prints one line: submitted, validated, duplicates, lost, stuck, server errors (targets: 0, 0, 0, 0)
and what was injected. Duplicates: invoices beyond one per submitted form, or two bills at Factus
for one reference. Lost: a submitted form with no invoice, or a bill at Factus that our invoice does
not record. Stuck: invoices not settled at the end (draft, "Enviando", "Por verificar", "Error de envío").
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
DB_NAME = f"bench_faults_{os.getpid()}"
LOG = f"/tmp/bench_faults_{os.getpid()}.log"
PYTHON = sys.executable
USER, PASSWORD = "bench", "bench-pass-123"
FACTUS_TIMEOUT, BUDGET, WEB_TIMEOUT = 4, 12, 30
LATE_SECONDS = FACTUS_TIMEOUT + 3  # a late answer arrives after the client gave up
SETTLED = {"validated", "pending_dian", "rejected", "invalid"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class FormFields(HTMLParser):
    """The default values of the named controls of ``form#invoice-form`` (outside <template>)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_form = self._in_template = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "invoice-form":
            self._in_form = True
        elif tag == "template":
            self._in_template = True
        if not self._in_form or self._in_template:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button"):
                return
            if kind == "checkbox":
                if "checked" in a:
                    self.values[name] = a.get("value") or "on"
                return
            self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if self._select not in self.values or "selected" in a:
                self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "template":
            self._in_template = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


class Run:
    """Counters shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: Counter = Counter()
        self.tokens: list[str] = []
        self.latencies: list[float] = []

    def add(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counts[key] += n


def start_emulator(args, port: int) -> subprocess.Popen:
    command = [
        PYTHON, "-m", "factus_emulator", "--host", "127.0.0.1", "--port", str(port),
        "--seed", "7", "--fail-rate", str(args.fail_rate), "--lose-rate", str(args.lose_rate),
        "--lose-modes", "drop,500,late", "--lose-late-seconds", str(LATE_SECONDS),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}/_emulator/stats", process)
    return process


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"faults: process for {url} exited with {process.returncode}")
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"faults: {url} did not answer in {seconds} s")


def django_env(emulator_url: str) -> dict:
    return {
        "DATABASE_URL": f"{SERVER}/{DB_NAME}",
        "CACHE_URL": REDIS,
        "DJANGO_SECRET_KEY": "bench-faults-" + "x" * 50,
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
        "FACTUS_TIMEOUT": str(FACTUS_TIMEOUT),
        "FACTUS_CONNECT_TIMEOUT": "2",
        "FACTUS_REQUEST_BUDGET": str(BUDGET),
        "WEB_TIMEOUT": str(WEB_TIMEOUT),
    }


def emulator_username() -> str:
    from factus_emulator.state import USERNAME

    return USERNAME


def prepare_database(customers: int) -> tuple[list[int], list[int]]:
    """Migrate, sync the catalogues from the emulator, create the user, customers and products."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("sync_lookups", verbosity=0)
    from django.contrib.auth import get_user_model

    from tests.catalog.factories import CustomerFactory, ProductFactory

    get_user_model().objects.create_superuser(USER, "bench@example.com", PASSWORD)
    customer_ids = [CustomerFactory().pk for _ in range(customers)]
    product_ids = [ProductFactory(price=f"{random.randint(1, 900) * 1000}.50").pk for _ in range(10)]
    return customer_ids, product_ids


def start_gunicorn(args, port: int, env: dict) -> subprocess.Popen:
    command = [
        str(Path(PYTHON).with_name("gunicorn")), "factus_project.wsgi", "--workers", str(args.workers),
        "--bind", f"127.0.0.1:{port}", "--timeout", str(WEB_TIMEOUT), "--log-level", "error",
    ]  # fmt: skip
    log = open(LOG, "w+b")  # noqa: SIM115 (read back by gunicorn_errors)
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log)
    wait_for(f"http://127.0.0.1:{port}/healthz", process)
    return process


def login(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    answer = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": USER, "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise SystemExit(f"faults: login answered {answer.status_code}")
    return session


def get(session: requests.Session, url: str, run: Run) -> requests.Response:
    """A GET that outlives killed workers (a person reloads the page)."""
    for _ in range(8):
        try:
            answer = session.get(url, timeout=60)
        except requests.RequestException as error:
            run.add(f"broken:{type(error).__name__}")
            time.sleep(0.5)
            continue
        if answer.status_code >= 500:
            run.add("server_errors")
            continue
        return answer
    raise requests.ConnectionError(f"GET {url} failed 8 times")


def invoice_form(session: requests.Session, base: str, customer: int, product, run: Run) -> dict:
    page = get(session, f"{base}/facturas/nueva/", run)
    page.raise_for_status()
    parser = FormFields()
    parser.feed(page.text)
    from core.numbers import format_number

    data = parser.values
    data.update(
        {
            "customer": str(customer),
            "items-0-product": str(product.pk),
            "items-0-code_reference": product.code_reference,
            "items-0-name": product.name,
            "items-0-quantity": str(random.randint(1, 5)),
            # es-CO, as staff type it: thousands with dots, decimals with a comma.
            "items-0-price": format_number(product.price, 2),
            "action": "issue",
        }
    )
    # The page recomputes the totals on the server as the lines change (htmx) and sends back the
    # figures it showed with "Emitir".
    for _ in range(8):
        try:
            totals = session.post(f"{base}/facturas/totales/", data=data, timeout=60)
        except requests.RequestException as error:
            run.add(f"broken:{type(error).__name__}")
            continue
        shown = re.search(r'name="shown_figures" value="([^"]*)"', totals.text)
        if totals.status_code == 200 and shown:
            data["shown_figures"] = html.unescape(shown[1])
            break
    return data


def post_form(session, base: str, data: dict, run: Run) -> str | None:
    """POST the form until an answer comes (a killed worker drops the connection): the Location."""
    for _ in range(8):
        try:
            answer = session.post(f"{base}/facturas/nueva/", data=data, allow_redirects=False, timeout=90)
        except requests.RequestException as error:  # a killed worker: reset, or a cut answer
            run.add(f"broken:{type(error).__name__}")
            time.sleep(0.5)
            continue
        if answer.status_code >= 500:
            run.add("server_errors")
            continue
        if answer.status_code != 302:
            run.add(f"form_{answer.status_code}")
            return None
        return answer.headers["Location"]
    return None


def submit_one(base: str, session: requests.Session, customer: int, product, double: bool, run: Run):
    data = invoice_form(session, base, customer, product, run)
    token = data.get("form_token", "")
    with run.lock:
        run.tokens.append(token)
    started = time.perf_counter()
    if double:
        run.add("double_posts")
        twin = requests.Session()  # the same browser: same cookies, same CSRF token
        twin.cookies.update(session.cookies)
        second = threading.Thread(target=post_form, args=(twin, base, dict(data), run))
        second.start()
        location = post_form(session, base, data, run)
        second.join()
    else:
        location = post_form(session, base, data, run)
    with run.lock:
        run.latencies.append(time.perf_counter() - started)
    match = re.search(r"/facturas/(\d+)/", location or "")
    if match:
        settle(session, base, int(match[1]), run)


def status_of(pk: int) -> tuple[str, bool]:
    from invoicing.models import Invoice

    invoice = Invoice.objects.get(pk=pk)
    return invoice.status, invoice.can_retry


def settle(session, base: str, pk: int, run: Run) -> None:
    """Press "Reintentar" (as a person would) until the invoice is settled."""
    deadline = time.monotonic() + BUDGET * 6 + 60
    while time.monotonic() < deadline:
        status, can_retry = status_of(pk)
        if status in SETTLED:
            return
        if not (can_retry or status == "draft"):  # a live worker is still sending it
            time.sleep(1)
            continue
        run.add("retries")
        page = get(session, f"{base}/facturas/{pk}/", run)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        try:
            answer = session.post(
                f"{base}/facturas/{pk}/emitir/",
                data={"csrfmiddlewaretoken": token[1] if token else ""},
                allow_redirects=False,
                timeout=90,
            )
            if answer.status_code >= 500:
                run.add("server_errors")
        except requests.RequestException as error:
            run.add(f"broken:{type(error).__name__}")
        time.sleep(0.5)


def killer(master: subprocess.Popen, every: float, stop: threading.Event, run: Run) -> None:
    while not stop.wait(every):
        children = subprocess.run(
            ["pgrep", "-P", str(master.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        if children:
            os.kill(int(random.choice(children)), signal.SIGKILL)
            run.add("worker_kills")


def factus_bills(emulator_url: str) -> list[dict]:
    """Every bill the emulator holds, read through the Factus API as any client would."""
    from factus.client import FactusClient

    client = FactusClient()
    if client.base_url != emulator_url:
        raise SystemExit(f"faults: the client talks to {client.base_url}, not the emulator")
    return list(client.iter_bills())


def verdict(run: Run, bills: list[dict]) -> dict:
    from invoicing.models import Invoice

    invoices = list(Invoice.objects.values("pk", "status", "number", "reference_code", "form_token"))
    by_token = Counter(str(i["form_token"]) for i in invoices)
    references = Counter(b.get("reference_code") for b in bills)
    ours = {i["reference_code"]: i for i in invoices}
    recorded = sum(
        1
        for b in bills
        if b.get("reference_code") in ours
        and ours[b["reference_code"]]["number"] == b.get("number")
        and ours[b["reference_code"]]["status"] in SETTLED
    )
    submitted = len(run.tokens)
    return {
        "submitted": submitted,
        "invoices": len(invoices),
        "validated": sum(1 for i in invoices if i["status"] == "validated"),
        "duplicates": max(0, len(invoices) - submitted) + sum(n - 1 for n in references.values() if n > 1),
        "lost": sum(1 for t in run.tokens if by_token[t] == 0) + (len(bills) - recorded),
        "stuck": sum(1 for i in invoices if i["status"] in ("draft", "submitting", "unverified", "failed")),
        "statuses": Counter(i["status"] for i in invoices),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--lose-rate", type=float, default=0.05)
    parser.add_argument("--fail-rate", type=float, default=0.03)
    parser.add_argument("--double-rate", type=float, default=0.1)
    parser.add_argument("--kill-every", type=float, default=4.0)
    args = parser.parse_args()
    random.seed(11)
    began = time.perf_counter()
    emulator_port, web_port = free_port(), free_port()
    emulator_url, base = f"http://127.0.0.1:{emulator_port}", f"http://127.0.0.1:{web_port}"
    env = django_env(emulator_url)
    os.environ.update(env)

    import psycopg
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    admin = f"{SERVER.replace('postgres://', 'postgresql://')}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    processes: list[subprocess.Popen] = []
    stop = threading.Event()
    try:
        processes.append(start_emulator(args, emulator_port))
        customers, product_ids = prepare_database(max(20, args.threads * 3))
        from catalog.models import Product

        products = list(Product.objects.filter(pk__in=product_ids))
        gunicorn = start_gunicorn(args, web_port, env)
        processes.append(gunicorn)
        run = Run()
        kill_thread = threading.Thread(target=killer, args=(gunicorn, args.kill_every, stop, run))
        kill_thread.start()
        plan = [
            (random.choice(customers), random.choice(products), random.random() < args.double_rate)
            for _ in range(args.submissions)
        ]
        work = iter(plan)
        work_lock = threading.Lock()

        def client_loop():
            session = login(base)
            while True:
                with work_lock:
                    job = next(work, None)
                if job is None:
                    return
                try:
                    submit_one(base, session, *job, run)
                except requests.RequestException as error:
                    run.add(f"client_gave_up:{type(error).__name__}")

        clients = [threading.Thread(target=client_loop) for _ in range(args.threads)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
        stop.set()
        kill_thread.join()
        emulator_stats = requests.get(f"{emulator_url}/_emulator/stats", timeout=10).json()
        # Count with the faults off: the verdict reads every bill through the API.
        requests.post(f"{emulator_url}/_emulator/config", json={"fail_rate": 0, "lose_rate": 0}, timeout=10)
        result = verdict(run, factus_bills(emulator_url))
        errors = gunicorn_errors(gunicorn)
    finally:
        stop.set()
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    print(report(args, run, result, emulator_stats, errors, time.perf_counter() - began))


def gunicorn_errors(process: subprocess.Popen) -> int:
    """500s logged by Django (a traceback) or gunicorn (WORKER TIMEOUT) in the server's stderr."""
    process.terminate()
    process.wait(timeout=30)
    text = Path(LOG).read_text(errors="replace")
    Path(LOG).unlink()
    return text.count("Internal Server Error") + text.count("WORKER TIMEOUT")


def report(args, run: Run, result: dict, stats: dict, logged_errors: int, seconds: float) -> str:
    lost_answers = stats.get("lost_answers") or {}
    broken = sum(n for k, n in run.counts.items() if k.startswith("broken:"))
    injected = (
        f"{run.counts['double_posts']} double POSTs, {run.counts['worker_kills']} worker kills, "
        f"{broken} broken connections, answers lost "
        f"{json.dumps(lost_answers, sort_keys=True)}, unprocessed 500s on {args.fail_rate:.0%} of calls, "
        f"emulator duplicates {stats.get('duplicates')}"
    )
    server_errors = run.counts["server_errors"] + logged_errors
    ok = all(result[k] == 0 for k in ("duplicates", "lost", "stuck")) and server_errors == 0
    return (
        f"faults: {result['submitted']} submitted, {result['validated']} validated, "
        f"{result['duplicates']} duplicates, {result['lost']} lost, {result['stuck']} stuck, "
        f"{server_errors} server errors | injected: {injected} | {run.counts['retries']} retries, "
        f"issue p50 {pct(run.latencies, 0.5):.2f}s p95 {pct(run.latencies, 0.95):.2f}s, "
        f"statuses {dict(result['statuses'])}, {args.workers} gunicorn workers, {args.threads} clients, "
        f"{seconds:.0f}s | {dict(run.counts)} | {'OK' if ok else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
