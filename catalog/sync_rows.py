"""Factus catalogue rows -> model field values, typed exactly as the model stores them.

The sync compares these values with the stored ones in Python, so types must match (str, int,
date, bool): an unchanged row then compares equal and nothing is written.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from pathlib import Path

from catalog.search import fold

DATA = Path(__file__).resolve().parent / "data"


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def code_name(row: dict) -> dict:
    return {"code": _text(row["code"]), "name": _text(row["name"])}


def municipality(row: dict) -> dict:
    department = row.get("department")
    if isinstance(department, dict):  # tolerate the expanded {id, code, name} shape
        department = department.get("name")
    return {**code_name(row), "department": _text(department)}


def tribute(row: dict) -> dict:
    return {**code_name(row), "description": _text(row.get("description"))}


# Names the range list sends that differ from the reference table's (API.md §5.1 says "y de
# papel"; the documented list answer, fixtures/numbering-ranges-response.json, says "o de papel").
RANGE_DOCUMENT_ALIASES = {"Factura de talonario o de papel": "30"}


@cache
def range_document_codes() -> dict[str, str]:
    """Numbering-range document name ("Factura de Venta") -> code ("21"), keyed by folded name."""
    with (DATA / "reference_tables.json").open(encoding="utf-8") as fh:
        rows = json.load(fh)["numbering_range_document_codes"]
    names = {row["name"]: row["code"] for row in rows} | RANGE_DOCUMENT_ALIASES
    return {fold(name): code for name, code in names.items()}


def _document(row: dict) -> tuple[str, str]:
    """(code, name): the list endpoint sends the name in `document`, show sends both."""
    if row.get("document_name"):
        return _text(row["document"]), _text(row["document_name"])
    name = _text(row["document"])
    if name.isdigit():
        return name, name
    # INFERRED: matched without case or accents ("Nota Credito"), so a respelled name still maps.
    return range_document_codes().get(fold(name), ""), name


def _date(value) -> date | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(str(value)[:10], fmt).date()
        except ValueError:
            continue
    raise ValueError(f"fecha no reconocida: {value!r}")


def numbering_range(row: dict) -> dict:
    code, name = _document(row)
    return {
        "document": code,
        "document_name": name,
        "prefix": _text(row.get("prefix")),
        "from_number": int(row["from"]),
        "to_number": int(row["to"]),
        "current": int(row["current"]),
        "resolution_number": _text(row.get("resolution_number")),
        "start_date": _date(row.get("start_date")),
        "end_date": _date(row.get("end_date")),
        "technical_key": _text(row.get("technical_key")),
        "is_expired": bool(row.get("is_expired")),
        "is_active": bool(int(row.get("is_active", 1))),
    }
