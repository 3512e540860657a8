"""Mutable sandbox data (seeded, JSON-serialisable, optionally persisted to a file)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

CLIENT_ID = "emulator-client-id"
CLIENT_SECRET = "emulator-client-secret"
USERNAME = "demo@emulador-factus.com"
PASSWORD = "emulador-demo"
TECHNICAL_KEY = "fc8eac422eba16e22ffd8c6f94b3f40a6e38162c"

RANGE_DOCUMENT_NAMES = {
    "21": "Factura de Venta",
    "22": "Nota Crédito",
    "23": "Nota Débito",
    "24": "Documento Soporte",
    "25": "Nota de Ajuste Documento Soporte",
    "26": "Nómina",
    "27": "Nota de Ajuste Nómina",
    "28": "Nota de eliminación de nómina",
    "30": "Factura de talonario y de papel",
}


def _range(
    rid,
    document,
    prefix,
    start,
    end,
    current,
    *,
    resolution=None,
    key=None,
    dates=("2019-01-19", "2030-01-19"),
    active=1,
    created="2023-06-01T08:00:38Z",
):
    return {
        "id": rid,
        "document": document,
        "prefix": prefix,
        "from": start,
        "to": end,
        "current": current,
        "resolution_number": resolution,
        "start_date": dates[0],
        "end_date": dates[1],
        "technical_key": key,
        "is_active": active,
        "created_at": created,
        "updated_at": created,
    }


def seed_ranges() -> list[dict]:
    """Numbering ranges of the demo account (ids as in the shared Factus sandbox)."""
    return [
        _range(8, "21", "SETP", 990000000, 995000000, 990000001, resolution="18760000001", key=TECHNICAL_KEY),
        _range(9, "22", "NC", 1, 16000000, 1),
        _range(148, "24", "SEDS", 984000000, 985000000, 984000001, resolution="18760000009"),
        _range(149, "25", "NDA", 1, 16000000, 1),
        _range(
            4,
            "21",
            "SETT",
            1,
            5000000,
            1,
            resolution="18760000002",
            key=TECHNICAL_KEY,
            dates=("2019-01-19", "2020-01-19"),
        ),
        _range(5, "21", "FVI", 1, 1000, 1, resolution="18760000003", key=TECHNICAL_KEY, active=0),
    ]


def with_expiry(rng: dict, today: date) -> dict:
    return {**rng, "is_expired": date.fromisoformat(rng["end_date"]) < today}


@dataclass
class State:
    """Everything a reset wipes. Documents are stored as plain dicts (see lifecycle.py)."""

    ranges: list[dict] = field(default_factory=seed_ranges)
    bills: list[dict] = field(default_factory=list)
    credit_notes: list[dict] = field(default_factory=list)
    support_documents: list[dict] = field(default_factory=list)
    adjustment_notes: list[dict] = field(default_factory=list)
    access_tokens: dict[str, dict] = field(default_factory=dict)
    refresh_tokens: dict[str, dict] = field(default_factory=dict)
    outbox: list[dict] = field(default_factory=list)
    next_bill_id: int = 1
    next_ids: dict[str, int] = field(default_factory=dict)  # last id per other family
    grants: dict[str, int] = field(default_factory=dict)
    grant_failures: dict[str, int] = field(default_factory=dict)
    routes: dict[str, int] = field(default_factory=dict)
    # Evidence for fault benches (docs/emulator.md "Losing the answer").
    processed: dict[str, int] = field(default_factory=dict)  # per family
    processed_by_reference: dict[str, dict[str, int]] = field(default_factory=dict)
    lost_answers: dict[str, int] = field(default_factory=dict)  # per lose mode
    already_registered: dict[str, int] = field(default_factory=dict)  # per family
    rate_limited: int = 0  # 429s answered by the --rate-limit knob

    def bill_by_number(self, number: str) -> dict | None:
        return next((b for b in self.bills if b["number"] == number), None)

    def bill_by_reference(self, reference: str) -> dict | None:
        return next((b for b in self.bills if b["reference_code"] == reference), None)

    def range_by_id(self, rid) -> dict | None:
        return next((r for r in self.ranges if str(r["id"]) == str(rid)), None)


def load_state(path: str | os.PathLike | None) -> State | None:
    """The state saved in ``path``, or None when there is no such file."""
    if not path or not Path(path).exists():
        return None
    with open(path, encoding="utf-8") as fh:
        raw = json.load(fh)
    known = State.__dataclass_fields__
    return State(**{k: v for k, v in raw.items() if k in known})


def save_state(state: State, path: str | os.PathLike | None) -> None:
    """Write atomically so a crash never leaves half a file."""
    if not path:
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".factus-emulator-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(asdict(state), fh, ensure_ascii=False)
    os.replace(tmp, target)
