"""Invoice reads: the filtered list and one invoice with its items and timeline."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from catalog.models import Customer, PaymentMethod
from core.keyset import KeysetPage, keyset_page
from invoicing.credit_selectors import invoices_with_credit_state
from invoicing.models import CreditNote, Invoice, InvoiceEvent, InvoiceItem

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
# The columns the list page shows (and sorts by): ``invoice_list(compact=True)`` loads only these.
PAGE_FIELDS = (
    "id",
    "reference_code",
    "prefix",
    "number",
    "created_at",
    "status",
    "total",
    "estimated_total",
    "customer__id",
    "customer__company",
    "customer__names",
    "customer__trade_name",
    "customer__identification",
    "customer__dv",
)


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


def invoice_list(
    *, filters: dict | None = None, with_cufe: bool = False, compact: bool = False
) -> QuerySet[Invoice]:
    """Invoices newest first, filtered by status, date range, customer, number, reference, q, and
    credit ("with_notes": validated credit notes; "voided": fully credited), annotated with
    ``credited_total`` and ``is_voided``.

    ``with_cufe`` loads the CUFE too (the CSV export shows it; the page does not). ``compact``
    loads only ``PAGE_FIELDS`` (the list page: a third of the columns, one join).

    One query per page whatever the page size (customer, range and author are joined), plus one
    small query for the customers matching ``q`` when it is given.
    """
    filters = filters or {}
    deferred = [name for name in LIST_DEFERRED if not (with_cufe and name == "cufe")]
    if compact:
        qs = Invoice.objects.select_related("customer").only(*PAGE_FIELDS)
    else:
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
    qs = invoices_with_credit_state(qs)  # the "Anulada" badge, and the credit filter below
    if filters.get("credit") == "with_notes":
        qs = qs.filter(credited_total__gt=0)
    elif filters.get("credit") == "voided":
        qs = qs.filter(is_voided=True)
    return _text_filters(qs, filters).order_by("-created_at", "-id")


def invoice_page(queryset: QuerySet[Invoice], *, cursor: str | None, size: int) -> KeysetPage:
    """One page of ``queryset`` (e.g. ``invoice_list(...)``, any ``order_by`` ending with ``id``),
    paged by key, not by OFFSET: the same two queries at any depth and any ``size`` (a count capped
    at core.keyset.COUNT_CAP, and the rows). ``cursor`` is the opaque ``next_cursor`` /
    ``previous_cursor`` / ``last_cursor`` of a page (None: the first page; one that does not decode:
    the first page too). Shared by the list page and the JSON API. See core/keyset.py.
    """
    return keyset_page(queryset, cursor=cursor, size=size)


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


def invoice_for_form_token(*, form_token) -> Invoice | None:
    """The invoice a new-invoice form (its one-time ``form_token``) already created, if any."""
    if form_token is None:
        return None
    return Invoice.objects.filter(form_token=form_token).first()


# --- the "Último intento" panel -------------------------------------------------------------------

ATTEMPT_ACTIONS = (InvoiceEvent.Action.SUBMIT, InvoiceEvent.Action.RETRY, InvoiceEvent.Action.RECONCILE)
# What happened, by the ``kind`` codes of invoicing.services.resolve.
ATTEMPT_KINDS = {
    "validated": "Validada por la DIAN",
    "pending": "Pendiente DIAN",
    "rejected": "Rechazada por la DIAN",
    "invalid": "Datos inválidos (Factus respondió 422)",
    "conflict": "Documento pendiente en Factus (409)",
    "rate_limited": "Límite de solicitudes de Factus (429)",
    "server_error": "Error del servidor de Factus",
    "timeout": "Sin respuesta de Factus a tiempo",
    "dropped": "Conexión cortada antes de la respuesta de Factus",
    "refused": "Conexión rechazada: la solicitud no llegó a Factus",
    "bad_response": "Respuesta sin sentido de Factus",
    "auth": "Factus rechazó la autenticación",
    "error": "Error de Factus",
    "internal": "Error interno de la aplicación",
}
# Events recorded before ``detail`` existed: the kind their outcome implies.
OUTCOME_KINDS = {
    "validated": "validated",
    "pending": "pending",
    "rejected": "rejected",
    "invalid": "invalid",
    "conflict": "conflict",
    "rate_limited": "rate_limited",
    "unverified": "bad_response",
    "failed": "error",
    "not_found": "error",
}
# Each fact of the panel is said once on the page: the rows say what happened and whether the bill
# may exist, the status box under the panel says what to do next («Reintentar», «Verificar en
# Factus»), and the panel's paragraph only what neither says (the attempt's ``note``).
MAY_EXIST = {
    "yes": "Sí: {noun} existe en Factus.",
    "no": "No: {noun} no se creó en Factus.",
    "not_yet": "No aparece en Factus por ahora.",
    "maybe": "Puede que sí: no fue posible comprobarlo.",
}


def _noun(document) -> str:
    return "la nota crédito" if isinstance(document, CreditNote) else "la factura"


def _lookup_text(detail: dict, noun: str = "la factura") -> str:
    reference = detail.get("reference") or f"de {noun}"
    tries = int(detail.get("lookup_tries") or 1)
    times = f" ({tries} intentos)" if tries > 1 else ""
    state = detail.get("lookup")
    if state == "found":
        return f"Se consultó Factus por la referencia {reference}: la tenía{times}."
    if state == "not_found":
        return f"Se consultó Factus por la referencia {reference}: no la tiene por ahora{times}."
    if state == "skipped":
        return (
            f"No quedó tiempo en esta solicitud para consultar Factus por la referencia {reference}: "
            "no se consultó."
        )
    if state == "failed":
        return f"Se intentó consultar Factus por la referencia {reference}{times}, sin lograr respuesta."
    if detail.get("stage") == "token":
        return "No se pudo obtener el acceso (token) de Factus: no se consultó ni se envió nada."
    kind = detail.get("kind")
    if kind in ("bad_response", "internal"):
        return "Todavía no se consultó Factus por la referencia."
    if kind in ("refused", "rate_limited", "auth"):
        return "La solicitud no llegó a procesarse en Factus: no hizo falta consultar."
    return "Factus respondió con claridad: no hizo falta consultar por la referencia."


def _lower_first(text: str) -> str:
    """ "Validada por la DIAN" -> "validada por la DIAN" (``|lower`` would say "la dian")."""
    return text[:1].lower() + text[1:]


def last_attempt(invoice: Invoice | CreditNote) -> dict | None:
    """What the latest submit/retry/reconcile of ``invoice`` (or credit note) found, for the "Último
    intento" panel: what happened, whether the document may exist at Factus, what the app did to find
    out, and (409) the blocking document; None before any attempt and after the document was deleted
    at Factus. Uses the prefetched events when present."""
    event = None
    for candidate in invoice.events.all():  # newest first
        if candidate.action == InvoiceEvent.Action.DELETE and candidate.outcome == InvoiceEvent.Outcome.OK:
            return None  # the bill that attempt was about is gone: what it said is no longer true
        if candidate.action in ATTEMPT_ACTIONS:
            event = candidate
            break
    if event is None:
        return None
    detail = event.detail if isinstance(event.detail, dict) else {}
    kind = detail.get("kind") or OUTCOME_KINDS.get(event.outcome, "error")
    retry_at = detail.get("retry_at")
    checked_first = detail.get("checked_before_send")
    label = ATTEMPT_KINDS.get(kind, event.get_outcome_display())
    found_as = ATTEMPT_KINDS.get(detail.get("outcome_kind"), "")
    # Found by a lookup after the fault: the status recorded is the lookup's, not the fault's.
    status = None if found_as else event.http_status
    return {
        "event": event,
        "kind": kind,
        "label": label,
        "http_status": status if status and f"({status})" not in label else None,
        "found_as": _lower_first(found_as),  # follows a "; "
        # Validated, at once or found by reference: the page's one-time message tells it.
        "validated": kind == "validated" or detail.get("outcome_kind") == "validated",
        "may_exist": detail.get("may_exist", ""),
        "may_exist_text": MAY_EXIST.get(detail.get("may_exist"), "").format(noun=_noun(invoice)),
        "lookup_text": _lookup_text({"reference": invoice.reference_code, **detail}, _noun(invoice)),
        "credit_note": isinstance(invoice, CreditNote),
        "checked_first": bool(checked_first),
        "retry_at": timezone.localtime(datetime.fromisoformat(retry_at)) if retry_at else None,
        "blocking": detail.get("blocking") if kind == "conflict" else None,
        "problem": detail.get("problem", ""),
        # What the rows do not say; events recorded before ``note`` existed show their whole message.
        "note": detail.get("note", event.message) if detail else event.message,
    }


def qr_link(invoice: Invoice) -> str:
    """The DIAN link of the QR, only when it is ``https://`` (anything else is shown as text)."""
    url = (invoice.qr_url or "").strip()
    return url if url.lower().startswith("https://") and not any(c in url for c in "\r\n\t <>\"'") else ""


# -- bulk runs ------------------------------------------------------------------------------------
# Invoice statuses a person must look at after a bulk run (the rest issued, or wait at the DIAN
# where the follow-up re-checks them).
NEEDS_A_PERSON = frozenset({"rejected", "invalid", "failed", "unverified"})


def bulk_run_progress(*, run_id: int) -> dict:
    """A bulk run's counts by state and by invoice status, its items (invoice linked) and what needs a person.

    Raises: BulkRun.DoesNotExist.
    """
    from django.db.models import Count

    from invoicing.models import BulkItem, BulkRun

    run = BulkRun.objects.select_related("created_by").get(pk=run_id)
    items = list(
        BulkItem.objects.filter(run=run).select_related("invoice", "invoice__customer").order_by("id")
    )
    by_state = dict(BulkItem.objects.filter(run=run).values_list("state").annotate(n=Count("id")))
    # Counted by each invoice's status now (a pending one may have been validated since).
    labels = dict(Invoice.Status.choices)
    outcomes: dict[str, int] = {}
    for item in items:
        if item.state == BulkItem.State.DONE:
            outcomes[item.invoice.status] = outcomes.get(item.invoice.status, 0) + 1
    done = by_state.get(BulkItem.State.DONE, 0)
    return {
        "run": run,
        "items": items,
        "total": len(items),
        "queued": by_state.get(BulkItem.State.QUEUED, 0),
        "running": by_state.get(BulkItem.State.RUNNING, 0),
        "done": done,
        "percent": round(100 * done / len(items)) if items else 100,
        "finished": not items or done == len(items),
        "outcomes": [(labels.get(key, key), count, key) for key, count in sorted(outcomes.items())],
        "attention": [
            i for i in items if i.state == BulkItem.State.DONE and i.invoice.status in NEEDS_A_PERSON
        ],
    }
