"""System checks for the Factus client's settings."""

from django.conf import settings
from django.core.checks import Warning, register

from .conf import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT,
    DEFAULT_WEB_TIMEOUT,
    WEB_TIMEOUT_MARGIN,
    request_budget,
)

CREDENTIALS = ("FACTUS_CLIENT_ID", "FACTUS_CLIENT_SECRET", "FACTUS_USERNAME", "FACTUS_PASSWORD")


@register("factus")
def credentials_check(app_configs, **kwargs):
    """Warn when Factus is configured without all four credentials (every call would fail)."""
    if not getattr(settings, "FACTUS_BASE_URL", ""):
        return []
    missing = [name for name in CREDENTIALS if not getattr(settings, name, "")]
    if not missing:
        return []
    return [
        Warning(
            "FACTUS_BASE_URL está definido pero faltan credenciales de Factus: " + ", ".join(missing) + ".",
            hint="Defina las variables de entorno faltantes (ver .env.example).",
            id="factus.W001",
        )
    ]


@register("factus")
def timeouts_check(app_configs, **kwargs):
    """Warn when the Factus deadlines cannot fit inside gunicorn's worker timeout (or each other).

    A worker killed by gunicorn mid-request is a 500 and an invoice left "Enviando"; a deadline longer
    than the budget, or a connect timeout as long as the whole exchange, is a setting that lies.
    """
    timeout = float(getattr(settings, "FACTUS_TIMEOUT", DEFAULT_TIMEOUT))
    connect = float(getattr(settings, "FACTUS_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT))
    budget = request_budget()
    web = float(getattr(settings, "WEB_TIMEOUT", DEFAULT_WEB_TIMEOUT))
    warnings = []
    if budget + WEB_TIMEOUT_MARGIN > web:
        warnings.append(
            Warning(
                f"FACTUS_REQUEST_BUDGET ({budget:g} s) + {WEB_TIMEOUT_MARGIN} s does not fit in WEB_TIMEOUT "
                f"({web:g} s): gunicorn would kill a worker still waiting on Factus (a 500, an invoice "
                "left 'Enviando').",
                hint=f"Set WEB_TIMEOUT to at least {budget + WEB_TIMEOUT_MARGIN:g} (gunicorn.conf.py reads "
                f"it) or lower FACTUS_REQUEST_BUDGET to at most {web - WEB_TIMEOUT_MARGIN:g}. "
                "See docs/deployment.md.",
                id="factus.W002",
            )
        )
    if timeout > budget:
        warnings.append(
            Warning(
                f"FACTUS_TIMEOUT ({timeout:g} s) is longer than FACTUS_REQUEST_BUDGET ({budget:g} s): one "
                "Factus exchange can never use its whole deadline inside a web request.",
                hint=f"Set FACTUS_TIMEOUT to at most {budget:g}, or raise FACTUS_REQUEST_BUDGET "
                "(and WEB_TIMEOUT with it). See docs/deployment.md.",
                id="factus.W003",
            )
        )
    if connect >= timeout:
        warnings.append(
            Warning(
                f"FACTUS_CONNECT_TIMEOUT ({connect:g} s) is not shorter than FACTUS_TIMEOUT ({timeout:g} s), "
                "the total deadline of an exchange that includes the connect.",
                hint="Set FACTUS_CONNECT_TIMEOUT well below FACTUS_TIMEOUT (defaults: 5 and 20).",
                id="factus.W004",
            )
        )
    return warnings
