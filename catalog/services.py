"""Writes of master data: the Factus catalogue sync and product/customer changes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from catalog import sync_rows
from catalog.models import Country, MeasurementUnit, Municipality, NumberingRange, Product, Tribute
from factus.client import get_client
from factus.errors import FactusError, FactusNotFound

logger = logging.getLogger(__name__)
Progress = Callable[[str, str], None]


@dataclass(frozen=True)
class Catalogue:
    key: str
    label: str
    model: type[models.Model]
    fetch: Callable[[object], Iterable[dict]]
    to_fields: Callable[[dict], dict]


CATALOGUES: dict[str, Catalogue] = {
    c.key: c
    for c in (
        Catalogue(
            "municipalities",
            "municipios",
            Municipality,
            lambda client: client.list_municipalities(),
            sync_rows.municipality,
        ),
        Catalogue(
            "units",
            "unidades de medida",
            MeasurementUnit,
            lambda client: client.list_measurement_units(),
            sync_rows.code_name,
        ),
        Catalogue(
            "countries", "países", Country, lambda client: client.list_countries(), sync_rows.code_name
        ),
        Catalogue(
            "tributes", "tributos", Tribute, lambda client: client.list_product_tributes(), sync_rows.tribute
        ),
        Catalogue(
            "numbering_ranges",
            "rangos de numeración",
            NumberingRange,
            lambda client: list(client.iter_numbering_ranges()),
            sync_rows.numbering_range,
        ),
    )
}


@dataclass
class SyncResult:
    key: str
    label: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)

    def line(self) -> str:
        prefix = "(simulación) " if self.dry_run else ""
        return (
            f"{prefix}{self.label}: {self.created} creados, {self.updated} actualizados, "
            f"{self.unchanged} sin cambios, {self.deactivated} desactivados"
        )


class CatalogSyncError(Exception):
    """A catalogue could not be synced; ``results`` holds the catalogues finished before it."""

    def __init__(self, label: str, message: str, results: list[SyncResult]):
        self.label, self.results = label, results
        self.message = f"No se pudo sincronizar {label}: {message}"
        super().__init__(self.message)


def catalog_keys(only: Iterable[str] | None) -> list[str]:
    """Validated catalogue keys, in sync order. Raises ValueError for an unknown key."""
    if not only:
        return list(CATALOGUES)
    wanted = [key.strip() for key in only if key.strip()]
    unknown = sorted(set(wanted) - set(CATALOGUES))
    if unknown:
        raise ValueError(f"Catálogo desconocido: {', '.join(unknown)}. Opciones: {', '.join(CATALOGUES)}.")
    return [key for key in CATALOGUES if key in wanted]


def catalog_sync(
    *, only: Iterable[str] | None = None, dry_run: bool = False, client=None, progress: Progress | None = None
) -> list[SyncResult]:
    """Fetch each Factus catalogue and upsert it in bulk by Factus id, one transaction each.

    Rows that disappeared are deactivated, never deleted. A second run with the same data
    writes nothing.
    Raises:
        CatalogSyncError: Factus failed or answered something unusable; earlier catalogues
            stay committed, the failing one is untouched.
        ValueError: ``only`` names an unknown catalogue.
    """
    keys = catalog_keys(only)
    client = client or get_client()
    report = progress or (lambda label, stage: None)
    results: list[SyncResult] = []
    for key in keys:
        spec = CATALOGUES[key]
        report(spec.label, "descargando de Factus")
        incoming = _fetch(spec, client, results)
        report(spec.label, f"comparando {len(incoming)} registros")
        results.append(_apply(spec, incoming, dry_run=dry_run))
    return results


def _fetch(spec: Catalogue, client, results: list[SyncResult]) -> dict[int, dict]:
    try:
        rows = spec.fetch(client)
        return {int(row["id"]): spec.to_fields(row) for row in rows}
    except FactusError as exc:
        logger.warning("sync %s failed: %r", spec.key, exc)
        raise CatalogSyncError(spec.label, exc.message, results) from exc
    except (KeyError, TypeError, ValueError) as exc:
        logger.warning("sync %s: unusable row: %r", spec.key, exc)
        raise CatalogSyncError(
            spec.label, "Factus devolvió datos con un formato inesperado.", results
        ) from exc


def _apply(spec: Catalogue, incoming: dict[int, dict], *, dry_run: bool) -> SyncResult:
    model = spec.model
    fields = [*model.SYNC_FIELDS, "is_active"]
    result = SyncResult(spec.key, spec.label, dry_run=dry_run)
    now = timezone.now()
    with transaction.atomic():
        existing = {obj.factus_id: obj for obj in model.objects.only("pk", "factus_id", *fields)}
        to_create, to_update = [], []
        for factus_id, values in incoming.items():
            values = {"is_active": True, **values}
            obj = existing.get(factus_id)
            if obj is None:
                to_create.append(model(factus_id=factus_id, synced_at=now, **values))
            elif any(getattr(obj, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(obj, name, value)
                obj.synced_at = now
                to_update.append(obj)
            else:
                result.unchanged += 1
        gone = [obj.pk for factus_id, obj in existing.items() if factus_id not in incoming and obj.is_active]
        result.created, result.updated, result.deactivated = len(to_create), len(to_update), len(gone)
        if not dry_run:
            _write(model, fields, to_create, to_update, gone, now)
    return result


def _write(model, fields, to_create, to_update, gone, now) -> None:
    if to_create:
        model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, [*fields, "synced_at"])
    if gone:
        model.objects.filter(pk__in=gone).update(is_active=False, synced_at=now)


@dataclass(frozen=True)
class AcquirerLookup:
    found: bool
    message: str
    name: str = ""
    email: str = ""


def acquirer_lookup(*, identification_document_id: int, identification: str, client=None) -> AcquirerLookup:
    """Ask Factus (DIAN acquirer endpoint) for the name and e-mail registered for an identification."""
    client = client or get_client()
    try:
        data = client.get_acquirer(identification_document_id, identification) or {}
    except FactusNotFound:
        return AcquirerLookup(
            False, "La DIAN no tiene datos para esta identificación. Escriba el nombre y el correo a mano."
        )
    except FactusError as exc:
        logger.warning("acquirer lookup failed: %r", exc)
        return AcquirerLookup(False, f"No se pudo consultar la DIAN: {exc.message}")
    name, email = str(data.get("name") or "").strip(), str(data.get("email") or "").strip()
    if not name:
        return AcquirerLookup(False, "La DIAN no devolvió un nombre para esta identificación.")
    message = f"Datos encontrados en la DIAN: {name}."
    try:
        validate_email(email)
    except ValidationError:
        message += " El correo registrado no es válido: escríbalo a mano." if email else ""
        email = ""
    return AcquirerLookup(True, message, name, email)


def lookup_deactivate(*, model: type[models.Model], pks: Iterable[int]) -> int:
    """Mark synced rows inactive (they are never deleted). Returns how many changed."""
    return model.objects.filter(pk__in=list(pks), is_active=True).update(is_active=False)


@transaction.atomic
def product_set_withholdings(*, product: Product, withholdings: dict[str, Decimal | None]) -> None:
    """Replace the product's default withholdings with the codes that have a rate."""
    wanted = {code: rate for code, rate in withholdings.items() if rate}
    product.withholdings.exclude(code__in=wanted).delete()
    for code, rate in wanted.items():
        product.withholdings.update_or_create(code=code, defaults={"rate": rate})


def record_delete(*, obj: models.Model) -> str | None:
    """Delete a customer or product. Returns a Spanish reason when other records still use it."""
    try:
        obj.delete()
    except (ProtectedError, RestrictedError) as exc:
        count = len(exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects)
        return (
            f"No se puede eliminar «{obj}»: lo usan {count} registro(s) (por ejemplo, facturas). "
            "Desactívelo o consérvelo."
        )
    return None
