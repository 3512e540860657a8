"""Token economy: N processes x M threads share one Factus token through Redis for D seconds.

Starts the emulator (``python -m factus_emulator``) with a short token TTL, runs worker processes
that call ``GET /v1/company`` through FactusClient, and prints ONE line: grants made (from
``/_emulator/stats``), the minimum possible ``ceil(D / (TTL - leeway)) + 1``, failed calls, and
p50/p95 of the time spent in ``TokenManager.get_token``.

    python bench/token_economy.py [--processes 4] [--threads 1] [--duration 12] [--ttl 5] [--leeway 1]

Redis: REDIS_URL, else redis://127.0.0.1:6379/14 (keys under a unique prefix, deleted afterwards).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CREDENTIALS = {
    "client_id": "emulator-client-id",
    "client_secret": "emulator-client-secret",
    "username": "demo@emulador-factus.com",
    "password": "emulador-demo",
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4)
    # One call at a time per process, like a gunicorn sync worker. With more threads per process
    # the token path also measures GIL hand-offs (the interpreter's 5 ms switch interval) between
    # a thread parsing an HTTP response and one waiting on Redis: 2 threads gave p50 1.5 ms here.
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--duration", type=float, default=12.0)
    parser.add_argument("--ttl", type=int, default=5)
    parser.add_argument("--leeway", type=int, default=1)
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--worker", nargs=2, metavar=("BASE_URL", "START_AT"), help=argparse.SUPPRESS)
    parser.add_argument("--probe", metavar="BASE_URL", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# -- worker process ------------------------------------------------------------------------------
def build_client(args: argparse.Namespace, base_url: str):
    """Django set up from CACHE_URL (the shared Redis) and a FactusClient for the emulator."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factus_project.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-insecure-secret-key")
    os.environ.setdefault("FACTUS_BASE_URL", base_url)  # required without DEBUG
    # Not the fleet's Factus pace (80 calls a minute): at that pace the 4 workers make 16 calls in
    # 12 s and the token path measures the wait for a slot, not the shared token.
    os.environ.setdefault("FACTUS_RATE_LIMIT", "1000000")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    logging.getLogger("factus").setLevel(logging.WARNING)  # one line per call would be the bench
    from factus.auth import TokenManager
    from factus.client import FactusClient
    from factus.conf import FactusSettings
    from factus.http import build_session

    conf = FactusSettings(
        base_url=base_url, timeout=10, connect_timeout=2, token_leeway=args.leeway, **CREDENTIALS
    )
    session = build_session(conf)
    manager = TokenManager(conf, session=session)
    return FactusClient(base_url, manager, session), manager


def worker(args: argparse.Namespace) -> None:
    base_url, start_at = args.worker[0], float(args.worker[1])
    client, manager = build_client(args, base_url)
    token_ms, outcome, lock = [], {"ok": 0, "failed": 0}, threading.Lock()
    timed_get_token = manager.get_token

    def get_token() -> str:
        started = time.perf_counter()
        try:
            return timed_get_token()
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                token_ms.append(elapsed)

    manager.get_token = get_token

    def loop() -> None:
        while time.time() < start_at + args.duration:
            try:
                client.get_company()
                key = "ok"
            except Exception:  # the bench counts failures instead of stopping
                key = "failed"
            with lock:
                outcome[key] += 1

    time.sleep(max(0.0, start_at - time.time()))
    threads = [threading.Thread(target=loop) for _ in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({**outcome, "token_ms": token_ms}), flush=True)


def probe(args: argparse.Namespace) -> None:
    """The cached token path alone: one thread, nothing else running, token already in Redis."""
    _, manager = build_client(args, args.probe)
    manager.get_token()
    samples = []
    for _ in range(2000):
        started = time.perf_counter()
        manager.get_token()
        samples.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"p50": statistics.median(samples)}), flush=True)


# -- coordinator ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_emulator(ttl: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "factus_emulator", "--port", str(port), "--token-ttl", str(ttl)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            emulator_stats(base_url)
            return proc, base_url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the emulator did not start")


def emulator_stats(base_url: str) -> dict:
    with urllib.request.urlopen(f"{base_url}/_emulator/stats", timeout=5) as response:  # noqa: S310
        return json.load(response)


def run_workers(args: argparse.Namespace, base_url: str, prefix: str) -> list[dict]:
    separator = "&" if "?" in args.redis else "?"
    env = {**os.environ, "CACHE_URL": f"{args.redis}{separator}key_prefix={prefix}"}
    start_at = time.time() + 3.0  # every worker has loaded Django before the first call
    command = [
        sys.executable,
        __file__,
        "--threads",
        str(args.threads),
        "--duration",
        str(args.duration),
        "--leeway",
        str(args.leeway),
        "--worker",
        base_url,
        str(start_at),
    ]
    procs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(args.processes)
    ]
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=args.duration + 60)
        results.append(
            json.loads(out.strip().splitlines()[-1])
            if proc.returncode == 0
            else {"ok": 0, "failed": 1, "token_ms": []}
        )
    return results


def run_probe(args: argparse.Namespace, base_url: str, prefix: str) -> float:
    separator = "&" if "?" in args.redis else "?"
    env = {**os.environ, "CACHE_URL": f"{args.redis}{separator}key_prefix={prefix}"}
    command = [sys.executable, __file__, "--leeway", str(args.leeway), "--probe", base_url]
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["p50"]


def cleanup(redis_url: str, prefix: str) -> None:
    import redis

    connection = redis.Redis.from_url(redis_url)
    keys = list(connection.scan_iter(f"{prefix}*"))
    if keys:
        connection.delete(*keys)


def report(args, stats: dict, results: list[dict]) -> str:
    grants = stats["token_grants"]
    made = sum(grants.values())
    minimum = math.ceil(args.duration / (args.ttl - args.leeway)) + 1
    latencies = sorted(ms for result in results for ms in result["token_ms"])
    p50 = statistics.median(latencies) if latencies else float("nan")
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    return (
        f"token_economy: {args.processes} procs x {args.threads} threads, {args.duration:g}s, "
        f"ttl={args.ttl}s leeway={args.leeway}s: grants={made} (password={grants.get('password', 0)} "
        f"refresh={grants.get('refresh_token', 0)}) minimum={minimum} "
        f"calls={sum(r['ok'] + r['failed'] for r in results)} failed={sum(r['failed'] for r in results)} "
        f"token_path p50={p50:.3f}ms p95={p95:.3f}ms"
    )


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.worker or args.probe:
        (worker if args.worker else probe)(args)
        return
    prefix = f"factus-bench-{uuid.uuid4().hex[:12]}"
    emulator, base_url = start_emulator(args.ttl)
    try:
        results = run_workers(args, base_url, prefix)
        stats = emulator_stats(base_url)  # before the probe, which may renew the token
        alone = run_probe(args, base_url, prefix)
        print(f"{report(args, stats, results)} (cached, uncontended p50={alone:.3f}ms)", flush=True)
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
        cleanup(args.redis, prefix)


if __name__ == "__main__":
    main()
