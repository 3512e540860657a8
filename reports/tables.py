"""The shape every report shares (columns, rows, totals) and the validated documents of a period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from invoicing.models import CreditNote, CreditNoteItem, DocumentStatus, Invoice, InvoiceItem

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "money"  # money | count | text | date | month | rate


@dataclass
class Report:
    """A table: what the page, the CSV and the Excel file show, cell for cell."""

    slug: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReportFilters:
    date_from: date
    date_to: date
    customer_id: int | None = None
    product_id: int | None = None


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _period(prefix: str, filters: ReportFilters) -> Q:
    return Q(
        **{
            f"{prefix}status": DocumentStatus.VALIDATED,
            f"{prefix}validated_at__gte": _start(filters.date_from),
            f"{prefix}validated_at__lt": _start(filters.date_to + timedelta(days=1)),
        }
    )


def invoices(filters: ReportFilters) -> QuerySet:
    qs = Invoice.objects.filter(_period("", filters))
    return qs.filter(customer_id=filters.customer_id) if filters.customer_id else qs


def notes(filters: ReportFilters) -> QuerySet:
    qs = CreditNote.objects.filter(_period("", filters))
    return qs.filter(invoice__customer_id=filters.customer_id) if filters.customer_id else qs


def invoice_lines(filters: ReportFilters) -> QuerySet:
    qs = InvoiceItem.objects.filter(_period("invoice__", filters))
    if filters.customer_id:
        qs = qs.filter(invoice__customer_id=filters.customer_id)
    return qs.filter(product_id=filters.product_id) if filters.product_id else qs


def note_lines(filters: ReportFilters) -> QuerySet:
    qs = CreditNoteItem.objects.filter(_period("credit_note__", filters))
    if filters.customer_id:
        qs = qs.filter(credit_note__invoice__customer_id=filters.customer_id)
    return qs.filter(product_id=filters.product_id) if filters.product_id else qs


def totals_of(columns, rows: list[dict]) -> dict:
    return {
        column.key: sum((row[column.key] for row in rows), 0 if column.kind == "count" else ZERO)
        for column in columns
        if column.kind in ("money", "count")
    }
