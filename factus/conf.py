"""The Factus client's settings, read once from Django settings into a frozen value."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

# The one home of the timing defaults (seconds): settings.py, gunicorn.conf.py and the system
# checks read them from here. See docs/deployment.md for how they must fit together.
DEFAULT_TIMEOUT = 20.0  # FACTUS_TIMEOUT: total deadline of ONE exchange (connect + headers + body)
DEFAULT_CONNECT_TIMEOUT = 5.0  # FACTUS_CONNECT_TIMEOUT
DEFAULT_REQUEST_BUDGET = 40.0  # FACTUS_REQUEST_BUDGET: all Factus calls of one web request
DEFAULT_WEB_TIMEOUT = 60  # WEB_TIMEOUT: gunicorn's worker timeout
DEFAULT_RATE_LIMIT = 80  # FACTUS_RATE_LIMIT: Factus requests a minute for the whole fleet
WEB_TIMEOUT_MARGIN = 10  # what a request needs besides Factus (database, rendering) under WEB_TIMEOUT


@dataclass(frozen=True)
class FactusSettings:
    """Where Factus is, who we are, and how long we wait for it (secrets hidden from repr).

    ``timeout`` is the total deadline of one exchange (connect, headers and body); ``connect_timeout``
    bounds the TCP/TLS connect inside it. Both are cut further by ``factus.deadline.remaining()``.
    """

    base_url: str
    client_id: str
    client_secret: str = field(repr=False)
    username: str
    password: str = field(repr=False)
    timeout: float = DEFAULT_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    token_leeway: int = 60

    @classmethod
    def from_django(cls) -> FactusSettings:
        """Build from the FACTUS_* Django settings."""
        return cls(
            base_url=str(getattr(settings, "FACTUS_BASE_URL", "") or "").rstrip("/"),
            client_id=getattr(settings, "FACTUS_CLIENT_ID", "") or "",
            client_secret=getattr(settings, "FACTUS_CLIENT_SECRET", "") or "",
            username=getattr(settings, "FACTUS_USERNAME", "") or "",
            password=getattr(settings, "FACTUS_PASSWORD", "") or "",
            timeout=float(getattr(settings, "FACTUS_TIMEOUT", DEFAULT_TIMEOUT)),
            connect_timeout=float(getattr(settings, "FACTUS_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT)),
            token_leeway=int(getattr(settings, "FACTUS_TOKEN_LEEWAY", 60)),
        )

    @property
    def has_credentials(self) -> bool:
        return all((self.client_id, self.client_secret, self.username, self.password))


def request_budget() -> float:
    """Seconds one web request may spend on Factus in all (``settings.FACTUS_REQUEST_BUDGET``)."""
    return float(getattr(settings, "FACTUS_REQUEST_BUDGET", DEFAULT_REQUEST_BUDGET))


def rate_limit() -> int:
    """Factus requests a minute for the whole fleet (``settings.FACTUS_RATE_LIMIT``; 0 = no limit)."""
    return int(getattr(settings, "FACTUS_RATE_LIMIT", DEFAULT_RATE_LIMIT))
