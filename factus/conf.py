"""The Factus client's settings, read once from Django settings into a frozen value."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings


@dataclass(frozen=True)
class FactusSettings:
    """Where Factus is, who we are, and how long we wait for it (secrets hidden from repr)."""

    base_url: str
    client_id: str
    client_secret: str = field(repr=False)
    username: str
    password: str = field(repr=False)
    timeout: float = 30.0
    connect_timeout: float = 5.0
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
            timeout=float(getattr(settings, "FACTUS_TIMEOUT", 30.0)),
            connect_timeout=float(getattr(settings, "FACTUS_CONNECT_TIMEOUT", 5.0)),
            token_leeway=int(getattr(settings, "FACTUS_TOKEN_LEEWAY", 60)),
        )

    @property
    def timeouts(self) -> tuple[float, float]:
        """The (connect, read) pair requests expects."""
        return (self.connect_timeout, self.timeout)

    @property
    def has_credentials(self) -> bool:
        return all((self.client_id, self.client_secret, self.username, self.password))
