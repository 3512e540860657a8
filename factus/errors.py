"""One exception hierarchy for every Factus failure, and the one function that maps a response to it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

SECRET_KEYS = frozenset(
    {"access_token", "refresh_token", "client_secret", "password", "authorization", "token"}
)


def scrub(value):
    """A copy of a parsed body with every secret-looking field replaced."""
    if isinstance(value, dict):
        return {k: "[REDACTED]" if str(k).lower() in SECRET_KEYS else scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(item) for item in value]
    return value


class FactusError(Exception):
    """Base of every Factus failure: Spanish ``.message``, ``.status_code`` and the parsed ``.body``."""

    default_message = "Factus devolvió un error inesperado."

    def __init__(self, message: str | None = None, *, status_code: int | None = None, body=None):
        self.message = message or self.default_message
        self.status_code = status_code
        self.body = scrub(body)
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code!r}, message={self.message!r})"


class FactusConnectionError(FactusError):
    """Timeout or network failure; ``may_have_reached_server`` says if Factus may have acted on it."""

    default_message = "No fue posible comunicarse con Factus. Intente de nuevo en unos minutos."

    def __init__(self, message: str | None = None, *, may_have_reached_server: bool = True, **kwargs):
        self.may_have_reached_server = may_have_reached_server
        super().__init__(message, **kwargs)


class FactusTimeout(FactusConnectionError):
    """The exchange did not finish within its deadline (slow answer, slow drip, or the budget of
    the page ran out). Factus may have acted on it unless ``may_have_reached_server`` is False."""

    default_message = "Factus no respondió a tiempo; la operación pudo haberse completado."


class FactusAuthError(FactusError):
    default_message = "Factus rechazó la autenticación. Revise las credenciales configuradas."


class FactusValidationError(FactusError):
    """422 with field errors: ``.errors`` maps a dotted field path to its messages."""

    default_message = "Factus encontró errores en los datos enviados."

    def __init__(self, message: str | None = None, *, errors: dict[str, list[str]] | None = None, **kw):
        self.errors = errors or {}
        super().__init__(message, **kw)


class FactusRejected(FactusError):
    """DIAN rejected the document (it stays at Factus with status 0 and must be deleted to retry)."""

    default_message = "La DIAN rechazó el documento."

    def __init__(self, message: str | None = None, *, rules: list[tuple[str, str]] | None = None, **kw):
        self.rules = rules or []
        super().__init__(message, **kw)

    @property
    def rejections(self) -> list[tuple[str, str]]:
        return [rule for rule in self.rules if "Rechazo" in rule[1]]

    @property
    def notifications(self) -> list[tuple[str, str]]:
        return [rule for rule in self.rules if "Notificación" in rule[1]]


class FactusConflict(FactusError):
    default_message = "Factus no permite la operación en el estado actual del documento."


class FactusNotFound(FactusError):
    default_message = "Factus no encontró el recurso solicitado."


class FactusRateLimited(FactusError):
    """429: ``retry_after`` is the number of seconds Factus asked us to wait, when it said.

    The message already says the wait (once): show it as is, do not append the wait again.
    """

    default_message = (
        "Factus limitó la cantidad de solicitudes (HTTP 429). Espere un momento e intente de nuevo."
    )

    def __init__(self, message: str | None = None, *, retry_after: int | None = None, **kwargs):
        self.retry_after = retry_after
        if message is None and retry_after:
            wait = f"Espere {retry_after} segundos e intente de nuevo."
            message = f"Se superó el límite de solicitudes a Factus. {wait}"
        super().__init__(message, **kwargs)


class FactusThrottled(FactusRateLimited):
    """Our own fleet limit (``factus.ratelimit``) gave no turn before the deadline: nothing was sent
    (no HTTP status); the message says at what time to try again."""

    may_have_reached_server = False


class FactusServerError(FactusError):
    """5xx: Factus failed while handling the request; it may or may not have acted on it."""

    may_have_reached_server = True  # as for FactusConnectionError: look it up before resending

    default_message = "Factus respondió con un error interno; la operación pudo haberse completado."

    def __init__(self, message: str | None = None, *, status_code: int | None = None, body=None):
        if message is None and status_code:
            message = (
                f"Factus respondió con un error interno (HTTP {status_code}); "
                "la operación pudo haberse completado."
            )
        super().__init__(message, status_code=status_code, body=body)


class FactusBadResponse(FactusServerError):
    """Factus answered, but with something that makes no sense (not JSON, a field of the wrong type
    or too long for our records, an unknown status). The operation may have happened at Factus."""

    default_message = (
        "Factus respondió con datos que no tienen sentido; la operación pudo haberse completado."
    )

    def __init__(self, message: str | None = None, *, status_code: int | None = None, body=None):
        FactusError.__init__(self, message, status_code=status_code, body=body)


OAUTH_MESSAGES = {
    "invalid_client": "Factus rechazó el client_id o el client_secret configurados.",
    "invalid_grant": "Factus rechazó el usuario o la contraseña configurados.",
    "invalid_request": "Factus rechazó la solicitud de token (token de renovación inválido o vencido).",
    "unsupported_grant_type": "Factus no acepta el tipo de autorización solicitado.",
}


def parse_json(response):
    """The decoded JSON body, or None when the body is empty or not JSON.

    A body nested deeper than Python's recursion limit (``[[[[...]]]]``, a few hundred kB) makes the
    json module raise RecursionError: that is not JSON we can use either.
    """
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError, RecursionError):
        return None
    if LONE_SURROGATE.search(response.text):
        body = _without_surrogates(body)
    return body


# A ``\uD800``-``\uDFFF`` escape: a pair makes one character, a lone one decodes to a str that
# cannot be encoded in UTF-8 (PostgreSQL refuses it in text and jsonb: a 500 when recorded).
LONE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATES = ("\ud800", "\udfff")


def _without_surrogates(value):
    """A copy where every lone surrogate is U+FFFD (keys included); pairs were already joined."""
    if isinstance(value, str):
        return "".join("\ufffd" if _SURROGATES[0] <= char <= _SURROGATES[1] else char for char in value)
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    return value


# INFERRED: Factus' limit is per minute; a longer wait (a header of 10^20 seconds, a date in 2099)
# makes no sense and would overflow the date arithmetic of whoever says "try again at HH:MM".
MAX_RETRY_AFTER_SECONDS = 3600


def parse_retry_after(value: str | None, now: datetime | None = None) -> int | None:
    """Retry-After in whole seconds (at most MAX_RETRY_AFTER_SECONDS), from either delta-seconds or
    an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(int(value), MAX_RETRY_AFTER_SECONDS)
    try:
        when = parsedate_to_datetime(value)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    except (TypeError, ValueError, OverflowError):
        return None
    return min(max(0, int(seconds)), MAX_RETRY_AFTER_SECONDS)


STATUS_CLASSES = {401: FactusAuthError, 403: FactusAuthError, 404: FactusNotFound, 409: FactusConflict}


def error_from_response(response) -> FactusError:
    """Map a failed (or unparsable) Factus response to its exception.

    The status decides the class, the body only refines the message: a 429 or a 5xx with an HTML
    body (a proxy's page) is still a rate limit or a server error.
    """
    status, body = response.status_code, parse_json(response)
    if status == 429:
        retry = parse_retry_after(response.headers.get("Retry-After"))
        return FactusRateLimited(status_code=status, body=body, retry_after=retry)
    if status >= 500:
        # Laravel's English defaults ("Server Error") are never shown: the message is ours.
        return FactusServerError(status_code=status, body=body)
    if not isinstance(body, dict):
        if status == 422:
            return FactusBadResponse(
                "Factus rechazó los datos (HTTP 422) sin decir cuáles.", status_code=status, body=body
            )
        return STATUS_CLASSES.get(status, FactusError)(status_code=status, body=body)
    if isinstance(body.get("error"), str):
        return FactusAuthError(OAUTH_MESSAGES.get(body["error"]), status_code=status, body=body)
    if status == 422:
        return _unprocessable(body)
    message = None if status == 401 else _message_of(body)  # "Unauthenticated." is English
    return STATUS_CLASSES.get(status, FactusError)(message, status_code=status, body=body)


def _message_of(body: dict) -> str | None:
    """The human message of envelopes E1 (``errors[0].message``) and E4 (``message``)."""
    errors = body.get("errors")
    candidates = [body.get("message")]
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        candidates.insert(0, errors[0].get("message"))
    return next((m for m in candidates if isinstance(m, str) and m.strip()), None)


def _unprocessable(body: dict) -> FactusError:
    """422 in its three shapes: E2 (top-level errors), E3 (data.errors) and E3b (DIAN rules)."""
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    errors = body.get("errors") if isinstance(body.get("errors"), dict) else data.get("errors")
    errors = errors if isinstance(errors, dict) else {}
    rules = [(str(k), v) for k, v in errors.items() if isinstance(v, str)]
    if rules:
        return FactusRejected(_rejection_message(rules), status_code=422, body=body, rules=rules)
    fields = {str(k): [str(m) for m in v] if isinstance(v, list) else [str(v)] for k, v in errors.items()}
    return FactusValidationError(_validation_message(fields), status_code=422, body=body, errors=fields)


def _rejection_message(rules: list[tuple[str, str]]) -> str:
    return "La DIAN rechazó el documento: " + "; ".join(text for _, text in rules)


def _validation_message(fields: dict[str, list[str]]) -> str:
    count = sum(len(messages) for messages in fields.values())
    if not count:
        return FactusValidationError.default_message
    first = next(m for messages in fields.values() for m in messages)
    more = f" (y {count - 1} error(es) más)" if count > 1 else ""
    return f"Factus encontró errores en los datos enviados: {first}{more}"
