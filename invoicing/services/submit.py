"""``invoice_submit``: lock and mark (a), call Factus outside any transaction (b), record (c)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Customer
from factus.client import get_client
from factus.deadline import budget
from invoicing.models import Invoice, request_budget
from invoicing.payloads import bill_payload, factus_totals, line_input
from invoicing.totals import compare, compute_invoice

from . import resolve
from .events import Action, Outcome, record_event, timed

logger = logging.getLogger(__name__)
Status = Invoice.Status
BUSY = "busy"


@dataclass
class SubmitResult:
    outcome: str  # validated|pending|rejected|invalid|conflict|rate_limited|failed|unverified|busy
    invoice: Invoice
    message: str
    field_errors: dict = field(default_factory=dict)
    retry_after: int | None = None
    blocking: dict | None = None
    recorded: bool = False  # an attempt was made and recorded as an event (else: refused before it)

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.VALIDATED


@dataclass
class _Claim:
    invoice: Invoice
    action: str = Action.SUBMIT
    lookup_first: bool = False
    refusal: SubmitResult | None = None


def invoice_submit(*, invoice_id: int, user, client=None) -> SubmitResult:
    """Send the invoice to Factus once, whatever the clicks: see docs/invoicing.md.

    Every Factus call of the attempt (token, lookups, validate) shares one deadline,
    ``settings.FACTUS_REQUEST_BUDGET``; the row is never left SUBMITTING (UNVERIFIED when unsure).
    """
    claim = _claim(invoice_id)
    if claim.refusal is not None:
        return claim.refusal
    invoice = claim.invoice
    payload = None
    with timed() as watch:
        try:
            items = _load_for_payload(invoice)
            payload = bill_payload(invoice, items)
            ours = compute_invoice([line_input(item) for item in items])
            client = client or get_client()
            with budget(request_budget()):
                outcome = resolve.attempt(
                    client, invoice.reference_code, payload, lookup_first=claim.lookup_first
                )
        except Exception:  # a bug, not a Factus answer: never leave the row SUBMITTING
            _finish(invoice, user, claim.action, payload, watch.ms, resolve.internal_error())
            raise
    try:
        try:
            return _finish(invoice, user, claim.action, payload, watch.ms, outcome, ours)
        except IntegrityError:
            # Another request recorded the same bill number between our check and our save (the
            # unique constraint caught it): recorded again, the check now sees it -> UNVERIFIED.
            logger.warning("Invoice %s: its bill number was recorded meanwhile; checking again", invoice.pk)
            if outcome.fields:
                invoice.refresh_from_db(fields=list(outcome.fields))
            return _finish(invoice, user, claim.action, payload, watch.ms, outcome, ours)
    except Exception:  # what Factus said could not be stored: record that much, never SUBMITTING
        logger.exception("Could not record the outcome of invoice %s", invoice.pk)
        _finish(invoice, user, claim.action, payload, watch.ms, resolve.internal_error())
        raise


def _claim(invoice_id: int) -> _Claim:
    """Phase (a): lock the row, refuse when it is not submittable, mark it SUBMITTING."""
    with transaction.atomic():
        # The lock reads the invoice row alone: a FOR UPDATE over a six-table join cost more (planning,
        # locking) than loading the customer afterwards (_load_for_payload), outside the lock.
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        refusal = _refusal(invoice)
        if refusal is not None:
            return _Claim(invoice, refusal=refusal)
        # FAILED means "certainly not created" (or not found after a lookup): it is sent directly;
        # the same reference is never duplicated by Factus. UNVERIFIED or a stale SUBMITTING row may
        # exist at Factus: looked up by reference first.
        retry = invoice.can_retry
        claim = _Claim(invoice, Action.RETRY if retry else Action.SUBMIT, lookup_first=invoice.needs_lookup)
        invoice.status, invoice.submitting_since = Status.SUBMITTING, timezone.now()
        invoice.save(update_fields=["status", "submitting_since", "updated_at"])
    return claim


def _load_for_payload(invoice: Invoice) -> list:
    """What ``bill_payload`` reads besides the invoice row, in a fixed number of queries.

    The items are ordered by position only: the model's default ordering (``invoice`` first) would
    join the invoice table again just to sort rows that all belong to the same invoice.
    """
    invoice.customer = Customer.objects.select_related(
        "identification_document", "legal_organization", "tribute", "municipality"
    ).get(pk=invoice.customer_id)
    return list(invoice.items.select_related("unit", "standard_code", "tribute").order_by("position", "id"))


def _refusal(invoice: Invoice) -> SubmitResult | None:
    if invoice.status == Status.SUBMITTING and not invoice.is_stale_submitting:
        since = timezone.localtime(invoice.submitting_since).strftime("%H:%M:%S")
        return SubmitResult(
            BUSY,
            invoice,
            f"La factura ya se está enviando (desde las {since}). Espere unos segundos y recargue la página.",
        )
    if invoice.status == Status.SUBMITTING or invoice.is_submittable:
        return None
    if invoice.status == Status.VALIDATED:
        return SubmitResult(Outcome.VALIDATED, invoice, f"La factura {invoice.number} ya está validada.")
    if invoice.status == Status.REJECTED:
        return SubmitResult(Outcome.REJECTED, invoice, "La DIAN rechazó esta factura." + resolve.DELETE_HINT)
    return SubmitResult(
        Outcome.FAILED,
        invoice,
        f"Una factura «{invoice.get_status_display()}» no se "
        "puede enviar; duplíquela para emitirla de nuevo.",
    )


# What phase (c) writes besides ``Resolution.fields``; every other column keeps its stored value.
OUTCOME_FIELDS = ("status", "submitting_since", "field_errors", "totals_mismatch", "updated_at")


def _finish(
    invoice: Invoice, user, action, payload, duration_ms, outcome: resolve.Resolution, ours=None
) -> SubmitResult:
    """Phase (c): store what Factus said and the event, in one short transaction.

    ``invoice`` is the instance claimed in phase (a). The row is locked again, but not re-read: only
    the outcome columns are written (``update_fields``), so nothing read before the Factus call can
    overwrite a column, and no wide SELECT/UPDATE of every column (QR, raw response...) is needed.
    """
    with transaction.atomic():
        Invoice.objects.select_for_update().filter(pk=invoice.pk).values_list("pk", flat=True).get()
        outcome = resolve.number_taken(outcome, invoice_pk=invoice.pk)
        resolve.apply(invoice, outcome)
        message = outcome.message + _mismatch(invoice, outcome, ours)
        invoice.save(update_fields=[*OUTCOME_FIELDS, *outcome.fields])
        record_event(
            invoice,
            user=user,
            action=Action.RECONCILE if outcome.reconciled else action,
            outcome=outcome.outcome,
            message=message,
            http_status=outcome.http_status,
            request=payload,
            response=outcome.response,
            duration_ms=duration_ms,
            detail={"reference": invoice.reference_code, **outcome.detail},
        )
    shown = Outcome.FAILED if outcome.outcome == Outcome.NOT_FOUND else outcome.outcome
    return SubmitResult(
        shown, invoice, message, outcome.field_errors, outcome.retry_after, outcome.blocking, recorded=True
    )


def _mismatch(invoice: Invoice, outcome: resolve.Resolution, ours) -> str:
    """Compare Factus' totals with ours; record and flag any difference."""
    if outcome.status != Status.VALIDATED or ours is None:
        return ""
    invoice.totals_mismatch = compare(ours.as_factus(), factus_totals(outcome.fields))
    if not invoice.totals_mismatch:
        return ""
    logger.warning(
        "Totals differ from Factus for invoice %s: %s", invoice.pk, sorted(invoice.totals_mismatch)
    )
    return " Atención: los totales de Factus difieren de los calculados por la aplicación."
