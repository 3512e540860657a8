"""Per-token throttling: a fixed one-window counter in the shared cache (atomic ``incr`` on Redis).

``API_THROTTLE_RATE`` ("120/m" by default; "N/s", "N/m", "N/h") applies to each token separately.
Every worker counts in the same cache entry, so the limit holds for the whole fleet when
``CACHE_URL`` points at Redis.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from ninja.throttling import BaseThrottle

PERIODS = {"s": 1, "m": 60, "h": 3600}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/m" -> (120, 60). Raises ValueError for anything else."""
    count, _, period = str(rate).strip().partition("/")
    seconds = PERIODS.get(period.strip()[:1].lower())
    if seconds is None or not count.strip().isdigit() or int(count) < 1:
        raise ValueError(f"API_THROTTLE_RATE no válido: {rate!r} (ejemplo: 120/m)")
    return int(count), seconds


class TokenRateThrottle(BaseThrottle):
    def __init__(self):
        self._local = threading.local()  # one instance serves every thread of the worker

    def allow_request(self, request) -> bool:
        token = getattr(request, "auth", None)
        if token is None:
            return True
        limit, period = parse_rate(settings.API_THROTTLE_RATE)
        now = time.time()
        window = int(now // period)
        key = f"api-throttle:{token.pk}:{period}:{window}"
        try:  # the window's counter exists for all but its first request: no add first
            count = cache.incr(key)
        except ValueError:  # the window's first request (or another worker's add is on its way)
            count = 1 if cache.add(key, 1, timeout=period * 2) else cache.incr(key)
        self._local.wait = (window + 1) * period - now
        request.throttle_remaining = max(0, limit - count)
        return count <= limit

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
