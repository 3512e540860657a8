"""TokenManager: the only code that knows ``/oauth/token``.

The token lives in Django's cache so every worker on every host shares one. One refresher at a
time takes a lock in the cache (``cache.add``), double-checks, and refreshes; the others wait a
bounded time and read the new token. Tokens never reach logs, exception text or repr.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
import uuid

from django.core.cache import caches
from django.utils.crypto import salted_hmac

from . import deadline
from .conf import FactusSettings
from .errors import FactusAuthError, FactusBadResponse, FactusTimeout, error_from_response, parse_json
from .http import NOT_SENT_MESSAGE, build_session, send

logger = logging.getLogger(__name__)

TOKEN_PATH = "/oauth/token"  # noqa: S105  (a path, not a password)
FAILURE_COOLDOWN = 30  # seconds during which refused credentials are not retried
REFRESH_KEEP = 30 * 24 * 3600  # refresh-token lifetime is UNKNOWN; Factus refuses it when stale
POLL_INTERVAL = 0.02
# INFERRED bounds of a sane token answer: a bearer token is printable ASCII without spaces (it goes
# into a header as is; Passport's JWTs are ~1 KB) and lives between 1 s and a year.
TOKEN_PATTERN = re.compile(r"[\x21-\x7e]{1,8192}")
MAX_EXPIRES_IN = 366 * 24 * 3600


class TokenManager:
    """Hands out a valid Factus access token, shared through the Django cache."""

    def __init__(
        self,
        conf: FactusSettings | None = None,
        *,
        session=None,
        cache=None,
        namespace: str | None = None,
        cooldown: int = FAILURE_COOLDOWN,
    ):
        self.conf = conf or FactusSettings.from_django()
        self.session = session or build_session(self.conf)
        self.cache = cache if cache is not None else caches["default"]
        self.cooldown = cooldown
        account = f"{self.conf.base_url}|{self.conf.client_id}|{self.conf.username}"
        prefix = f"factus:{namespace or hashlib.sha256(account.encode()).hexdigest()[:12]}"
        self.token_key, self.refresh_key, self.lock_key = (
            f"{prefix}:{name}" for name in ("token", "refresh", "lock")
        )
        secrets = f"{self.conf.client_secret}\x00{self.conf.password}"
        self.failure_key = f"{prefix}:failed:{salted_hmac('factus.auth', secrets).hexdigest()[:16]}"
        # Long enough for a refresh grant plus a password grant at their full deadlines (the
        # exchange deadline FACTUS_TIMEOUT includes the connect).
        self.lock_ttl = int(2 * self.conf.timeout) + 2
        # The cached entry this process last read, and the deadline window (factus.deadline.budget)
        # it was read in: the calls of one operation (a submission's token check, then its
        # validate) read the shared cache once. Another window reads it again; a 401 forgets it.
        self._seen: tuple[float, dict] | None = None
        self.wait_timeout = float(self.lock_ttl)

    def __repr__(self) -> str:
        return f"TokenManager(base_url={self.conf.base_url!r}, client_id={self.conf.client_id!r})"

    def get_token(self) -> str:
        """A valid access token: the cached one, or a new one obtained under the shared lock.

        Raises:
            FactusAuthError: credentials refused (remembered for a short cool-down) or lock wait timed out.
            FactusConnectionError: the token endpoint could not be reached.
        """
        window = deadline.current()
        seen = self._seen
        if window is not None and seen is not None and seen[0] == window and self._is_fresh(seen[1]):
            return seen[1]["access_token"]
        entry = self.cache.get(self.token_key)
        if self._is_fresh(entry):
            self._seen = (window, entry) if window is not None else None
            return entry["access_token"]
        return self._renew()

    def invalidate(self, token: str) -> bool:
        """Forget ``token`` after a 401, only if the cache still holds it (compare-and-delete)."""
        self._seen = None
        give_up = self._wait_until()
        owner = None
        while owner is None:
            entry = self.cache.get(self.token_key)
            if not entry or entry.get("access_token") != token:
                return False  # already replaced by someone else: keep theirs
            owner = self._acquire()
            if owner is None:
                if time.monotonic() >= give_up:
                    break
                time.sleep(POLL_INTERVAL)
        try:
            entry = self.cache.get(self.token_key)
            if entry and entry.get("access_token") == token:
                self.cache.delete(self.token_key)
                logger.info("Factus token rejected with 401; cached token invalidated")
                return True
            return False
        finally:
            self._release(owner)

    # -- renewal under the lock --------------------------------------------------------------
    def _wait_until(self) -> float:
        """When to stop waiting for another process's lock: its TTL, or the window's end if sooner."""
        wait = self.wait_timeout
        left = deadline.remaining()
        return time.monotonic() + (wait if left is None else min(wait, left))

    def _renew(self) -> str:
        give_up = self._wait_until()
        while True:
            self._raise_if_cooling_down()
            owner = self._acquire()
            if owner is not None:
                try:
                    return self._renew_locked()
                finally:
                    self._release(owner)
            if time.monotonic() >= give_up:
                if deadline.remaining() == 0:
                    raise FactusTimeout(NOT_SENT_MESSAGE, may_have_reached_server=False)
                raise FactusAuthError(
                    "Tiempo de espera agotado mientras otro proceso renovaba el token de Factus."
                )
            time.sleep(POLL_INTERVAL)
            entry = self.cache.get(self.token_key)
            if self._is_fresh(entry):
                return entry["access_token"]

    def _renew_locked(self) -> str:
        entry = self.cache.get(self.token_key)
        if self._is_fresh(entry):  # double-check: another process refreshed while we waited
            return entry["access_token"]
        data = self._refresh_grant()
        if data is None:
            data = self._password_grant()
        return self._store(data)

    def _refresh_grant(self) -> dict | None:
        refresh_token = self.cache.get(self.refresh_key)
        if not refresh_token:
            return None
        try:
            return self._grant({"grant_type": "refresh_token", "refresh_token": refresh_token})
        except FactusAuthError as exc:
            logger.info(
                "Factus refused the refresh token (status %s); using the password grant", exc.status_code
            )
            self.cache.delete(self.refresh_key)
            return None

    def _password_grant(self) -> dict:
        fields = {"grant_type": "password", "username": self.conf.username, "password": self.conf.password}
        try:
            return self._grant(fields)
        except FactusAuthError as exc:
            logger.warning(
                "Factus refused the configured credentials (status %s); cooling down %ss",
                exc.status_code,
                self.cooldown,
            )
            self.cache.set(
                self.failure_key, {"message": exc.message, "status": exc.status_code}, timeout=self.cooldown
            )
            raise

    def _grant(self, fields: dict) -> dict:
        form = {**fields, "client_id": self.conf.client_id, "client_secret": self.conf.client_secret}
        started = time.monotonic()
        response = send(
            self.session,
            "POST",
            self.conf.base_url + TOKEN_PATH,
            data=form,
            headers={"Accept": "application/json"},
        )
        logger.info(
            "POST %s grant=%s -> %s (%.0f ms)",
            TOKEN_PATH,
            fields["grant_type"],
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        if response.status_code >= 400:
            raise error_from_response(response)
        if response.status_code != 200:
            status = response.status_code
            raise FactusBadResponse(
                f"Factus respondió al pedido de token con un estado inesperado (HTTP {status}).",
                status_code=status,
            )
        data = checked_token_answer(parse_json(response))
        data["_grant"] = fields["grant_type"]
        return data

    def _store(self, data: dict) -> str:
        expires_in = data["expires_in"]
        entry = {
            "access_token": data["access_token"],
            "expires_in": expires_in,
            "expires_at": time.time() + expires_in,
        }
        self.cache.set(self.token_key, entry, timeout=expires_in)
        if data.get("refresh_token"):
            self.cache.set(self.refresh_key, data["refresh_token"], timeout=REFRESH_KEEP)
        logger.info("Factus token obtained (grant=%s, expires_in=%ss)", data["_grant"], expires_in)
        return entry["access_token"]

    # -- helpers ------------------------------------------------------------------------------
    def _is_fresh(self, entry) -> bool:
        if not entry:
            return False
        # A leeway as long as the token's life would refresh on every call: cap it at half of it.
        leeway = min(self.conf.token_leeway, entry["expires_in"] // 2)
        return time.time() < entry["expires_at"] - leeway

    def _raise_if_cooling_down(self) -> None:
        failure = self.cache.get(self.failure_key)
        if failure:
            raise FactusAuthError(
                failure["message"] + " Se reintentará en unos segundos.", status_code=failure["status"]
            )

    def _acquire(self) -> str | None:
        owner = uuid.uuid4().hex
        return owner if self.cache.add(self.lock_key, owner, timeout=self.lock_ttl) else None

    def _release(self, owner: str | None) -> None:
        # Only our own lock: if it expired and another process took it, theirs stays.
        if owner is not None and self.cache.get(self.lock_key) == owner:
            self.cache.delete(self.lock_key)


def checked_token_answer(body) -> dict:
    """``{access_token, expires_in, refresh_token}`` of a 200 token answer, checked for sense.

    Raises:
        FactusBadResponse: not an object; ``access_token`` missing, not a string or not a bearer
            token; ``expires_in`` missing, not a whole number of seconds (``"soon"``) or out of
            1 s .. 1 year. A malformed ``refresh_token`` is dropped (the password grant still works).
    """
    if not isinstance(body, dict):
        raise FactusBadResponse("Factus respondió al pedido de token sin un objeto JSON.")
    token = body.get("access_token")
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        raise FactusBadResponse("Factus respondió al pedido de token sin un token de acceso válido.")
    expires_in = _seconds(body.get("expires_in"))
    if expires_in is None:
        shown = str(body.get("expires_in"))[:20]
        raise FactusBadResponse(
            f"Factus respondió al pedido de token con una vigencia inválida (expires_in={shown!r})."
        )
    refresh = body.get("refresh_token")
    if refresh is not None and not (isinstance(refresh, str) and TOKEN_PATTERN.fullmatch(refresh)):
        logger.warning("Factus sent a malformed refresh token; it is ignored")
        refresh = None
    return {"access_token": token, "expires_in": expires_in, "refresh_token": refresh}


def _seconds(value) -> int | None:
    """A whole number of seconds within 1..MAX_EXPIRES_IN (int, integral float or digit string)."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_EXPIRES_IN:
        return value
    return None
