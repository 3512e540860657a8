from urllib.parse import urlsplit

from django.conf import settings

SANDBOX_HOST = "api-sandbox.factus.com.co"
PRODUCTION_HOST = "api.factus.com.co"


def environment_of(base_url: str) -> dict:
    """Which Factus this site talks to, for the banner every page shows."""
    host = urlsplit(base_url).hostname or ""
    if host == PRODUCTION_HOST:
        return {"key": "production", "label": "Producción", "css": "danger"}
    if host == SANDBOX_HOST:
        return {"key": "sandbox", "label": "Factus sandbox (pruebas)", "css": "warning"}
    return {"key": "emulator", "label": "Emulador local de Factus (sin conexión)", "css": "info"}


def factus_environment(request):
    return {"factus_environment": environment_of(settings.FACTUS_BASE_URL)}
