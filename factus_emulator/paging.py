"""Laravel-style pagination as Factus v1 renders it (``data.data`` + ``data.pagination``)."""

from __future__ import annotations

PER_PAGE = 10
PREVIOUS = "&laquo; Anterior"
NEXT = "Siguiente &raquo;"


def page_number(raw) -> int:
    try:
        return max(1, int(str(raw)))
    except (TypeError, ValueError):
        return 1


def paginate(rows: list, raw_page, url: str, *, next_has_page: bool = False, page_keys: bool = False) -> dict:
    """Slice ``rows`` (already ordered) into one page; ``url`` is the list URL without query.

    ``page_keys``: every link carries ``page`` (null when it has no url), as the credit-note
    and support-document examples show; the bill example has it on page links only.
    """
    page = page_number(raw_page)
    total = len(rows)
    last = max(1, -(-total // PER_PAGE))
    chunk = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    first_index = (page - 1) * PER_PAGE + 1
    return {
        "data": chunk,
        "pagination": {
            "total": total,
            "per_page": PER_PAGE,
            "current_page": page,
            "last_page": last,
            "from": first_index if chunk else None,
            "to": first_index + len(chunk) - 1 if chunk else None,
            "links": links(page, last, url, next_has_page, page_keys),
        },
    }


def links(page: int, last: int, url: str, next_has_page: bool = False, page_keys: bool = False) -> list[dict]:
    def href(n: int) -> str:
        return f"{url}?page={n}"

    previous = {"url": href(page - 1) if 1 < page <= last + 1 else None, "label": PREVIOUS, "active": False}
    if page_keys:
        previous["page"] = page - 1 if previous["url"] else None
    out = [previous]
    start, end = max(1, page - 3), min(last, page + 3)
    if start > last:  # out-of-range page: show the window of the last page
        start, end = max(1, last - 3), last
    shown = list(range(start, end + 1))
    if start > 1:
        shown = [1, *(["..."] if start > 2 else []), *shown]
    if end < last:
        shown = [*shown, *(["..."] if end < last - 1 else []), last]
    for n in shown:
        if n == "...":
            out.append({"url": None, "label": "...", "active": False})
        else:
            out.append({"url": href(n), "label": n, "active": n == page, "page": n})
    following = {"url": href(page + 1) if page < last else None, "label": NEXT, "active": False}
    if page_keys:
        following["page"] = page + 1 if following["url"] else None
    elif next_has_page:
        following["page"] = page + 1
    out.append(following)
    return out
