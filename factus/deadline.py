"""A deadline shared by every Factus call made on behalf of one operation (a page, a task).

``budget(seconds)`` opens a window; every call inside it gets at most what is left of it as its
own total deadline (``factus.http.send``), so a page never waits on Factus longer than its budget,
whatever the number of calls (token, validate, lookups). Windows nest; an inner window can only
shorten the outer one. Outside any window ``remaining()`` is None: only the per-call timeout applies.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_deadline: ContextVar[float | None] = ContextVar("factus_deadline", default=None)


@contextmanager
def budget(seconds: float) -> Iterator[float]:
    """Run the block with at most ``seconds`` for all its Factus calls; yields the absolute deadline."""
    outer = _deadline.get()
    deadline = time.monotonic() + max(0.0, seconds)
    if outer is not None:
        deadline = min(deadline, outer)
    token = _deadline.set(deadline)
    try:
        yield deadline
    finally:
        _deadline.reset(token)


def current() -> float | None:
    """The current window's absolute deadline (``time.monotonic()`` time), or None outside any."""
    return _deadline.get()


def remaining() -> float | None:
    """Seconds left in the current window (never negative), or None outside any window."""
    deadline = _deadline.get()
    return None if deadline is None else max(0.0, deadline - time.monotonic())
