"""`make run`: runtime dependencies only, and a development .env written once (checked with make itself)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@pytest.fixture
def project(tmp_path):
    """The Makefile and requirements in a scratch folder whose venv is this interpreter."""
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(sys.executable)
    return tmp_path


def make(project, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_run_installs_requirements_txt_only(project):
    planned = make(project, "-n", "run").stdout
    assert "-r requirements.txt" in planned
    assert "requirements-dev.txt" not in planned


def test_test_installs_the_dev_tools(project):
    assert "-r requirements-dev.txt" in make(project, "-n", "test").stdout


def stamp_runtime(project):
    (project / ".venv" / ".runtime").touch()


def test_the_first_run_writes_a_development_env(project):
    stamp_runtime(project)
    assert make(project, ".env").returncode == 0
    lines = (project / ".env").read_text().splitlines()
    assert "DJANGO_DEBUG=true" in lines


def test_the_development_env_has_a_long_random_secret_key(project):
    stamp_runtime(project)
    make(project, ".env")
    key = next(
        line for line in (project / ".env").read_text().splitlines() if line.startswith("DJANGO_SECRET_KEY=")
    )
    assert len(key.split("=", 1)[1]) >= 50


def test_an_existing_env_is_never_overwritten(project):
    stamp_runtime(project)
    (project / ".env").write_text("DJANGO_DEBUG=false\n")
    make(project, ".env")
    assert (project / ".env").read_text() == "DJANGO_DEBUG=false\n"


def test_the_env_is_private_to_its_owner(project):
    stamp_runtime(project)
    make(project, ".env")
    assert (project / ".env").stat().st_mode & 0o077 == 0
