"""Inicio: what was billed today and this month, what needs a person, ranges, a 12-month chart.

A fixed number of queries whatever the data (bench/dashboard.py counts them): each figure is one
aggregate over an index (the partial ``*_validated_at_idx`` indexes cover totals and customers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from catalog.models import Customer
from catalog.selectors import numbering_range_health
from invoicing.models import CreditNote, CreditNoteItem, DocumentStatus, Invoice, InvoiceItem

ZERO = Decimal("0.00")
TOP = 5
MONTHS = 12
COUNT_CAP = 999
CLOSED_MONTHS_TTL = 600
MONTH_NAMES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
# The cards that link to the invoice list, filtered: (status, title, what to do).
ATTENTION = (
    (DocumentStatus.REJECTED, "Rechazadas por corregir", "La DIAN las rechazó: corríjalas y reenvíelas."),
    (DocumentStatus.PENDING_DIAN, "Pendientes en la DIAN", "Factus espera a la DIAN: reintente más tarde."),
    (DocumentStatus.UNVERIFIED, "Por verificar", "Pueden existir en Factus: verifíquelas antes de reenviar."),
    (DocumentStatus.DRAFT, "Borradores", "Aún no se han emitido."),
)


@dataclass(frozen=True)
class Billed:
    """Validated invoices of a period, and their total net of the credit notes validated in it."""

    count: int
    total: Decimal
    credited: Decimal

    @property
    def net(self) -> Decimal:
        return self.total - self.credited


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def billed(*, today: date) -> dict[str, Billed]:
    """Today and this month: count and total of validated invoices, net of credit notes (2 queries)."""
    day, month = _start(today), _start(today.replace(day=1))
    validated = Q(status=DocumentStatus.VALIDATED, validated_at__gte=month)
    today_only = Q(validated_at__gte=day)
    invoices = Invoice.objects.filter(validated).aggregate(
        month_count=Count("pk"),
        month_total=Sum("total"),
        day_count=Count("pk", filter=today_only),
        day_total=Sum("total", filter=today_only),
    )
    notes = CreditNote.objects.filter(validated).aggregate(
        month_total=Sum("total"), day_total=Sum("total", filter=today_only)
    )
    return {
        period: Billed(
            invoices[f"{period}_count"],
            invoices[f"{period}_total"] or ZERO,
            notes[f"{period}_total"] or ZERO,
        )
        for period in ("day", "month")
    }


def attention() -> list[dict]:
    """Rejected, pending at the DIAN, por verificar and draft invoices: count and list link.

    One bounded count per card (``LIMIT``): past COUNT_CAP the card says «1000+», and the work
    does not grow with the data (4 small queries on the status index).
    """
    list_url = reverse("invoicing:invoice_list")
    cards = []
    for status, title, hint in ATTENTION:
        count = Invoice.objects.filter(status=status).order_by()[: COUNT_CAP + 1].count()
        cards.append(
            {
                "status": status,
                "title": title,
                "hint": hint,
                "count": count,
                "capped": count > COUNT_CAP,
                "url": f"{list_url}?status={status}",
                "badge": Invoice.BADGES.get(status, "secondary"),
            }
        )
    return cards


def _month_sums(since: datetime, until: datetime | None) -> dict[date, dict]:
    """Validated totals and IVA per local month, invoices minus notes, in [since, until) (2 queries)."""
    period = Q(status=DocumentStatus.VALIDATED, validated_at__gte=since)
    if until is not None:
        period &= Q(validated_at__lt=until)
    sums: dict[date, dict] = {}
    for sign, model in ((1, Invoice), (-1, CreditNote)):
        found = model.objects.filter(period).values(month=TruncMonth("validated_at"))
        for row in found.annotate(total=Sum("total"), tax=Sum("tax_amount")).order_by():
            month = sums.setdefault(_as_date(row["month"]), {"total": ZERO, "tax": ZERO})
            month["total"] += sign * (row["total"] or ZERO)
            month["tax"] += sign * (row["tax"] or ZERO)
    return sums


def monthly(*, today: date) -> list[dict]:
    """The last 12 months (this one included): total billed and IVA, net of credit notes.

    This month is summed on every request (2 small queries); the 11 closed months are kept in the
    cache for CLOSED_MONTHS_TTL seconds (2 queries when they are not): a document is dated when it
    is validated, so a closed month only changes when an import brings an older bill.
    """
    this_month = today.replace(day=1)
    first = _add_months(this_month, -(MONTHS - 1))
    closed = cache.get_or_set(
        f"reports:closed-months:{first:%Y-%m}:{this_month:%Y-%m}",
        lambda: _month_sums(_start(first), _start(this_month)),
        CLOSED_MONTHS_TTL,
    )
    sums = {**closed, **_month_sums(_start(this_month), None)}
    empty = {"total": ZERO, "tax": ZERO}
    return [
        {"month": month, "label": f"{MONTH_NAMES[month.month - 1]} {month.year}", **sums.get(month, empty)}
        for month in (_add_months(first, n) for n in range(MONTHS))
    ]


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _top(billed_rows, credited_rows) -> list[tuple]:
    net: dict = {}
    for key, value in billed_rows:
        net[key] = net.get(key, ZERO) + (value or ZERO)
    for key, value in credited_rows:
        if key in net:  # a note against an invoice of another month does not make a top entry
            net[key] -= value or ZERO
    return sorted(net.items(), key=lambda item: (-item[1], str(item[0])))[:TOP]


def top_customers(*, today: date) -> list[dict]:
    """This month's 5 customers with the highest billed total net of notes (3 queries)."""
    month = Q(status=DocumentStatus.VALIDATED, validated_at__gte=_start(today.replace(day=1)))
    billed_rows = Invoice.objects.filter(month).values_list("customer_id").annotate(s=Sum("total")).order_by()
    credited_rows = (
        CreditNote.objects.filter(month)
        .values_list("invoice__customer_id")
        .annotate(s=Sum("total"))
        .order_by()
    )
    top = _top(billed_rows, credited_rows)
    customers = Customer.objects.in_bulk([key for key, _ in top])
    return [{"name": customers[key].display_name, "total": total} for key, total in top if key in customers]


def top_products(*, today: date) -> list[dict]:
    """This month's 5 products (by code) with the highest billed line total net of notes (2 queries)."""
    month = _start(today.replace(day=1))
    lines = (
        InvoiceItem.objects.filter(invoice__status=DocumentStatus.VALIDATED, invoice__validated_at__gte=month)
        .values("code_reference")
        .annotate(s=Sum("line_total"), name=Max("name"))
        .order_by()
    )
    credited = (
        CreditNoteItem.objects.filter(
            credit_note__status=DocumentStatus.VALIDATED, credit_note__validated_at__gte=month
        )
        .values_list("code_reference")
        .annotate(s=Sum("line_total"))
        .order_by()
    )
    names = {}
    billed_rows = []
    for row in lines:
        names[row["code_reference"]] = row["name"]
        billed_rows.append((row["code_reference"], row["s"]))
    return [{"code": key, "name": names[key], "total": total} for key, total in _top(billed_rows, credited)]


def dashboard(*, today: date | None = None) -> dict:
    """Everything Inicio shows, in a fixed number of queries (about a dozen)."""
    today = today or timezone.localdate()
    return {
        "today": today,
        "billed": billed(today=today),
        "attention": attention(),
        "ranges": numbering_range_health(today=today),
        "months": monthly(today=today),
        "top_customers": top_customers(today=today),
        "top_products": top_products(today=today),
    }
