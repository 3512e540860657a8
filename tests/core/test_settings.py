"""Settings come from the environment: checked in a fresh interpreter per case."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({'db': settings.DATABASES['default']['ENGINE'],"
    " 'name': str(settings.DATABASES['default']['NAME']),"
    " 'cache': settings.CACHES['default']['BACKEND'],"
    " 'location': str(settings.CACHES['default'].get('LOCATION')),"
    " 'debug': settings.DEBUG, 'factus': settings.FACTUS_BASE_URL,"
    " 'client_id': settings.FACTUS_CLIENT_ID, 'lang': settings.LANGUAGE_CODE,"
    " 'tz': settings.TIME_ZONE}))"
)
VARS = (
    "DATABASE_URL",
    "CACHE_URL",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "FACTUS_BASE_URL",
    "DJANGO_ENV_FILE",
)


def load_settings(tmp_path, **overrides):
    env = {k: v for k, v in os.environ.items() if k not in VARS}
    # No .env unless a case names one: a developer's .env must not leak into these probes.
    env.update({"DJANGO_SETTINGS_MODULE": "factus_project.settings", "DJANGO_ENV_FILE": "", **overrides})
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result


def test_embedded_defaults_are_sqlite_locmem_and_the_emulator_in_debug(tmp_path):
    result = load_settings(tmp_path, DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["factus"] == "http://127.0.0.1:8001"
    assert values["client_id"] == "emulator-client-id"
    assert (values["lang"], values["tz"]) == ("es-co", "America/Bogota")


def test_debug_is_off_by_default(tmp_path):
    result = load_settings(tmp_path, DJANGO_SECRET_KEY="x" * 50, FACTUS_BASE_URL="https://api.factus.com.co")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_factus_base_url_is_required_without_debug(tmp_path):
    result = load_settings(tmp_path, DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "FACTUS_BASE_URL es obligatorio" in result.stderr


def test_an_empty_factus_base_url_counts_as_unset(tmp_path):
    result = load_settings(tmp_path, DJANGO_SECRET_KEY="x" * 50, FACTUS_BASE_URL="")
    assert "FACTUS_BASE_URL es obligatorio" in result.stderr


def test_an_empty_cache_url_means_the_default_cache(tmp_path):
    result = load_settings(tmp_path, DJANGO_DEBUG="true", CACHE_URL="")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_the_env_file_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / "dev.env"
    env_file.write_text("DJANGO_DEBUG=true\nDATABASE_URL=postgres://app:pw@db.example:5432/desde_env\n")
    result = load_settings(
        tmp_path, DJANGO_ENV_FILE=str(env_file), DATABASE_URL="postgres://app:pw@db.example:5432/del_entorno"
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is True
    assert values["name"] == "del_entorno"


def test_the_suite_ignores_a_developers_env_file():
    assert os.environ["DJANGO_ENV_FILE"] == ""


def test_database_and_cache_urls_are_honoured(tmp_path):
    result = load_settings(
        tmp_path,
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://app:pw@db.example:5432/facturas",
        CACHE_URL="redis://127.0.0.1:6379/3",
        DJANGO_DEBUG="true",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["db"] == "core.db.postgresql"  # Django's, batching under 65,535 parameters
    assert values["name"] == "facturas"
    assert values["cache"] == "django_redis.cache.RedisCache"
    assert values["location"] == "redis://127.0.0.1:6379/3"
    assert values["debug"] is True


def test_real_factus_url_has_no_embedded_credentials(tmp_path):
    result = load_settings(tmp_path, DJANGO_SECRET_KEY="x" * 50, FACTUS_BASE_URL="https://api.factus.com.co")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["client_id"] == ""


def test_secret_key_is_required_without_debug(tmp_path):
    result = load_settings(tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_runs_without_a_secret_key(tmp_path):
    result = load_settings(tmp_path, DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
