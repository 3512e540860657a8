"""Reads of master data used by pages, the invoice form and the API endpoints."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Exists, F, Model, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf

from catalog.models import (
    BILL_RANGE_DOCUMENT,
    CREDIT_NOTE_RANGE_DOCUMENT,
    LEGAL_ENTITY_ID,
    NATURAL_PERSON_ID,
    Customer,
    IdentificationDocumentType,
    LegalOrganization,
    MeasurementUnit,
    Municipality,
    NumberingRange,
    Product,
    StandardCode,
    Tribute,
)
from catalog.search import fold, folded
from catalog.validators import NIT_DOCUMENT_ID, compute_dv

SEARCH_LIMIT = 20


def _matching(queryset: QuerySet, q: str, fields: tuple[str, ...], exact: tuple[str, ...] = ()):
    needle = fold(q.strip())[:100]
    if not needle:
        return queryset
    annotations = {f"_f_{name}": folded(name) for name in fields}
    condition = Q()
    for name in fields:
        condition |= Q(**{f"_f_{name}__contains": needle})
    for name in exact:
        condition |= Q(**{f"{name}__istartswith": q.strip()})
    return queryset.alias(**annotations).filter(condition)


def customer_list(*, q: str = "") -> QuerySet[Customer]:
    """Customers matching ``q`` in name, company, trade name or identification (all when empty)."""
    queryset = Customer.objects.select_related("identification_document", "municipality").annotate(
        sort_name=Coalesce(NullIf("company", Value("")), "names")
    )
    return _matching(queryset, q, ("company", "names", "trade_name"), exact=("identification",))


def product_list(*, q: str = "", active_only: bool = False) -> QuerySet[Product]:
    """Products matching ``q`` in name or code (all when empty)."""
    queryset = Product.objects.select_related("unit", "tribute").prefetch_related("withholdings")
    if active_only:
        queryset = queryset.filter(is_active=True)
    return _matching(queryset, q, ("name", "code_reference"))


def search_customers(q: str, limit: int = SEARCH_LIMIT) -> list[Customer]:
    """Up to ``limit`` customers for an autocomplete (empty for a blank query)."""
    if not q.strip():
        return []
    return list(customer_list(q=q).order_by("company", "names")[:limit])


def search_products(q: str, limit: int = SEARCH_LIMIT) -> list[Product]:
    """Up to ``limit`` active products for an autocomplete (empty for a blank query)."""
    if not q.strip():
        return []
    return list(product_list(q=q, active_only=True).order_by("name")[:limit])


def search_municipalities(q: str, limit: int = SEARCH_LIMIT) -> list[Municipality]:
    """Up to ``limit`` active municipalities whose name, department or DANE code matches ``q``."""
    if not q.strip():
        return []
    queryset = _matching(
        Municipality.objects.filter(is_active=True), q, ("name", "department"), exact=("code",)
    )
    return list(queryset.order_by("name", "department")[:limit])


def legal_organization_hint(document: IdentificationDocumentType) -> dict:
    """Local ids of the legal organization a DIAN lookup suggests (NIT -> legal entity) and of
    "Persona Jurídica", for the customer form's script (local ids need not equal Factus ids)."""
    ids = dict(
        LegalOrganization.objects.filter(factus_id__in=(LEGAL_ENTITY_ID, NATURAL_PERSON_ID)).values_list(
            "factus_id", "pk"
        )
    )
    suggested = LEGAL_ENTITY_ID if document.factus_id == NIT_DOCUMENT_ID else NATURAL_PERSON_ID
    return {"legal_organization": ids.get(suggested), "legal_entity": ids.get(LEGAL_ENTITY_ID)}


def acquirer_prefill(
    *, document: IdentificationDocumentType, identification: str, name: str, email: str
) -> dict:
    """What the customer form's script fills after a DIAN lookup: the name, e-mail, legal
    organization hint, the number as it will be stored and, for a NIT, its DV."""
    dv = compute_dv(identification) if document.factus_id == NIT_DOCUMENT_ID else None
    return {
        "name": name,
        "email": email,
        "identification": identification,
        "dv": dv,
        **legal_organization_hint(document),
    }


def _usable_numbering_ranges(document: str) -> QuerySet[NumberingRange]:
    """Active, unexpired ranges of ``document`` that still have numbers left, by prefix."""
    return NumberingRange.objects.filter(
        document=document,
        is_active=True,
        is_expired=False,
        current__lte=F("to_number"),
    ).order_by("prefix")


def bill_numbering_ranges() -> QuerySet[NumberingRange]:
    """Active, unexpired sales-invoice ranges ("21") that still have numbers left."""
    return _usable_numbering_ranges(BILL_RANGE_DOCUMENT)


def default_bill_range(usable: list[NumberingRange] | None = None) -> NumberingRange | None:
    """The range a new invoice gets when none is named: ``FACTUS_NUMBERING_RANGE_ID`` (a Factus id)
    when usable, else the only usable bill range; None when that leaves a choice to make.

    ``usable``: ``bill_numbering_ranges()`` already read by the caller (no query then)."""
    ranges = list(bill_numbering_ranges()[:50]) if usable is None else usable[:50]
    preferred = getattr(settings, "FACTUS_NUMBERING_RANGE_ID", None)
    chosen = [r for r in ranges if preferred and r.factus_id == preferred]
    if chosen:
        return chosen[0]
    return ranges[0] if len(ranges) == 1 else None


def credit_note_numbering_ranges() -> QuerySet[NumberingRange]:
    """Active, unexpired credit-note ranges ("22") that still have numbers left."""
    return _usable_numbering_ranges(CREDIT_NOTE_RANGE_DOCUMENT)


# A range needs attention when fewer numbers or days than these are left (Inicio; the daily
# health check of feat-tasks is meant to read the same selector).
RANGE_WARN_NUMBERS = 500
RANGE_WARN_DAYS = 30


@dataclass(frozen=True)
class RangeHealth:
    """What is left of one numbering range, and whether a person should act on it."""

    range: NumberingRange
    numbers_left: int
    days_left: int | None  # None: the range has no end date
    low_numbers: bool
    ending_soon: bool

    @property
    def warning(self) -> bool:
        return self.low_numbers or self.ending_soon


def numbering_range_health(
    *, today: date, warn_numbers: int = RANGE_WARN_NUMBERS, warn_days: int = RANGE_WARN_DAYS
) -> list[RangeHealth]:
    """Numbers and days left of every active invoice and credit-note range (one query).

    An expired range, or one with no numbers left, shows 0 and warns; ``days_left`` counts to the
    range's ``end_date`` inclusive of neither day (0 on its last day).
    """
    ranges = NumberingRange.objects.filter(
        document__in=(BILL_RANGE_DOCUMENT, CREDIT_NOTE_RANGE_DOCUMENT), is_active=True
    ).order_by("document", "prefix", "pk")
    health = []
    for numbering in ranges:
        left = 0 if numbering.is_expired else numbering.numbers_left
        days = None if numbering.end_date is None else max(0, (numbering.end_date - today).days)
        if numbering.is_expired:
            days = 0
        health.append(
            RangeHealth(
                range=numbering,
                numbers_left=left,
                days_left=days,
                low_numbers=left < warn_numbers,
                ending_soon=days is not None and days < warn_days,
            )
        )
    return health


def active_units() -> QuerySet[MeasurementUnit]:
    return MeasurementUnit.objects.filter(is_active=True)


def search_units(q: str, limit: int = SEARCH_LIMIT) -> list[MeasurementUnit]:
    """Up to ``limit`` active units whose name matches ``q`` or whose code starts with it: exact
    name or code first, then names that start with ``q``, units of active products before others."""
    text, needle = q.strip(), fold(q.strip())[:100]
    if not needle:
        return []
    queryset = _matching(active_units(), q, ("name",), exact=("code",)).alias(
        rank=Case(
            When(Q(_f_name=needle) | Q(code__iexact=text), then=Value(0)),
            When(_f_name__startswith=needle, then=Value(1)),
            default=Value(2),
        ),
        used=Exists(Product.objects.filter(unit=OuterRef("pk"), is_active=True)),
    )
    return list(queryset.order_by("rank", F("used").desc(), "name", "code")[:limit])


def active_tributes() -> QuerySet[Tribute]:
    return Tribute.objects.filter(is_active=True)


class Lookup(NamedTuple):
    """The rows of ``model`` whose ``field`` ("pk" or a column) is one of ``values`` (``active_only``:
    and ``is_active``)."""

    model: type[Model]
    field: str
    values: Iterable
    active_only: bool = False


def ids_by_value(wanted: dict[str, Lookup]) -> dict[str, dict]:
    """``{name: {value: pk}}`` for each ``name: Lookup`` (a value with no row is missing).

    Every catalogue an API body names (and any other id look-up it needs), checked in one round
    trip: a UNION ALL of one ``IN`` query per look-up, values compared as text so that int, text
    and uuid columns mix. Written as SQL because it runs on every API create: built with the ORM,
    its querysets cost more Python than the separate queries they replace.
    """
    quote = connection.ops.quote_name
    found: dict[str, dict] = {name: {} for name in wanted}
    asked: dict[str, dict[str, object]] = {}  # {name: {the value as the database writes it: as asked}}
    parts, params = [], []
    for name, lookup in wanted.items():
        meta = lookup.model._meta
        field = meta.pk if lookup.field == "pk" else meta.get_field(lookup.field)
        asked[name] = {}
        for value in lookup.values:
            stored = _as_stored(field, value)
            if stored is not None:
                asked[name][str(stored)] = value
        if not asked[name]:
            continue
        column = quote(field.column)
        active = f" AND {quote(meta.get_field('is_active').column)}" if lookup.active_only else ""
        placeholders = ", ".join(["%s"] * len(asked[name]))
        # Identifiers from the model's meta, quoted; every value is a parameter. CAST, not ``::``:
        # the same statement runs on SQLite (the embedded default) and PostgreSQL.
        parts.append(
            f"SELECT CAST(%s AS TEXT), CAST({column} AS TEXT), {quote(meta.pk.column)} "  # noqa: S608
            f"FROM {quote(meta.db_table)} WHERE {column} IN ({placeholders}){active}"
        )
        params += [name, *(_as_stored(field, value) for value in asked[name].values())]
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for name, value, pk in cursor.fetchall():
                found[name][asked[name][value]] = pk
    return found


def _as_stored(field, value):
    """``value`` as ``field``'s column holds it on this database (a UUID is hex text on SQLite), or
    None when it cannot be one of its values (no row can match: "abc" for an integer id)."""
    if value is None:
        return None
    try:
        return field.get_db_prep_value(value, connection, prepared=False)
    except (TypeError, ValueError, ValidationError):
        return None


def standard_codes() -> QuerySet[StandardCode]:
    return StandardCode.objects.all()


def product_payload(product: Product) -> dict:
    """The JSON the invoice form needs to fill an item line from a product."""
    return {
        "id": product.pk,
        "code_reference": product.code_reference,
        "name": product.name,
        "price": str(product.price),
        "tax_rate": str(product.tax_rate),
        "is_excluded": product.is_excluded,
        "unit_id": product.unit_id,
        "unit": str(product.unit),
        "standard_code_id": product.standard_code_id,
        "tribute_id": product.tribute_id,
        "withholdings": [{"code": w.code, "rate": str(w.rate)} for w in product.withholdings.all()],
    }


def customer_payload(customer: Customer) -> dict:
    return {
        "id": customer.pk,
        "display_name": customer.display_name,
        "identification": customer.identification_display,
        "identification_document": customer.identification_document.name,
        "email": customer.email,
        "municipality": str(customer.municipality or ""),
    }


def unit_payload(unit: MeasurementUnit) -> dict:
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "label": str(unit)}


def municipality_payload(municipality: Municipality) -> dict:
    return {
        "id": municipality.pk,
        "code": municipality.code,
        "name": municipality.name,
        "department": municipality.department,
        "label": str(municipality),
    }


# A numbering range is running out when it has fewer numbers or days left than these.
RANGE_MIN_NUMBERS = 200
RANGE_MIN_DAYS = 30


def numbering_range_warnings(*, today=None) -> list[str]:
    """Spanish warnings for active sales-invoice ranges with few numbers or days left.

    Read from the local copy, which ``manage.py check_numbering_ranges`` refreshes from Factus.
    """
    from datetime import timedelta

    from django.utils import timezone

    today = today or timezone.localdate()
    soon = today + timedelta(days=RANGE_MIN_DAYS)
    ranges = NumberingRange.objects.filter(
        document=BILL_RANGE_DOCUMENT, is_active=True, is_expired=False
    ).filter(Q(to_number__lt=F("current") + RANGE_MIN_NUMBERS) | Q(end_date__lt=soon))
    warnings = []
    for numbering in ranges.order_by("prefix"):
        name = numbering.prefix or "(sin prefijo)"
        if numbering.numbers_left < RANGE_MIN_NUMBERS:
            warnings.append(f"Al rango {name} le quedan {numbering.numbers_left} números.")
        if numbering.end_date and numbering.end_date < soon:
            days = (numbering.end_date - today).days
            when = "ya venció" if days < 0 else f"vence en {days} día{'s' if days != 1 else ''}"
            warnings.append(f"El rango {name} {when} ({numbering.end_date:%d/%m/%Y}).")
    return warnings
