"""gunicorn.conf.py: the worker timeout and the rest come from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def resolved(**env) -> dict[str, str]:
    """gunicorn's own view of the configuration (``--print-config``) run from the repository root."""
    # --print-config loads the app: a development setting is enough for that.
    base = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_DEBUG": "true",
    }
    result = subprocess.run(
        [str(GUNICORN), "--print-config"], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


@pytest.fixture(scope="module")
def defaults():
    return resolved()


def test_the_worker_timeout_defaults_to_web_timeout_default(defaults):
    from factus.conf import DEFAULT_WEB_TIMEOUT

    assert defaults["timeout"] == str(DEFAULT_WEB_TIMEOUT)


def test_four_workers_by_default(defaults):
    assert defaults["workers"] == "4"


def test_access_log_to_stdout(defaults):
    assert defaults["accesslog"] == "-"


def test_the_app_is_the_project_wsgi(defaults):
    assert defaults["wsgi_app"] == "factus_project.wsgi"


def test_no_shared_control_socket(defaults):
    assert defaults["control_socket_disable"] == "True"


def test_web_timeout_sets_the_worker_and_graceful_timeouts():
    config = resolved(WEB_TIMEOUT="75")
    assert (config["timeout"], config["graceful_timeout"]) == ("75", "75")


def test_workers_and_bind_come_from_the_environment():
    config = resolved(WEB_CONCURRENCY="3", WEB_BIND="0.0.0.0:9000")
    assert (config["workers"], config["bind"]) == ("3", "['0.0.0.0:9000']")
