"""Catalogue and account endpoints (API.md §4.4, §5)."""

from __future__ import annotations

from .catalogues import fold
from .paging import paginate
from .render import dmy
from .rules import Errors, check, get, is_int, is_text
from .state import RANGE_DOCUMENT_NAMES, with_expiry
from .wire import Request, Response, laravel_422, not_found, ok


def _name_filter(rows: list[dict], request: Request) -> list[dict]:
    wanted = request.query.get("name") or request.query.get("filter[name]") or ""
    if not wanted.strip():
        return rows
    needle = fold(wanted.strip())
    return [r for r in rows if needle in fold(r["name"])]


def municipalities(box, request: Request) -> Response:
    rows = _name_filter(box.cat.municipalities, request)
    return ok(
        [{"id": r["id"], "code": r["code"], "name": r["name"], "department": r["department"]} for r in rows]
    )


def product_tributes(box, request: Request) -> Response:
    rows = _name_filter(box.cat.product_tributes, request)
    return ok([{k: r[k] for k in ("id", "code", "name", "description")} for r in rows])


def measurement_units(box, request: Request) -> Response:
    return ok(_name_filter(box.cat.units, request))


def countries(box, request: Request) -> Response:
    return ok(_name_filter(box.cat.countries, request))


def company(box, request: Request) -> Response:
    return ok(box.cat.company)


RANGE_FILTERS = ("id", "document", "resolution_number", "technical_key", "is_active")


def _range_value(rng: dict, name: str) -> str:
    value = rng[name]
    return "" if value is None else str(value)


def numbering_ranges(box, request: Request) -> Response:
    today = box.now().date()
    rows = [with_expiry(r, today) for r in box.state.ranges]
    for name in RANGE_FILTERS:
        wanted = request.query.get(f"filter[{name}]", "")
        if wanted != "":
            rows = [r for r in rows if _range_value(r, name) == wanted.strip()]
    listed = [
        {
            "id": r["id"],
            "document": RANGE_DOCUMENT_NAMES[r["document"]],
            "prefix": r["prefix"],
            "from": r["from"],
            "to": r["to"],
            "current": r["current"],
            "resolution_number": r["resolution_number"],
            "start_date": r["start_date"],
            "end_date": r["end_date"],
            "technical_key": r["technical_key"],
            "is_expired": r["is_expired"],
            "is_active": r["is_active"],
            "deleted_at": None,
            "created_at": r["created_at"],
            "updated_at": r["updated_at"],
        }
        for r in rows
    ]
    return ok(
        paginate(
            listed, request.query.get("page"), f"{request.base_url}/v1/numbering-ranges", next_has_page=True
        )
    )


def dian_numbering_ranges(box, request: Request) -> Response:
    """The DIAN resolutions bound to the software (API.md §5): every seeded range with a
    resolution number, whatever Factus's own active/expired flags say (INFERRED)."""
    return ok(
        [
            {
                "resolution_number": r["resolution_number"],
                "prefix": r["prefix"],
                "from": str(r["from"]),
                "to": str(r["to"]),
                "start_date": r["start_date"],
                "end_date": r["end_date"],
                "technical_key": r["technical_key"] or "",
            }
            for r in box.state.ranges
            if r["resolution_number"]
        ]
    )


def numbering_range(box, request: Request) -> Response:
    found = box.state.range_by_id(request.params["id"])
    if found is None:
        return not_found(f"No se encontró el rango de numeración {request.params['id']}")
    r = with_expiry(found, box.now().date())
    return ok(
        {
            "id": r["id"],
            "document": r["document"],
            "document_name": RANGE_DOCUMENT_NAMES[r["document"]],
            "prefix": r["prefix"],
            "from": r["from"],
            "to": r["to"],
            "current": r["current"],
            "resolution_number": r["resolution_number"],
            "start_date": dmy(r["start_date"]),
            "end_date": dmy(r["end_date"]),
            "technical_key": r["technical_key"],
            "is_expired": r["is_expired"],
            "is_active": r["is_active"],
            "created_at": r["created_at"],
            "updated_at": r["updated_at"],
        }
    )


def acquirer(box, request: Request) -> Response:
    query = request.query
    errors = Errors()
    doc_type = get(query, "identification_document_id")
    number = get(query, "identification_number")
    check(errors, "identification_document_id", doc_type, is_int, required=True)
    check(errors, "identification_number", number, is_text, required=True)
    if errors:
        return laravel_422(errors.by_key)
    for row in box.cat.acquirers:
        if (
            str(row["identification_document_id"]) == doc_type.strip()
            and row["identification_number"] == number.strip()
        ):
            return ok({"name": row["name"], "email": row["email"]})
    return not_found(f"No se encontró información del adquiriente {number.strip()}")
