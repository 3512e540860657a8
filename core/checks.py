"""System checks for settings that are legal but wrong once several workers serve the site."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    """The Factus token must be shared by every worker: warn when the cache is per-process."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "La caché por defecto es local al proceso: cada worker pedirá su propio token a Factus.",
            hint="Defina CACHE_URL con una caché compartida, p. ej. redis://host:6379/0.",
            id="core.W001",
        )
    ]


@register(deploy=True)
def emulator_in_production_check(app_configs, **kwargs):
    """Production must never route invoices to the offline emulator."""
    if settings.DEBUG or settings.FACTUS_BASE_URL != settings.FACTUS_EMULATOR_URL:
        return []
    return [
        Warning(
            "FACTUS_BASE_URL apunta al emulador local con DEBUG desactivado.",
            hint="Defina FACTUS_BASE_URL=https://api.factus.com.co (o el sandbox) y sus credenciales.",
            id="core.W002",
        )
    ]
