"""Small value types the client returns where a bare dict would hide the shape."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    """One page of a paginated Factus list (``data.data`` + ``data.pagination``)."""

    items: list[dict]
    total: int
    per_page: int
    current_page: int
    last_page: int

    @classmethod
    def from_data(cls, data: dict) -> Page:
        pagination = data.get("pagination") or {}
        items = list(data.get("data") or [])
        return cls(
            items=items,
            total=int(pagination.get("total") or len(items)),
            per_page=int(pagination.get("per_page") or len(items) or 10),
            current_page=int(pagination.get("current_page") or 1),
            last_page=int(pagination.get("last_page") or 1),
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
