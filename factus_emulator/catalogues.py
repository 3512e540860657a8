"""Static catalogues shipped in ``factus_emulator/data`` (loaded once per process)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# The 201 example spells these with different capitals than the reference table.
BILL_DOCUMENT_NAMES = {
    "01": "Factura electrónica de Venta",
    "03": "Instrumento electrónico de transmisión - tipo 03",
}
ALLOWANCE_CONCEPT_NAMES = {
    "00": "Descuento no condicionado",
    "01": "Descuento condicionado",
    "02": "Recargo no condicionado",
    "03": "Recargo Condicionado",
}
WITHHOLDING_NAMES = {"05": "ReteIVA", "06": "ReteRenta", "07": "ReteICA"}


def _load(name: str):
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return json.load(fh)


def fold(text: str) -> str:
    """Lower-case, accent-free form used for ``name`` searches."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class Catalogues:
    municipalities: list[dict]
    units: list[dict]
    countries: list[dict]
    product_tributes: list[dict]
    acquirers: list[dict]
    company: dict
    tables: dict
    by_id: dict = field(default_factory=dict)

    def municipality(self, mid) -> dict | None:
        return self.by_id["municipality"].get(_as_int(mid))

    def unit(self, uid) -> dict | None:
        return self.by_id["unit"].get(_as_int(uid))

    def product_tribute(self, tid) -> dict | None:
        return self.by_id["product_tribute"].get(_as_int(tid))

    def row(self, table: str, key: str, value) -> dict | None:
        for row in self.tables[table]:
            if str(row[key]) == str(value):
                return row
        return None

    def department(self, municipality: dict) -> dict:
        """Department object {id, code, name} (id = 1-based order of first appearance)."""
        return self.by_id["department"][municipality["department_code"]]


def _as_int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _departments(municipalities: list[dict]) -> dict:
    found: dict[str, dict] = {}
    for row in municipalities:
        code = row["department_code"]
        if code not in found:
            found[code] = {"id": len(found) + 1, "code": code, "name": row["department"]}
    return found


@cache
def load() -> Catalogues:
    tables = _load("reference_tables.json")
    municipalities = _load("municipalities.json")["data"]
    units = _load("measurement_units.json")["data"]
    tributes = tables["product_tributes"]
    by_id = {
        "municipality": {m["id"]: m for m in municipalities},
        "unit": {u["id"]: u for u in units},
        "product_tribute": {t["id"]: t for t in tributes},
        "department": _departments(municipalities),
    }
    return Catalogues(
        municipalities=municipalities,
        units=units,
        countries=_load("countries.json")["data"],
        product_tributes=tributes,
        acquirers=_load("acquirers.json")["data"],
        company=_load("company.json")["data"],
        tables=tables,
        by_id=by_id,
    )
