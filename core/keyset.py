"""Keyset ("cursor") pagination of an ordered queryset: a page costs the same at any depth.

A page is read with ``WHERE (sort keys) after (the last row's keys) ... LIMIT size + 1`` instead of
``OFFSET``, and the total is counted only up to ``COUNT_CAP`` (``COUNT(*)`` of a subquery with a
LIMIT): two queries per page whatever the page size or depth. The cursor is an opaque URL-safe
text holding the direction, the page number when known and the keys of the row it starts after
(or before); a cursor that does not decode is the first page, never an error.

Any ordering works (fields, ``-fields``, expressions such as ``Coalesce(...).desc()``); the primary
key is added as the last key when the ordering does not end with it, so rows with equal keys keep
one order and a page never repeats or skips one. NULLs sort as PostgreSQL sorts them by default (last
ascending, first descending) and are written explicitly so that SQLite agrees.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy

COUNT_CAP = 1000
NEXT, PREVIOUS, LAST = "n", "p", "l"


@dataclass(frozen=True)
class KeysetPage:
    """One page of rows. ``number`` is None for pages reached from the end ("Última")."""

    object_list: list
    size: int
    number: int | None
    count: int  # rows matching, counted up to COUNT_CAP + 1
    next_cursor: str | None = None
    previous_cursor: str | None = None  # None with has_previous: the previous page is the first
    has_previous: bool = False
    last_cursor: str | None = None
    cap: int = COUNT_CAP

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def count_capped(self) -> bool:
        """True when more rows match than were counted (the page says "más de 1.000")."""
        return self.count > self.cap

    @property
    def num_pages(self) -> int | None:
        """Pages in all, when the count is exact."""
        return None if self.count_capped else max(1, -(-self.count // self.size))

    @property
    def start_index(self) -> int | None:
        """Position of the first row (1-based) when known: counted from the start, or from an
        exact count on the last page."""
        if not self.object_list:
            return None
        if self.number:
            return (self.number - 1) * self.size + 1
        if not self.has_next and not self.count_capped:
            return self.count - len(self.object_list) + 1
        return None

    @property
    def end_index(self) -> int | None:
        start = self.start_index
        return start + len(self.object_list) - 1 if start else None


def _keys(queryset: QuerySet) -> list[tuple[object, bool]]:
    """(expression, descending) of each ORDER BY key, the primary key last (added when missing)."""
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    keys = []
    for item in ordering:
        if isinstance(item, OrderBy):
            keys.append((item.expression, item.descending))
        elif isinstance(item, str):
            keys.append((F(item.lstrip("-")), item.startswith("-")))
        else:
            keys.append((item, False))
    last = keys[-1][0] if keys else None
    if not (isinstance(last, F) and last.name in ("pk", "id", queryset.model._meta.pk.name)):
        keys.append((F("pk"), False))
    return keys


class _Keyset:
    """The queryset annotated with its sort keys (_ks0, _ks1, ...) and read in either direction."""

    def __init__(self, queryset: QuerySet):
        self.keys = _keys(queryset)
        self.queryset = queryset.annotate(**{f"_ks{i}": e for i, (e, _) in enumerate(self.keys)})
        annotations = self.queryset.query.annotations
        self.fields = [annotations[f"_ks{i}"].output_field for i in range(len(self.keys))]

    def ordered(self, *, reverse: bool) -> QuerySet:
        order = []
        for i, (_, descending) in enumerate(self.keys):
            key = F(f"_ks{i}")
            order.append(key.desc(nulls_first=True) if descending != reverse else key.asc(nulls_last=True))
        return self.queryset.order_by(*order)

    def past(self, values: list, *, reverse: bool) -> Q:
        """Rows whose keys come strictly after ``values`` in the reading order, as one condition
        (k1 past v1, or k1 = v1 and k2 past v2, ...) plus a bound on k1 an index can use."""
        condition, equal_so_far = Q(pk__in=[]), Q()
        for i, value in enumerate(values):
            condition |= equal_so_far & self._beyond(i, value, reverse=reverse)
            equal_so_far &= Q(**{f"_ks{i}__isnull": True}) if value is None else Q(**{f"_ks{i}": value})
        if values[0] is not None and not self.fields[0].null:
            desc = self.keys[0][1] != reverse
            condition &= Q(_ks0__lte=values[0]) if desc else Q(_ks0__gte=values[0])
        return condition

    def _beyond(self, i: int, value, *, reverse: bool) -> Q:
        name, nullable = f"_ks{i}", self.fields[i].null
        if self.keys[i][1] != reverse:  # descending: NULLs first, then high to low
            return Q(**{f"{name}__isnull": False}) if value is None else Q(**{f"{name}__lt": value})
        if value is None:  # ascending: NULLs last, nothing past them
            return Q(pk__in=[])
        after = Q(**{f"{name}__gt": value})
        return after | Q(**{f"{name}__isnull": True}) if nullable else after

    def values_of(self, row) -> list:
        return [getattr(row, f"_ks{i}") for i in range(len(self.keys))]

    def encode(self, direction: str, number: int | None, row=None) -> str:
        values = [_plain(v) for v in self.values_of(row)] if row is not None else []
        raw = json.dumps([direction, number, values], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def decode(self, cursor: str | None) -> tuple[str, int | None, list] | None:
        """(direction, page number, key values) of a cursor; None when absent or not ours."""
        if not cursor or len(cursor) > 2000:
            return None
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            direction, number, values = json.loads(raw)
            if number is not None and (type(number) is not int or number < 2):
                return None
            if direction == LAST:
                return LAST, None, []
            if (
                direction not in (NEXT, PREVIOUS)
                or not isinstance(values, list)
                or len(values) != len(self.keys)
            ):
                return None
            parsed = [None if v is None else f.to_python(v) for f, v in zip(self.fields, values, strict=True)]
        except (ValueError, TypeError, ValidationError, binascii.Error, UnicodeDecodeError, AttributeError):
            return None
        return direction, number, parsed


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    return value.isoformat() if isinstance(value, datetime | date) else value


def keyset_page(
    queryset: QuerySet, *, cursor: str | None, size: int, count_cap: int = COUNT_CAP
) -> KeysetPage:
    """The page of ``queryset`` (ordered, ending with the pk) that ``cursor`` points at.

    Two queries: the capped count and the page's rows (``size + 1`` to know whether more follow).
    """
    keyset = _Keyset(queryset)
    count = queryset.order_by()[: count_cap + 1].count()
    last = keyset.encode(LAST, None) if count > size else None
    position = keyset.decode(cursor)
    if position is None:
        return _forward(keyset, None, 1, size, count, last, count_cap)
    direction, number, values = position
    if direction == NEXT:
        return _forward(keyset, values, number, size, count, last, count_cap)
    if direction == LAST and count <= count_cap:
        return _last_counted(keyset, size, count, count_cap)
    backwards = keyset.ordered(reverse=True)
    if values:
        backwards = backwards.filter(keyset.past(values, reverse=True))
    rows = list(backwards[: size + 1])
    if len(rows) <= size:  # nothing before these rows: the first page (short when reached from the end)
        rows = rows[::-1]
        more = direction == PREVIOUS
        return KeysetPage(
            cap=count_cap,
            object_list=rows,
            size=size,
            number=1,
            count=count,
            next_cursor=keyset.encode(NEXT, 2, rows[-1]) if more and rows else None,
            last_cursor=last,
        )
    rows = rows[:size][::-1]
    return KeysetPage(
        cap=count_cap,
        object_list=rows,
        size=size,
        number=number,
        count=count,
        next_cursor=keyset.encode(NEXT, number + 1 if number else None, rows[-1])
        if direction == PREVIOUS
        else None,
        previous_cursor=_previous(keyset, number, rows),
        has_previous=True,
        last_cursor=last,
    )


def _last_counted(keyset: _Keyset, size: int, count: int, count_cap: int) -> KeysetPage:
    """The last page when the count is exact: aligned with the pages counted from the start (its
    OFFSET is under the count cap, so it stays cheap)."""
    number = max(1, -(-count // size))
    if number == 1:
        return _forward(keyset, None, 1, size, count, None, count_cap)
    rows = list(keyset.ordered(reverse=False)[(number - 1) * size : number * size])
    return KeysetPage(
        cap=count_cap,
        object_list=rows,
        size=size,
        number=number,
        count=count,
        previous_cursor=_previous(keyset, number, rows) if rows else None,
        has_previous=True,
        last_cursor=keyset.encode(LAST, None),
    )


def _previous(keyset: _Keyset, number: int | None, rows: list) -> str | None:
    """The cursor of the page before one that is not the first; None when that is the first."""
    if number == 2:
        return None
    return keyset.encode(PREVIOUS, number - 1 if number else None, rows[0])


def _forward(keyset: _Keyset, values, number, size, count, last, count_cap) -> KeysetPage:
    ordered = keyset.ordered(reverse=False)
    if values is not None:
        ordered = ordered.filter(keyset.past(values, reverse=False))
    rows = list(ordered[: size + 1])
    more, rows = len(rows) > size, rows[:size]
    first = values is None
    return KeysetPage(
        cap=count_cap,
        object_list=rows,
        size=size,
        number=number,
        count=count,
        next_cursor=keyset.encode(NEXT, number + 1 if number else None, rows[-1]) if more else None,
        previous_cursor=None if first or not rows else _previous(keyset, number, rows),
        has_previous=not first,
        last_cursor=last,
    )
