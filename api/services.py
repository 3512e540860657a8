"""Writes of the API's own records: personal tokens (create, revoke, record a use)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from api.models import ApiToken

TOKEN_PREFIX = "fct_"  # noqa: S105 - the visible prefix of every token
SHOWN_PREFIX = 12  # characters of the token pages may show ("fct_" + 8)
MAX_ACTIVE_TOKENS = 20
# A use is written at most once a minute per token: a busy integrator does not write a row per call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def token_hash(secret: str) -> str:
    """SHA-256 of a token: tokens are 256 random bits, so a fast hash is enough (no salt needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, user, name: str) -> NewToken:
    """A new personal token of ``user``; its secret is returned once and only its hash is stored.

    Raises: ValidationError (empty name, too many active tokens).
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Escriba un nombre para el token (p. ej. «Caja 1»)."})
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError({"name": f"Tiene {MAX_ACTIVE_TOKENS} tokens activos: revoque uno primero."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=secret[:SHOWN_PREFIX], token_hash=token_hash(secret)
    )
    return NewToken(token, secret)


def token_revoke(*, token_id: int, user=None) -> bool:
    """Revoke a token (of ``user`` when given: a person revokes only their own). True if it changed."""
    tokens = ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True)
    if user is not None:
        tokens = tokens.filter(user=user)
    return bool(tokens.update(revoked_at=timezone.now()))


def token_authenticate(secret: str) -> ApiToken | None:
    """The active token whose secret this is (with its active user), recording the use; else None."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
