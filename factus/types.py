"""Small value types the client returns where a bare dict would hide the shape."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import FactusBadResponse

MAX_COUNT = 10**9  # INFERRED: no Factus list has more rows or pages than this


def _count(value, default: int) -> int:
    """A pagination number: a non-negative int (or digit string); missing/zero gives ``default``."""
    if value is None or value == 0 or value == "":
        return default
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_COUNT:
        return value
    raise FactusBadResponse(f"Factus respondió una paginación con un número inválido ({str(value)[:20]!r}).")


@dataclass(frozen=True)
class Page:
    """One page of a paginated Factus list (``data.data`` + ``data.pagination``)."""

    items: list[dict]
    total: int
    per_page: int
    current_page: int
    last_page: int

    @classmethod
    def from_data(cls, data) -> Page:
        """Parse ``data`` of a list answer. Raises FactusBadResponse when it does not have that shape."""
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise FactusBadResponse(
                "Factus respondió una lista sin el formato esperado (`data` no es un objeto)."
            )
        items = data.get("data")
        items = [] if items is None else items
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise FactusBadResponse("Factus respondió una lista cuyas filas no son objetos.")
        pagination = data.get("pagination")
        pagination = {} if pagination is None else pagination
        if not isinstance(pagination, dict):
            raise FactusBadResponse("Factus respondió una lista con una paginación inválida.")
        return cls(
            items=items,
            total=_count(pagination.get("total"), len(items)),
            per_page=_count(pagination.get("per_page"), len(items) or 10),
            current_page=_count(pagination.get("current_page"), 1),
            last_page=_count(pagination.get("last_page"), 1),
        )

    @property
    def has_next(self) -> bool:
        return self.current_page < self.last_page


@dataclass(frozen=True)
class DownloadedFile:
    """A decoded PDF or XML: ``file_name`` carries its extension."""

    file_name: str
    content: bytes = field(repr=False)
    content_type: str
