"""System checks for the Factus client's settings."""

from django.conf import settings
from django.core.checks import Warning, register

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
