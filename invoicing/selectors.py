"""Invoice reads: the filtered list and one invoice with its items and timeline."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from catalog.models import Customer, PaymentMethod
from invoicing.models import Invoice, InvoiceEvent, InvoiceItem

# Heavy columns the list never shows.
LIST_DEFERRED = (
    "qr_image",
    "raw_response",
    "withholdings",
    "dian_messages",
    "field_errors",
    "totals_mismatch",
    "observation",
    "cufe",
    "qr_url",
)
MAX_CUSTOMER_IDS = 500


def _as_date(value) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _text_filters(qs: QuerySet, filters: dict) -> QuerySet:
    """Prefix matches on indexed columns, so PostgreSQL answers from indexes (see bench/invoices.py)."""
    if number := str(filters.get("number") or "").strip().upper():
        qs = qs.filter(number__startswith=number)  # a full number, or a prefix such as "SETP99"
    if reference := str(filters.get("reference") or "").strip():
        qs = qs.filter(_reference_prefix(reference))
    if q := str(filters.get("q") or "").strip():
        qs = qs.filter(_customer_match(q) | Q(number__startswith=q.upper()) | _reference_prefix(q))
    return qs


def _customer_match(text: str) -> Q:
    """Matching customer ids fetched first (one small query): a literal IN list lets PostgreSQL
    combine the customer, number and reference indexes (BitmapOr) instead of scanning invoices."""
    customers = _matching_customers(text)
    ids = list(customers.values_list("pk", flat=True)[: MAX_CUSTOMER_IDS + 1])
    return Q(customer_id__in=ids if len(ids) <= MAX_CUSTOMER_IDS else customers)


def _reference_prefix(text: str) -> Q:
    return Q(reference_code__startswith=text) | Q(reference_code__startswith=text.upper())


def _matching_customers(text: str) -> QuerySet:
    """Customers by name, company, trade name (anywhere) or identification (from its start)."""
    return Customer.objects.filter(
        Q(names__icontains=text)
        | Q(company__icontains=text)
        | Q(trade_name__icontains=text)
        | Q(identification__startswith=text)
    )


def invoice_list(*, filters: dict | None = None, with_cufe: bool = False) -> QuerySet[Invoice]:
    """Invoices newest first, filtered by status, date range, customer, number, reference, q.

    ``with_cufe`` loads the CUFE too (the CSV export shows it; the page does not).

    One query per page whatever the page size (customer, range and author are joined), plus one
    small query for the customers matching ``q`` when it is given.
    """
    filters = filters or {}
    deferred = [name for name in LIST_DEFERRED if not (with_cufe and name == "cufe")]
    qs = Invoice.objects.select_related("customer", "numbering_range", "created_by").defer(*deferred)
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
            "customer__identification_document",
            "customer__legal_organization",
            "customer__tribute",
            "customer__municipality",
            "numbering_range",
            "created_by",
        )
        .prefetch_related(Prefetch("items", queryset=items), Prefetch("events", queryset=events))
        .annotate(
            payment_method_name=Subquery(
                PaymentMethod.objects.filter(code=OuterRef("payment_method_code")).values("name")[:1]
            )
        )
        .get(pk=invoice_id)
    )
