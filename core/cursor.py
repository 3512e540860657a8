"""The JSON API's forward-only cursor over (created_at, id), newest first.

The browser lists page with ``core.keyset`` (any sort, backwards, a capped count); the API pages
forward only, newest first, and refuses a cursor it did not make (422) instead of showing the first
page, so it keeps this smaller pager.

Each page costs the same however deep it is: no ``COUNT(*)``, no ``OFFSET``. The condition after the
cursor is the row-value comparison ``(created_at, id) < (%s, %s)``, which PostgreSQL answers by
walking the ``(-created_at, -id)`` index from the cursor (one Index Scan + LIMIT); SQLite gets
Django's expanded ``a < x OR (a = x AND b < y)``. Used by /api/v1/invoices and /api/v1/credit-notes
(invoicing.api_selectors).

A cursor is opaque to callers: URL-safe base64 of "<created_at ISO>|<id>".
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan

ORDER = ("-created_at", "-id")


class BadCursor(ValueError):
    """A cursor this module did not make."""


@dataclass(frozen=True)
class CursorPage:
    rows: list
    next_cursor: str | None


def encode_cursor(row) -> str:
    raw = f"{row.created_at.isoformat()}|{row.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Raises: BadCursor."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.rsplit("|", 1)
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None or not pk.isdigit() or int(pk) > 2**63 - 1:
            raise ValueError
        return moment, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise BadCursor(cursor) from None


def after(queryset: QuerySet, cursor: str) -> QuerySet:
    """``queryset`` (any order) reduced to the rows after ``cursor`` in ``ORDER``. Raises: BadCursor."""
    created_at, pk = decode_cursor(cursor)
    return queryset.filter(TupleLessThan(Tuple(F("created_at"), F("id")), (created_at, pk)))


def cursor_page(queryset: QuerySet, *, cursor: str = "", limit: int) -> CursorPage:
    """``limit`` rows of ``queryset`` after ``cursor`` (newest first) and the cursor of the next page
    (None on the last one): one query, ``limit + 1`` rows. Raises: BadCursor."""
    if cursor:
        queryset = after(queryset, cursor)
    rows = list(queryset.order_by(*ORDER)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return CursorPage(rows, encode_cursor(rows[-1]) if more and rows else None)
