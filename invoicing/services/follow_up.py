"""Follow-up without anyone clicking: pending bills re-checked, uncertain ones reconciled, e-mails retried.

One ``FollowUp`` row per invoice and kind says when it runs next (``due_at``). ``follow_up_scan``
creates rows for invoices that need one; ``follow_up_dispatch`` takes each due row (moving its
``due_at`` a lease ahead, so a worker killed mid-way leaves a row that is simply due again) and
enqueues one task per row; ``follow_up_run`` does the work through the same services as the buttons
(``invoice_submit``, ``invoice_send_email``), each recording its event on the invoice (user: none,
the system), then schedules the next round on a widening schedule or deletes the row once settled.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from factus import ratelimit
from factus.errors import FactusConnectionError, FactusError, FactusRateLimited, FactusServerError
from invoicing.models import BulkItem, FollowUp, Invoice, submit_stale_after

from .documents import invoice_send_email
from .events import InvoiceActionError
from .submit import invoice_submit

logger = logging.getLogger(__name__)
Kind, Status = FollowUp.Kind, Invoice.Status

# Seconds before each round; the last one repeats for RECHECK (until validated or rejected), while
# RECONCILE and EMAIL give up after their last round and leave the invoice to a person.
SCHEDULES = {
    Kind.RECHECK: (60, 120, 300, 600, 1800, 3600, 7200, 14400),
    Kind.RECONCILE: (0, 60, 300, 900, 3600),
    Kind.EMAIL: (60, 300, 900, 3600),
}
REPEATS = frozenset({Kind.RECHECK})
DISPATCH_BATCH = 200
TRANSIENT = (FactusRateLimited, FactusServerError, FactusConnectionError)


def lease() -> timedelta:
    return submit_stale_after() + timedelta(seconds=5)


def delay(kind: str, round_: int) -> timedelta | None:
    steps = SCHEDULES[kind]
    if round_ >= len(steps):
        return timedelta(seconds=steps[-1]) if kind in REPEATS else None
    return timedelta(seconds=steps[round_])


def follow_up_scan(*, now=None) -> int:
    """A FollowUp row for every invoice pending at the DIAN, «Por verificar» or stuck sending.

    Invoices that a bulk run is still working on are left to it.
    """
    now = now or timezone.now()
    stuck = Q(status=Status.SUBMITTING, submitting_since__lt=now - submit_stale_after())
    wanted = {
        Kind.RECHECK: Q(status=Status.PENDING_DIAN),
        Kind.RECONCILE: Q(status=Status.UNVERIFIED) | stuck,
    }
    created = 0
    for kind, condition in wanted.items():
        has_row = FollowUp.objects.filter(invoice=OuterRef("pk"), kind=kind)
        in_bulk = BulkItem.objects.filter(invoice=OuterRef("pk"), state__in=BulkItem.ACTIVE)
        ids = (
            Invoice.objects.filter(condition)
            .filter(~Exists(has_row), ~Exists(in_bulk))
            .values_list("pk", flat=True)[:1000]
        )
        rows = [FollowUp(invoice_id=pk, kind=kind, due_at=now + delay(kind, 0)) for pk in ids]
        created += len(FollowUp.objects.bulk_create(rows, ignore_conflicts=True))
    return created


def email_retry_schedule(*, invoice_id: int, email: str) -> None:
    """Factus refused an e-mail for the moment: send it again later, to the same address."""
    FollowUp.objects.update_or_create(
        invoice_id=invoice_id,
        kind=Kind.EMAIL,
        defaults={"round": 0, "due_at": timezone.now() + delay(Kind.EMAIL, 0), "data": {"email": email}},
    )


def follow_up_dispatch(*, now=None) -> int:
    """Enqueue one task per due row, taking each with a lease first (compare-and-set on due_at)."""
    from invoicing.tasks import run_follow_up

    now = now or timezone.now()
    taken = 0
    for pk, due_at in FollowUp.objects.filter(due_at__lte=now).values_list("pk", "due_at")[:DISPATCH_BATCH]:
        if FollowUp.objects.filter(pk=pk, due_at=due_at).update(due_at=now + lease()):
            run_follow_up.enqueue(pk)
            taken += 1
    return taken


def follow_up_run(*, follow_up_id: int) -> str:
    """Do one follow-up; schedule its next round or delete it when settled or given up."""
    row = FollowUp.objects.select_related("invoice").filter(pk=follow_up_id).first()
    if row is None:
        return "gone"
    with ratelimit.background(), ratelimit.turn_in_hand():
        settled = _email(row) if row.kind == Kind.EMAIL else _submission(row)
    if settled:
        row.delete()
        return "settled"
    wait = delay(row.kind, row.round + 1)
    if wait is None:
        logger.warning(
            "Follow-up %s of invoice %s gave up after %s rounds", row.kind, row.invoice_id, row.round
        )
        row.delete()
        return "gave_up"
    FollowUp.objects.filter(pk=row.pk).update(round=row.round + 1, due_at=timezone.now() + wait)
    return "again"


def _submission(row: FollowUp) -> bool:
    """Re-check a pending bill or reconcile an uncertain one through the submission service."""
    invoice = row.invoice
    wanted = {Kind.RECHECK: {Status.PENDING_DIAN}, Kind.RECONCILE: {Status.UNVERIFIED, Status.SUBMITTING}}
    if invoice.status not in wanted[row.kind]:
        return True
    if invoice.status == Status.SUBMITTING and not invoice.is_stale_submitting:
        return False  # someone is sending it right now: look again next round
    result = invoice_submit(invoice_id=invoice.pk, user=None)
    return result.invoice.status not in wanted[row.kind]


def _email(row: FollowUp) -> bool:
    email = (row.data or {}).get("email") or row.invoice.customer.email
    try:
        invoice_send_email(invoice_id=row.invoice_id, user=None, email=email)
    except TRANSIENT:
        return False
    except (FactusError, InvoiceActionError) as exc:  # refused for good: a person must look
        logger.warning("E-mail of invoice %s not retried: %s", row.invoice_id, exc)
    return True
