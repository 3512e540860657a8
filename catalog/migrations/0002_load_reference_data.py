"""Load the Factus v1 reference tables and the large catalogues shipped in catalog/data/.

A fresh database is usable before the first `sync_lookups`; the sync later updates the synced
catalogues (rows loaded here have `synced_at` NULL).
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def _read(name):
    with (DATA / name).open(encoding="utf-8") as fh:
        return json.load(fh)


def load(apps, schema_editor):
    tables = _read("reference_tables.json")
    get = lambda name: apps.get_model("catalog", name)  # noqa: E731

    def by_id(model, rows, code=lambda r: str(r["id"])):
        get(model).objects.bulk_create(
            [get(model)(factus_id=r["id"], code=code(r), name=r["name"]) for r in rows])

    def by_code(model, rows):
        get(model).objects.bulk_create([get(model)(code=r["code"], name=r["name"]) for r in rows])

    by_id("IdentificationDocumentType", tables["identification_document_types"],
          code=lambda r: r.get("dian_code", ""))
    by_id("LegalOrganization", tables["legal_organizations"], code=lambda r: r["code"])
    by_id("CustomerTribute", tables["customer_tributes"], code=lambda r: r["code"])
    by_id("StandardCode", tables["product_standard_codes"], code=lambda r: r.get("dian_code", ""))
    by_code("PaymentMethod", tables["payment_methods"])
    by_code("PaymentForm", tables["payment_forms"])
    by_code("WithholdingCode", tables["withholding_tax_codes"])
    by_code("BillDocumentType", tables["bill_document_types"])
    by_code("OperationType", tables["operation_types"])

    Tribute = get("Tribute")
    Tribute.objects.bulk_create([
        Tribute(factus_id=r["id"], code=r["code"], name=r["name"], description=r["description"])
        for r in tables["product_tributes"]])
    Municipality = get("Municipality")
    Municipality.objects.bulk_create([
        Municipality(factus_id=r["id"], code=r["code"], name=r["name"], department=r["department"])
        for r in _read("municipalities.json")["data"]], batch_size=500)
    for model, name in (("MeasurementUnit", "measurement_units.json"), ("Country", "countries.json")):
        Model = get(model)
        Model.objects.bulk_create([Model(factus_id=r["id"], code=r["code"], name=r["name"])
                                   for r in _read(name)["data"]], batch_size=500)


MODELS = ("IdentificationDocumentType", "LegalOrganization", "CustomerTribute", "StandardCode",
          "PaymentMethod", "PaymentForm", "WithholdingCode", "BillDocumentType", "OperationType",
          "Tribute", "Municipality", "MeasurementUnit", "Country")


def unload(apps, schema_editor):
    for name in MODELS:
        apps.get_model("catalog", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
