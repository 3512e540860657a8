"""The short bulk run of CI: bench/bulk.py --ci on PostgreSQL and Redis, with real db_worker processes.

gunicorn x2 and three ``manage.py db_worker`` processes on a throw-away PostgreSQL database, Redis
for the shared token and rate limit, the emulator losing 5 % of the answers after creating the
bill, and one worker SIGKILLed mid-run; the limit raised to 600 a minute so it ends in seconds.
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _services() -> dict:
    database, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not (database.startswith("postgres") and redis_url):
        if os.environ.get("CI"):
            pytest.fail("CI must run this with DATABASE_URL on PostgreSQL and REDIS_URL")
        pytest.skip("needs DATABASE_URL on PostgreSQL and REDIS_URL")
    server = urlsplit(database)
    spare = urlsplit(redis_url)
    return {
        "BENCH_PG_URL": urlunsplit((server.scheme, server.netloc, "", "", "")),
        # A spare Redis database of its own: the bench flushes it.
        "BENCH_REDIS_URL": urlunsplit((spare.scheme, spare.netloc, "/14", "", "")),
    }


@pytest.fixture(scope="module")
def line() -> str:
    env = {**os.environ, **_services()}
    for name in ("DATABASE_URL", "CACHE_URL", "DJANGO_ENV_FILE"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "bench/bulk.py", "--ci"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def count(line: str, what: str) -> int:
    return int(re.search(rf"(\d+) {what}\b", line)[1])


def test_every_draft_ends(line):
    assert count(line, "unfinished") == 0


def test_no_bill_twice(line):
    assert count(line, "duplicates") == 0


def test_nothing_lost(line):
    assert count(line, "lost") == 0


def test_factus_never_answered_429(line):
    assert count(line, "429s") == 0


def test_a_worker_was_killed_mid_run(line):
    assert "worker killed mid-task: yes" in line
