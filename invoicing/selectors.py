"""Invoice reads: the filtered list and one invoice with its items and timeline."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from invoicing.models import Invoice, InvoiceEvent, InvoiceItem

# Heavy columns the list never shows.
LIST_DEFERRED = ("qr_image", "raw_response", "withholdings", "dian_messages", "field_errors",
                 "totals_mismatch", "observation", "cufe", "qr_url")


def _as_date(value) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _text_filters(qs: QuerySet, filters: dict) -> QuerySet:
    if number := str(filters.get("number") or "").strip().upper():
        qs = qs.filter(number__startswith=number)  # a full number, or a prefix such as "SETP99"
    if reference := str(filters.get("reference") or "").strip():
        qs = qs.filter(reference_code__istartswith=reference)
    if q := str(filters.get("q") or "").strip():
        qs = qs.filter(
            Q(number__icontains=q) | Q(reference_code__icontains=q) | Q(customer__names__icontains=q)
            | Q(customer__company__icontains=q) | Q(customer__trade_name__icontains=q)
            | Q(customer__identification__startswith=q) | Q(observation__icontains=q)
        )
    return qs


def invoice_list(*, filters: dict | None = None) -> QuerySet[Invoice]:
    """Invoices newest first, filtered by status, date range, customer, number, reference, q.

    One query per page whatever the page size (customer, range and author are joined).
    """
    filters = filters or {}
    qs = Invoice.objects.select_related("customer", "numbering_range", "created_by").defer(*LIST_DEFERRED)
    statuses = filters.get("status")
    if statuses:
        statuses = [statuses] if isinstance(statuses, str) else list(statuses)
        qs = qs.filter(status__in=statuses)
    if day := _as_date(filters.get("date_from")):
        qs = qs.filter(created_at__gte=_day_start(day))
    if day := _as_date(filters.get("date_to")):
        qs = qs.filter(created_at__lt=_day_start(day + timedelta(days=1)))
    customer = filters.get("customer")
    if customer:
        customer = getattr(customer, "pk", customer)
        qs = qs.filter(customer_id=customer)
    return _text_filters(qs, filters).order_by("-created_at", "-id")


def invoice_detail(*, invoice_id: int) -> Invoice:
    """One invoice with customer, items (and their catalogue rows) and events, newest first.

    Raises: Invoice.DoesNotExist.
    """
    items = InvoiceItem.objects.select_related("product", "unit", "standard_code", "tribute")
    events = InvoiceEvent.objects.select_related("user").order_by("-created_at", "-id")
    return (
        Invoice.objects.select_related(
            "customer__identification_document", "customer__legal_organization", "customer__tribute",
            "customer__municipality", "numbering_range", "created_by",
        )
        .prefetch_related(Prefetch("items", queryset=items), Prefetch("events", queryset=events))
        .get(pk=invoice_id)
    )
