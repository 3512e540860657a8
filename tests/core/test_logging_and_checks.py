import logging

from django.core.checks import run_checks

from core.logging import RedactSecretsFilter, redact

SECRETS = ("s3cr3t-pass", "eyJhbGciOi.payload.sig", "cs_live_123", "rt_456")


def test_redact_removes_every_secret_shape():
    text = (
        "POST /oauth/token password=s3cr3t-pass&client_secret=cs_live_123 "
        '{"access_token": "eyJhbGciOi.payload.sig", "refresh_token": "rt_456"} '
        "Authorization: Bearer eyJhbGciOi.payload.sig"
    )
    cleaned = redact(text)
    assert not any(secret in cleaned for secret in SECRETS)
    assert cleaned.count("[REDACTED]") == 5
    assert "POST /oauth/token" in cleaned


def test_filter_rewrites_the_record_including_its_args():
    args = ("password=s3cr3t-pass",)
    record = logging.LogRecord("factus", logging.INFO, __file__, 1, "sent %s", args, None)
    assert RedactSecretsFilter().filter(record) is True
    assert record.getMessage() == "sent password=[REDACTED]"


def test_filter_leaves_plain_messages_alone():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "factura %s validada", ("SETP1",), None)
    RedactSecretsFilter().filter(record)
    assert record.args == ("SETP1",) and record.getMessage() == "factura SETP1 validada"


def deploy_warnings(settings):
    return {m.id for m in run_checks(include_deployment_checks=True) if m.id.startswith("core.")}


def test_deploy_check_warns_about_a_per_process_cache_and_the_emulator(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.FACTUS_BASE_URL = settings.FACTUS_EMULATOR_URL
    assert deploy_warnings(settings) == {"core.W001", "core.W002"}


def test_deploy_check_is_quiet_with_redis_and_real_factus(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://x/0"}}
    settings.FACTUS_BASE_URL = "https://api.factus.com.co"
    assert deploy_warnings(settings) == set()
