"""The one place that builds HTTP sessions for Factus: timeouts, headers and GET-only retries."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    InvalidHeader,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ResponseError,
)
from urllib3.util.retry import Retry

from .conf import FactusSettings
from .errors import FactusConnectionError

USER_AGENT = "factus-django-client/1.0 (+python-requests)"
RETRY_STATUSES = (429, 502, 503, 504)
MAX_RETRY_AFTER = 10  # seconds; a longer Retry-After is handed to the caller as FactusRateLimited


class BoundedRetry(Retry):
    """urllib3 Retry that gives up instead of sleeping through a long Retry-After."""

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        if response is not None and response.headers.get("Retry-After"):
            try:
                wait = self.parse_retry_after(response.headers["Retry-After"])
            except InvalidHeader:  # left to the normal policy
                wait = 0
            if wait > MAX_RETRY_AFTER:
                raise MaxRetryError(_pool, url, ResponseError(f"Retry-After {wait:.0f}s too long"))
        return super().increment(method, url, response, error, _pool, _stacktrace)


def build_retry() -> Retry:
    """Idempotent reads only: a POST is never replayed (reference_code is the idempotency key)."""
    return BoundedRetry(
        total=3,
        connect=2,  # the request never left: safe for any method
        read=0,  # a read timeout may have reached Factus: report it, never replay
        status=3,
        other=0,
        redirect=0,
        allowed_methods=frozenset({"GET", "HEAD"}),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=0.2,
        backoff_max=2.0,
        respect_retry_after_header=True,
        raise_on_status=False,
    )


class TimeoutSession(requests.Session):
    """A Session whose requests get the configured (connect, read) timeout unless one is given."""

    def __init__(self, timeout: tuple[float, float]):
        super().__init__()
        self.default_timeout = timeout

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(method, url, **kwargs)


def build_session(conf: FactusSettings | None = None) -> requests.Session:
    """A Session with default timeouts, JSON headers, a User-Agent and GET retries."""
    conf = conf or FactusSettings.from_django()
    session = TimeoutSession(conf.timeouts)
    session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
    adapter = HTTPAdapter(max_retries=build_retry(), pool_connections=4, pool_maxsize=16)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


_NOT_SENT = (NewConnectionError, NameResolutionError, ConnectTimeoutError)


def send(session: requests.Session, method: str, url: str, **kwargs) -> requests.Response:
    """Perform one request; network failures become FactusConnectionError.

    Raises:
        FactusConnectionError: timeout or connection failure (see ``may_have_reached_server``).
    """
    try:
        return session.request(method, url, **kwargs)
    except requests.exceptions.ConnectTimeout as exc:
        raise FactusConnectionError(
            "Factus no respondió a tiempo al conectar. Intente de nuevo.", may_have_reached_server=False
        ) from exc
    except requests.exceptions.Timeout as exc:
        raise FactusConnectionError(
            "Factus no respondió a tiempo; la operación pudo haberse completado. "
            "Verifique antes de reintentar."
        ) from exc
    except requests.exceptions.ConnectionError as exc:
        reached = not _never_sent(exc)
        raise FactusConnectionError(may_have_reached_server=reached) from exc
    except requests.exceptions.RequestException as exc:
        raise FactusConnectionError(may_have_reached_server=False) from exc


def _never_sent(exc: requests.exceptions.ConnectionError) -> bool:
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    return isinstance(reason, _NOT_SENT)
