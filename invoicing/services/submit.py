"""``invoice_submit``: lock and mark (a), call Factus outside any transaction (b), record (c)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from factus.client import get_client
from invoicing.models import Invoice
from invoicing.payloads import bill_payload, factus_totals, line_input
from invoicing.totals import compare, compute_invoice

from . import resolve
from .events import Action, Outcome, record_event, timed

logger = logging.getLogger(__name__)
Status = Invoice.Status
BUSY = "busy"


@dataclass
class SubmitResult:
    outcome: str  # validated | pending | rejected | invalid | conflict | rate_limited | failed | busy
    invoice: Invoice
    message: str
    field_errors: dict = field(default_factory=dict)
    retry_after: int | None = None
    blocking: dict | None = None

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
    """Send the invoice to Factus once, whatever the clicks: see docs/invoicing.md."""
    claim = _claim(invoice_id)
    if claim.refusal is not None:
        return claim.refusal
    invoice = claim.invoice
    items = list(invoice.items.select_related("unit", "standard_code", "tribute"))
    payload = bill_payload(invoice, items)
    ours = compute_invoice([line_input(item) for item in items])
    client = client or get_client()
    with timed() as watch:
        try:
            outcome = resolve.attempt(client, invoice.reference_code, payload,
                                      lookup_first=claim.lookup_first)
        except Exception:  # a bug, not a Factus answer: never leave the row SUBMITTING
            _finish(invoice.pk, user, claim.action, payload, None, resolve.Resolution(
                Status.FAILED, Outcome.FAILED, "Error interno al enviar la factura; puede reintentar."))
            raise
    return _finish(invoice.pk, user, claim.action, payload, watch.ms, outcome, ours)


def _claim(invoice_id: int) -> _Claim:
    """Phase (a): lock the row, refuse when it is not submittable, mark it SUBMITTING."""
    with transaction.atomic():
        invoice = (Invoice.objects.select_for_update(of=("self",))
                   .select_related("customer__identification_document", "customer__legal_organization",
                                   "customer__tribute", "customer__municipality", "numbering_range")
                   .get(pk=invoice_id))
        refusal = _refusal(invoice)
        if refusal is not None:
            return _Claim(invoice, refusal=refusal)
        stale = invoice.status == Status.SUBMITTING
        retry = stale or invoice.status in (Status.FAILED, Status.PENDING_DIAN)
        claim = _Claim(invoice, Action.RETRY if retry else Action.SUBMIT,
                       lookup_first=stale or invoice.status == Status.FAILED)
        invoice.status, invoice.submitting_since = Status.SUBMITTING, timezone.now()
        invoice.save(update_fields=["status", "submitting_since", "updated_at"])
    return claim


def _refusal(invoice: Invoice) -> SubmitResult | None:
    if invoice.status == Status.SUBMITTING and not invoice.is_stale_submitting:
        since = timezone.localtime(invoice.submitting_since).strftime("%H:%M:%S")
        return SubmitResult(BUSY, invoice, f"La factura ya se está enviando (desde las {since}). "
                                           "Espere unos segundos y recargue la página.")
    if invoice.status == Status.SUBMITTING or invoice.is_submittable:
        return None
    if invoice.status == Status.VALIDATED:
        return SubmitResult(Outcome.VALIDATED, invoice, f"La factura {invoice.number} ya está validada.")
    if invoice.status == Status.REJECTED:
        return SubmitResult(Outcome.REJECTED, invoice, "La DIAN rechazó esta factura." + resolve.DELETE_HINT)
    return SubmitResult(Outcome.FAILED, invoice, f"Una factura «{invoice.get_status_display()}» no se "
                                                 "puede enviar; duplíquela para emitirla de nuevo.")


def _finish(invoice_id, user, action, payload, duration_ms, outcome: resolve.Resolution,
            ours=None) -> SubmitResult:
    """Phase (c): store what Factus said and the event, in one short transaction."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice_id)
        resolve.apply(invoice, outcome)
        message = outcome.message + _mismatch(invoice, outcome, ours)
        invoice.save()
        record_event(invoice, user=user, action=Action.RECONCILE if outcome.reconciled else action,
                     outcome=outcome.outcome, message=message, http_status=outcome.http_status,
                     request=payload, response=outcome.response, duration_ms=duration_ms)
    shown = Outcome.FAILED if outcome.outcome == Outcome.NOT_FOUND else outcome.outcome
    return SubmitResult(shown, invoice, message, outcome.field_errors, outcome.retry_after, outcome.blocking)


def _mismatch(invoice: Invoice, outcome: resolve.Resolution, ours) -> str:
    """Compare Factus' totals with ours; record and flag any difference."""
    if outcome.status != Status.VALIDATED or ours is None or outcome.data is None:
        return ""
    invoice.totals_mismatch = compare(ours.as_factus(), factus_totals(outcome.data))
    if not invoice.totals_mismatch:
        return ""
    logger.warning("Totals differ from Factus for invoice %s: %s", invoice.pk,
                   sorted(invoice.totals_mismatch))
    return " Atención: los totales de Factus difieren de los calculados por la aplicación."
