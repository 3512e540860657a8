"""Page-number paging of the small lists (customers, products, lookups): ``page`` and ``page_size``."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from ninja import Schema
from pydantic import Field

MAX_PAGE_SIZE = 100
PageNumber = Annotated[int, Field(ge=1, le=100_000)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]


T = TypeVar("T")


class Page(Schema, Generic[T]):
    count: int
    page: int
    page_size: int
    items: list[T]


def page_of(queryset, *, page: int, page_size: int, serialize) -> dict:
    start = (page - 1) * page_size
    rows = list(queryset[start : start + page_size])
    return {
        "count": queryset.count() if len(rows) == page_size or page > 1 else start + len(rows),
        "page": page,
        "page_size": page_size,
        "items": [serialize(row) for row in rows],
    }
