import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import sync_rows
from catalog.models import Country, MeasurementUnit, Municipality, NumberingRange, Tribute
from catalog.services import CatalogSyncError, catalog_sync
from factus.errors import FactusConnectionError

pytestmark = pytest.mark.django_db
# The documented Factus answers, copied verbatim for the emulator's tests.
EMULATOR_FIXTURES = Path(__file__).resolve().parents[1] / "factus_emulator" / "fixtures"


def writes(ctx):
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def by_key(results):
    return {r.key: r for r in results}


def test_first_sync_creates_missing_rows_and_ranges(factus):
    Municipality.objects.filter(factus_id__gt=1000).delete()
    results = by_key(catalog_sync(client=factus))
    assert results["municipalities"].created == 122
    assert results["municipalities"].unchanged == 1000
    assert Municipality.objects.count() == 1122
    assert results["numbering_ranges"].created == 6
    bills = NumberingRange.objects.get(factus_id=8)
    assert (bills.document, bills.document_name, bills.prefix) == ("21", "Factura de Venta", "SETP")
    assert bills.numbers_left == 995000000 - 990000001 + 1
    assert NumberingRange.objects.get(factus_id=5).is_active is False
    assert NumberingRange.objects.get(factus_id=4).is_expired is True
    assert Municipality.objects.get(factus_id=980).synced_at is None  # unchanged since migration


def test_sync_stores_the_credit_note_range_with_its_document_code(factus):
    catalog_sync(client=factus, only=["numbering_ranges"])
    notes = NumberingRange.objects.get(factus_id=9)
    assert (notes.document, notes.document_name, notes.prefix) == ("22", "Nota Crédito", "NC")


def test_every_documented_range_document_name_maps_to_its_code():
    body = json.loads((EMULATOR_FIXTURES / "numbering-ranges-response.json").read_text(encoding="utf-8"))
    codes = [sync_rows.numbering_range(row)["document"] for row in body["data"]["data"]]
    assert codes == ["22", "22", "23", "23", "25", "26", "28", "21", "30", "24"]


def test_a_range_document_name_maps_without_accents_or_case():
    row = {"id": 62, "document": "NOTA CREDITO", "prefix": "NCC", "from": 1, "to": 9, "current": 1}
    assert sync_rows.numbering_range(row)["document"] == "22"


def test_sync_updates_changed_rows_and_reactivates(factus):
    Municipality.objects.filter(factus_id=980).update(name="Otro nombre", is_active=False)
    Country.objects.filter(factus_id=46).update(code="XX")
    results = by_key(catalog_sync(client=factus, only=["municipalities", "countries"]))
    assert set(results) == {"municipalities", "countries"}
    assert results["municipalities"].updated == 1
    assert results["countries"].updated == 1
    san_gil = Municipality.objects.get(factus_id=980)
    assert (san_gil.name, san_gil.is_active) == ("San Gil", True)
    assert san_gil.synced_at is not None
    assert Country.objects.get(factus_id=46).code == "CO"


def test_rows_missing_at_factus_are_deactivated_not_deleted(factus):
    Tribute.objects.create(factus_id=999, code="99", name="Viejo")
    result = catalog_sync(client=factus, only=["tributes"])[0]
    assert (result.deactivated, result.unchanged) == (1, 17)
    assert Tribute.objects.get(factus_id=999).is_active is False
    # already inactive: not counted again
    assert catalog_sync(client=factus, only=["tributes"])[0].deactivated == 0


def test_second_run_writes_nothing(factus):
    catalog_sync(client=factus)
    with CaptureQueriesContext(connection) as ctx:
        results = catalog_sync(client=factus)
    assert writes(ctx) == []
    assert not any(r.changed for r in results)
    assert len(ctx.captured_queries) <= 3 * len(results)  # BEGIN/SELECT/COMMIT at most


def test_statement_count_does_not_depend_on_catalogue_size(factus):
    Municipality.objects.filter(factus_id__gt=10).update(name="x")
    MeasurementUnit.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        catalog_sync(client=factus, only=["municipalities", "units"])
    # SQLite caps parameters per statement, so allow a few batches; never one per row.
    assert len(writes(ctx)) < 20
    assert MeasurementUnit.objects.count() == 1093


def test_dry_run_reports_but_writes_nothing(factus):
    Municipality.objects.filter(factus_id=1).update(name="Cambiado")
    with CaptureQueriesContext(connection) as ctx:
        results = by_key(catalog_sync(client=factus, dry_run=True))
    assert writes(ctx) == []
    assert results["municipalities"].updated == 1
    assert results["numbering_ranges"].created == 6
    assert results["municipalities"].line().startswith("(simulación) municipios: 0 creados, 1 actualizados")
    assert Municipality.objects.get(factus_id=1).name == "Cambiado"
    assert not NumberingRange.objects.exists()


def test_factus_error_raises_with_earlier_catalogues_kept(factus, monkeypatch):
    Municipality.objects.filter(factus_id=1).update(name="Cambiado")

    def broken(**filters):
        raise FactusConnectionError()

    monkeypatch.setattr(factus, "iter_numbering_ranges", broken)
    with pytest.raises(CatalogSyncError) as info:
        catalog_sync(client=factus)
    assert "rangos de numeración" in info.value.message
    assert "No fue posible comunicarse con Factus" in info.value.message
    assert [r.key for r in info.value.results] == ["municipalities", "units", "countries", "tributes"]
    assert not NumberingRange.objects.exists()
    assert Municipality.objects.get(factus_id=1).name == "El Encanto"


def test_malformed_rows_are_a_clear_error_and_change_nothing(factus, monkeypatch):
    monkeypatch.setattr(factus, "list_countries", lambda name=None: [{"id": 46, "code": "CO"}])
    Country.objects.filter(factus_id=46).update(name="Cambiado")
    with pytest.raises(CatalogSyncError, match="formato inesperado"):
        catalog_sync(client=factus, only=["countries"])
    assert Country.objects.get(factus_id=46).name == "Cambiado"


def test_command_prints_one_spanish_line_per_catalogue(factus, monkeypatch, capsys):
    monkeypatch.setattr("catalog.services.get_client", lambda: factus)
    call_command("sync_lookups", "--only", "tributes,numbering_ranges")
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "tributos: 0 creados, 0 actualizados, 17 sin cambios, 0 desactivados",
        "rangos de numeración: 6 creados, 0 actualizados, 0 sin cambios, 0 desactivados",
    ]
    assert "descargando" in out.err


def test_command_dry_run(factus, monkeypatch, capsys):
    monkeypatch.setattr("catalog.services.get_client", lambda: factus)
    call_command("sync_lookups", "--only", "numbering_ranges", "--dry-run")
    assert "(simulación) rangos de numeración: 6 creados" in capsys.readouterr().out
    assert not NumberingRange.objects.exists()


def test_command_factus_error_is_command_error(settings, monkeypatch):
    settings.FACTUS_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    monkeypatch.setattr("factus.http.Retry.DEFAULT_BACKOFF_MAX", 0, raising=False)
    with pytest.raises(CommandError, match="No se pudo sincronizar municipios"):
        call_command("sync_lookups", "--only", "municipalities")


def test_command_rejects_unknown_catalogue():
    with pytest.raises(CommandError, match="Catálogo desconocido: planetas"):
        call_command("sync_lookups", "--only", "planetas")
