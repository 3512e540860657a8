"""One Factus rate limit for the whole fleet: every exchange takes its turn from one shared budget.

Factus allows ``FACTUS_RATE_LIMIT`` requests a minute per account (80), shared by every web process
and worker on every host. ``take_turn()`` is called by ``factus.http`` before every exchange (GET
retries included) and hands out evenly spaced turns ("slots") from one schedule kept in Redis when
the default cache is Redis, in the database otherwise (``factus.models.RateBudget``):

* the schedule is a single "next free slot" time; a caller reserves the slot at
  ``max(next free, now, paused until)`` and sleeps until it; slots are ``60 / (limit * SAFETY)``
  seconds apart, so no 60-second window ever holds more than the limit;
* priority: a person waiting at a page (``INTERACTIVE``, the default) may reserve a future slot; bulk
  work (``BULK``, set by ``background()`` in tasks) only takes a slot that is free *now*, and
  otherwise sleeps until the next one and asks again. So a person jumps ahead of every bulk waiter
  and waits at most one slot;
* a 429 from Factus pauses the whole fleet for its ``Retry-After`` (``pause()``);
* a turn that would come later than the current deadline (``factus.deadline``: the page's budget) is
  not waited for: ``FactusThrottled`` says when to try again, and nothing is sent.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import logging
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from . import deadline
from .conf import rate_limit
from .errors import FactusConnectionError, FactusThrottled

logger = logging.getLogger(__name__)

INTERACTIVE, BULK = "interactive", "bulk"
# INFERRED: Factus counts requests when they arrive, in windows we cannot see; slots 3 % wider than
# the limit keep network jitter from ever putting limit + 1 requests in one window (the emulator's
# fixed window showed it), at 97 % of the limit.
SAFETY = 0.97
# Outside any deadline (a management command, a test): the longest wait for a turn.
MAX_WAIT_OUTSIDE_DEADLINE = 120.0
# How long a 429 pauses the fleet when Factus does not say (seconds).
DEFAULT_PAUSE = 60
KEY_TTL = 3600

STORE_DOWN_MESSAGE = (
    "No fue posible coordinar el límite de solicitudes a Factus (la caché o la base de datos no "
    "responde); no se envió nada. Intente de nuevo en unos minutos."
)

_priority: contextvars.ContextVar[str] = contextvars.ContextVar("factus_priority", default=INTERACTIVE)
_in_hand: contextvars.ContextVar[bool] = contextvars.ContextVar("factus_turn_in_hand", default=False)
sleep = time.sleep  # tests replace it


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Run the block's Factus calls as bulk work: after every person waiting at a page."""
    token = _priority.set(BULK)
    try:
        yield
    finally:
        _priority.reset(token)


def priority() -> str:
    return _priority.get()


@contextlib.contextmanager
def turn_in_hand() -> Iterator[bool]:
    """Wait for a turn first (up to MAX_WAIT_OUTSIDE_DEADLINE, outside any page's deadline), so the
    block's first Factus call goes at once; yields whether a turn is held.

    For tasks: bulk waiters race for each free turn, and one could lose every race within its
    submission's budget; holding the turn before the budget starts makes that wait harmless.
    """
    try:
        with deadline.budget(MAX_WAIT_OUTSIDE_DEADLINE):
            take_turn()
    except FactusThrottled:  # the block's calls wait (or are refused) as usual
        yield False
        return
    token = _in_hand.set(True)
    try:
        yield True
    finally:
        _in_hand.reset(token)


def interval(limit: int) -> float:
    """Seconds between two turns of the fleet."""
    return 60.0 / (limit * SAFETY)


def take_turn() -> None:
    """Wait for this process's turn to call Factus, or raise without sending anything.

    Raises:
        FactusThrottled: the turn would come after the current deadline (``retry_after``, ``retry_at``).
        FactusConnectionError: the shared store (Redis or the database) failed; nothing was sent.
    """
    limit = rate_limit()
    if limit <= 0:
        return
    if _in_hand.get():  # taken before the block started (turn_in_hand): this call spends it
        _in_hand.set(False)
        return
    store, step, bulk = get_store(), interval(limit), priority() == BULK
    while True:
        left = deadline.remaining()
        max_wait = MAX_WAIT_OUTSIDE_DEADLINE if left is None else left
        try:
            granted, wait = store.reserve(step=step, bulk=bulk, max_wait=max_wait)
        except (RedisError, DatabaseError) as exc:  # no turn, no call: never around the budget
            raise FactusConnectionError(STORE_DOWN_MESSAGE, may_have_reached_server=False) from exc
        if granted:
            if wait > 0:
                sleep(wait)
            return
        if wait >= max_wait:
            raise throttled(wait)
        sleep(wait)  # bulk: the next slot is not free yet; ask again when it should be


def throttled(wait: float) -> FactusThrottled:
    at = retry_time(wait)
    return FactusThrottled(
        "Factus está al límite de solicitudes por minuto de la cuenta; no se envió nada. "
        f"Intente de nuevo a las {at:%H:%M}.",
        retry_after=max(1, int(wait + 0.999)),
    )


def retry_time(seconds: float) -> datetime:
    """Local time when ``seconds`` from now have passed, rounded up to the minute ("a las HH:MM")."""
    at = timezone.localtime(timezone.now() + timedelta(seconds=seconds))
    if at.second or at.microsecond:
        at = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return at


def pause(seconds: int | None) -> None:
    """A 429 from Factus: no turn is given to anyone, on any host, for ``seconds``."""
    if rate_limit() <= 0:
        return
    seconds = DEFAULT_PAUSE if seconds is None else max(1, seconds)
    logger.warning("Factus answered 429: the fleet pauses for %s s", seconds)
    try:
        get_store().pause(seconds)
    except (RedisError, DatabaseError):  # the 429 itself still reaches the caller
        logger.exception("Could not pause the fleet after a 429")


def account_key() -> str:
    """One schedule per Factus account (base URL and user), never the user name in clear."""
    raw = f"{getattr(settings, 'FACTUS_BASE_URL', '')}|{getattr(settings, 'FACTUS_USERNAME', '')}"
    return "factus-rate:" + hashlib.sha256(raw.encode()).hexdigest()[:16]


def get_store():
    """Redis when the default cache is Redis (django-redis or Django's own), the database otherwise."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if "redis" in backend.lower():
        return RedisStore(account_key())
    return DatabaseStore(account_key())


# Redis: one atomic script per reservation, on Redis' clock (TIME), so hosts' clocks do not matter.
# Values are returned as strings: Redis turns Lua numbers into integers.
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local step, bulk, max_wait = tonumber(ARGV[1]), ARGV[2] == '1', tonumber(ARGV[3])
local start = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now,
                       tonumber(redis.call('GET', KEYS[2]) or '0'))
local wait = start - now
if (bulk and wait > 0) or wait > max_wait then return {0, tostring(wait)} end
redis.call('SET', KEYS[1], tostring(start + step), 'EX', tonumber(ARGV[4]))
return {1, tostring(wait)}
"""
PAUSE = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], tostring(until_), 'EX', tonumber(ARGV[2]))
end
return 1
"""


class RedisStore:
    def __init__(self, key: str):
        self.keys = [f"{key}:next", f"{key}:paused"]

    def _client(self):
        from django.core.cache import caches

        cache = caches["default"]
        if hasattr(cache, "client") and hasattr(cache.client, "get_client"):  # django-redis
            return cache.client.get_client(write=True)
        return cache._cache.get_client(None, write=True)  # django.core.cache.backends.redis

    def reserve(self, *, step: float, bulk: bool, max_wait: float) -> tuple[bool, float]:
        granted, wait = self._client().eval(
            RESERVE, 2, *self.keys, repr(step), "1" if bulk else "0", repr(max_wait), KEY_TTL
        )
        return bool(int(granted)), float(wait)

    def pause(self, seconds: int) -> None:
        self._client().eval(PAUSE, 1, self.keys[1], seconds, KEY_TTL)


class DatabaseStore:
    """The schedule in one row, updated under a row lock (SQLite serialises writers itself).

    Times are this host's wall clock: hosts sharing a database without Redis must keep NTP time.
    """

    def __init__(self, key: str):
        self.key = key

    def reserve(self, *, step: float, bulk: bool, max_wait: float) -> tuple[bool, float]:
        from .models import RateBudget

        with transaction.atomic():
            row = self._row(RateBudget)
            now = time.time()
            start = max(row.next_at, now, row.paused_until)
            wait = start - now
            if (bulk and wait > 0) or wait > max_wait:
                return False, wait
            RateBudget.objects.filter(pk=self.key).update(next_at=start + step)
            return True, wait

    def pause(self, seconds: int) -> None:
        from .models import RateBudget

        with transaction.atomic():
            row = self._row(RateBudget)
            until = time.time() + seconds
            if until > row.paused_until:
                RateBudget.objects.filter(pk=self.key).update(paused_until=until)

    def _row(self, model):
        """The schedule row, locked; created the first time (one query once it exists)."""
        try:
            return model.objects.select_for_update().get(pk=self.key)
        except model.DoesNotExist:
            model.objects.get_or_create(pk=self.key)
            return model.objects.select_for_update().get(pk=self.key)
