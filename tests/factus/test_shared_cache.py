"""Several processes share one token through a real Redis: one password grant, no failed call."""

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from factus_emulator.core import Sandbox
from factus_emulator.server import run_in_thread

ROOT = Path(__file__).resolve().parents[2]
PROCESSES, THREADS, DURATION, TTL, LEEWAY = 4, 4, 4.0, 3, 1


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    in_ci = os.environ.get("CI", "").lower() == "true"
    if not url:
        if in_ci:
            pytest.fail("CI=true but REDIS_URL is not set: the shared-cache test needs Redis")
        pytest.skip("REDIS_URL is not set (e.g. REDIS_URL=redis://127.0.0.1:6379/15 to run it)")
    import redis

    connection = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        connection.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at REDIS_URL is unreachable: {exc}")
    prefix = f"factus-test-{uuid.uuid4().hex[:12]}"
    yield url, prefix
    keys = list(connection.scan_iter(f"{prefix}*"))
    if keys:
        connection.delete(*keys)
    connection.close()


@pytest.fixture
def emulator():
    sandbox = Sandbox(token_ttl=TTL)
    server, thread, base_url = run_in_thread(sandbox, "127.0.0.1", 0)
    yield sandbox, base_url
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def run_workers(base_url: str, redis_url: str, prefix: str) -> list[dict]:
    separator = "&" if "?" in redis_url else "?"
    env = {
        **os.environ,
        "CACHE_URL": f"{redis_url}{separator}key_prefix={prefix}",
        "DJANGO_SETTINGS_MODULE": "factus_project.settings",
        "PYTHONPATH": str(ROOT),
    }
    ready_dir = Path(tempfile.mkdtemp(prefix="token-workers-"))  # a start line for all of them
    args = [base_url, str(ready_dir), str(PROCESSES), str(DURATION), str(THREADS), str(LEEWAY)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.factus.token_worker", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    shutil.rmtree(ready_dir, ignore_errors=True)
    return results


def test_processes_share_one_token_through_redis(redis_url, emulator):
    sandbox, base_url = emulator
    url, prefix = redis_url
    results = run_workers(base_url, url, prefix)
    stats = sandbox.stats()
    failed = [error for result in results for error in result["errors"]]
    assert sum(r["failed"] for r in results) == 0, failed
    assert sum(r["ok"] for r in results) > PROCESSES * THREADS * 10
    assert stats["token_grant_failures"] == {}
    assert stats["token_grants"]["password"] == 1
    refreshes = stats["token_grants"].get("refresh_token", 0)
    assert 1 <= refreshes <= math.ceil(DURATION / (TTL - LEEWAY)) + 1
