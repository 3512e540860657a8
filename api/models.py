"""Personal API tokens and the Idempotency-Key records of the JSON API (docs/api.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A personal token: only its SHA-256 is stored; ``prefix`` is what pages show of it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name="usuario"
    )
    name = models.CharField("nombre", max_length=100)
    prefix = models.CharField("inicio del token", max_length=16, editable=False)
    token_hash = models.CharField("hash SHA-256", max_length=64, unique=True, editable=False)
    created = models.DateTimeField("creado", default=timezone.now, editable=False)
    last_used_at = models.DateTimeField("último uso", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("revocado", null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "token de API"
        verbose_name_plural = "tokens de API"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class IdempotencyRecord(models.Model):
    """One ``Idempotency-Key`` of one user (any of their tokens): request fingerprint and response.

    The row is inserted (unique key) before the request runs: a second request with the same key
    finds it, and either replays the stored response or, while the first still runs, gets 409.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name="usuario"
    )
    key = models.CharField("clave", max_length=255)
    fingerprint = models.CharField("huella de la solicitud", max_length=64)
    created = models.DateTimeField("creada", default=timezone.now, db_index=True)
    status_code = models.PositiveSmallIntegerField("estado HTTP", null=True, blank=True)
    content_type = models.CharField("tipo de contenido", max_length=100, blank=True)
    body = models.BinaryField("cuerpo", null=True, blank=True)
    headers = models.JSONField("cabeceras", default=dict, blank=True)

    class Meta:
        verbose_name = "clave de idempotencia"
        verbose_name_plural = "claves de idempotencia"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_unique_key")]

    def __str__(self):
        return self.key

    @property
    def finished(self) -> bool:
        return self.status_code is not None
