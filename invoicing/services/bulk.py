"""Bulk issuing: enqueue many invoices at most once each, run each on the single-issue service.

``bulk_issue`` is what the list's buttons and ``POST /api/v1/invoices/issue`` call. Each invoice
becomes a ``BulkItem`` run by the ``invoicing.tasks.issue_bulk_item`` task, which calls
``invoice_submit`` (the same service as the "Emitir" button) as bulk work: after every person
waiting at a page in the fleet's Factus budget. See docs/background.md for the guarantees.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import bounds
from factus import ratelimit
from invoicing.models import BulkItem, BulkRun, Invoice, submit_stale_after

from .events import Outcome
from .submit import BUSY, invoice_submit

logger = logging.getLogger(__name__)
State = BulkItem.State
# What bulk issuing sends: drafts, and invoices whose send certainly failed (FAILED: safe to resend).
ISSUABLE = (Invoice.Status.DRAFT, Invoice.Status.FAILED)
MAX_IDS = 1000  # one press issues at most this many invoices
MAX_ATTEMPTS = 8  # of one item: transient faults, dead workers, a pending bill blocking; then a person
UNBLOCKED_RETRY = timedelta(seconds=5)
# A running item is re-enqueued once this has passed: the submission's own stale time (after which
# the invoice is looked up by reference before anything is resent) plus time to record the outcome.
LEASE_MARGIN = timedelta(seconds=5)
# A queued item whose task cannot be found (enqueue lost between commit and enqueue) is re-enqueued
# after this.
ENQUEUE_GRACE = timedelta(seconds=30)
# Faults after which the submission service is simply tried again (same reference, never duplicated).
TRANSIENT_KINDS = frozenset({"timeout", "server_error", "dropped", "refused", "bad_response", "internal"})


@dataclass(frozen=True)
class BulkIssue:
    run: BulkRun | None  # None: nothing was issuable and no earlier run holds these invoices
    added: int
    already_queued: int
    not_issuable: int


def lease() -> timedelta:
    return submit_stale_after() + LEASE_MARGIN


def bulk_issue(*, invoice_ids: list[int], user) -> BulkIssue:
    """Enqueue each issuable invoice once; ids already queued or running add nothing.

    Raises: ValueError when more than MAX_IDS ids are given.
    """
    ids = sorted({int(pk) for pk in invoice_ids})
    if len(ids) > MAX_IDS:
        raise ValueError(f"Se pueden emitir como máximo {MAX_IDS} facturas a la vez.")
    try:
        return _enqueue_new(ids, user)
    except IntegrityError:  # another tab enqueued one of them between our check and our insert
        return _enqueue_new(ids, user)


def _enqueue_new(ids: list[int], user) -> BulkIssue:
    # An id no id column can hold names no invoice: counted as not issuable, never put in a query
    # (SQLite refuses an integer over 64 bits).
    stored = [pk for pk in ids if 1 <= pk <= bounds.MAX_RECORD_ID]
    with transaction.atomic():
        # Locked in id order: two presses at once wait for each other instead of both inserting.
        issuable = list(
            Invoice.objects.select_for_update()
            .filter(pk__in=stored, status__in=ISSUABLE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        active = set(
            BulkItem.objects.filter(invoice_id__in=stored, state__in=BulkItem.ACTIVE).values_list(
                "invoice_id", flat=True
            )
        )
        new = [pk for pk in issuable if pk not in active]
        if not new:
            return BulkIssue(_latest_run(stored), 0, len(active), len(ids) - len(active))
        run = BulkRun.objects.create(created_by=user)
        items = BulkItem.objects.bulk_create([BulkItem(run=run, invoice_id=pk) for pk in new])
        if not all(item.pk for item in items):  # backends that do not return ids on bulk insert
            items = list(run.items.all())
        transaction.on_commit(functools.partial(enqueue_items, [item.pk for item in items]))
    skipped = len(ids) - len(issuable)
    return BulkIssue(run, len(new), len(issuable) - len(new), skipped)


def _latest_run(ids: list[int]) -> BulkRun | None:
    item = BulkItem.objects.filter(invoice_id__in=ids).select_related("run").order_by("-id").first()
    return item.run if item else None


def enqueue_items(item_ids: list[int]) -> None:
    """Hand queued items to the task backend and remember each task's id (for recovery)."""
    from invoicing.tasks import issue_bulk_item

    items = list(BulkItem.objects.filter(pk__in=item_ids, state=State.QUEUED))
    for item in items:
        task = issue_bulk_item.using(run_after=item.run_after) if item.run_after else issue_bulk_item
        item.task_id = str(task.enqueue(item.pk, item.attempt).id)
    BulkItem.objects.bulk_update(items, ["task_id"])


def bulk_item_run(*, item_id: int, attempt: int) -> str:
    """Run one bulk item: claim it (lease), submit its invoice as bulk work, record the outcome.

    A stale copy of the task (an older ``attempt``, or an item already done) does nothing.
    """
    with ratelimit.background(), ratelimit.turn_in_hand():
        # The turn first, then the lease: waiting for a turn never eats into the item's lease.
        item = _claim(item_id, attempt)
        if item is None:
            return "skipped"
        result = invoice_submit(invoice_id=item.invoice_id, user=item.run.created_by)
        unblocked = _unblock(result)
    return _record(item, result, unblocked=unblocked)


def _unblock(result) -> bool:
    """Factus refuses new bills while one is pending at the DIAN (409). When that bill is one of
    ours and not rejected, ask again for it now ("Reintentar", its own event) instead of letting
    the whole run fail on it; the blocked item is tried again shortly after."""
    blocking = result.blocking or {}
    if result.outcome != Outcome.CONFLICT or not blocking.get("ours") or blocking.get("rejected"):
        return False
    if not blocking.get("invoice_id"):
        return False
    invoice_submit(invoice_id=blocking["invoice_id"], user=None)
    return True


def _claim(item_id: int, attempt: int) -> BulkItem | None:
    with transaction.atomic():
        # of=("self",): the run row is read, not locked (items of one run are claimed concurrently).
        item = (
            BulkItem.objects.select_for_update(of=("self",)).select_related("run").filter(pk=item_id).first()
        )
        if item is None or item.state != State.QUEUED or item.attempt != attempt:
            return None
        item.state, item.lease_until = State.RUNNING, timezone.now() + lease()
        item.save(update_fields=["state", "lease_until"])
    return item


def _record(item: BulkItem, result, *, unblocked: bool = False) -> str:
    """Done, or queued again for later (busy elsewhere, rate limit, transient fault, unblocked)."""
    later = timezone.now() + UNBLOCKED_RETRY if unblocked else _retry_at(item, result)
    with transaction.atomic():
        current = BulkItem.objects.select_for_update().get(pk=item.pk)
        if current.state != State.RUNNING or current.attempt != item.attempt:
            return "superseded"  # our lease expired and another attempt took over
        current.outcome, current.message = result.outcome, result.message[:2000]
        current.lease_until = None
        if later is not None and current.attempt < MAX_ATTEMPTS:
            current.state, current.attempt, current.run_after = State.QUEUED, current.attempt + 1, later
            current.enqueued_at = timezone.now()
            current.save(
                update_fields=[
                    "outcome",
                    "message",
                    "lease_until",
                    "state",
                    "attempt",
                    "run_after",
                    "enqueued_at",
                ]
            )
            transaction.on_commit(functools.partial(enqueue_items, [current.pk]))
            return "requeued"
        current.state, current.finished_at = State.DONE, timezone.now()
        current.save(update_fields=["outcome", "message", "lease_until", "state", "finished_at"])
        _finish_run_if_done(current.run_id)
    return result.outcome


def _retry_at(item: BulkItem, result):
    """When to try again, or None when the outcome is final for bulk issuing."""
    now = timezone.now()
    if result.outcome == BUSY:  # someone else is sending it: after their send surely ended
        since = result.invoice.submitting_since or now
        return max(now, since + submit_stale_after()) + timedelta(seconds=1)
    if result.outcome == Outcome.RATE_LIMITED:
        return now + timedelta(seconds=result.retry_after or 60)
    status = result.invoice.status
    uncertain = status == Invoice.Status.UNVERIFIED
    transient = status == Invoice.Status.FAILED and result.recorded and _last_kind(result) in TRANSIENT_KINDS
    if uncertain or transient:  # looked up by reference (UNVERIFIED) or resent: never duplicated
        return now + timedelta(seconds=10 * item.attempt)
    return None


def _last_kind(result) -> str:
    event = result.invoice.events.order_by("-created_at", "-id").values_list("detail", flat=True).first()
    return (event or {}).get("kind", "")


def _finish_run_if_done(run_id: int) -> None:
    if not BulkItem.objects.filter(run_id=run_id, state__in=BulkItem.ACTIVE).exists():
        BulkRun.objects.filter(pk=run_id, finished_at__isnull=True).update(finished_at=timezone.now())


def bulk_recover(*, now=None) -> int:
    """Re-enqueue the items of dead workers (lease passed) and of lost enqueues; returns how many."""
    from invoicing.tasks import task_state

    now = now or timezone.now()
    expired = list(
        BulkItem.objects.filter(state=State.RUNNING, lease_until__lt=now).values_list("pk", flat=True)
    )
    queued = BulkItem.objects.filter(state=State.QUEUED, enqueued_at__lt=now - ENQUEUE_GRACE).values_list(
        "pk", "task_id", "run_after"
    )
    lost = [
        pk
        for pk, task_id, run_after in queued
        if (run_after is None or run_after < now - ENQUEUE_GRACE) and task_state(task_id) in ("lost", "ended")
    ]
    for pk in expired + lost:
        _requeue(pk, now)
    return len(expired) + len(lost)


def _requeue(item_id: int, now) -> None:
    with transaction.atomic():
        item = BulkItem.objects.select_for_update().get(pk=item_id)
        if item.state == State.DONE:
            return
        if item.attempt >= MAX_ATTEMPTS:
            item.state, item.finished_at, item.lease_until = State.DONE, now, None
            item.outcome = item.outcome or Outcome.UNVERIFIED
            item.message = "No se pudo terminar tras varios intentos; revise la factura."
            item.save(update_fields=["state", "finished_at", "lease_until", "outcome", "message"])
            _finish_run_if_done(item.run_id)
            return
        logger.warning(
            "Bulk item %s (attempt %s) re-enqueued: its worker died or its task was lost",
            item.pk,
            item.attempt,
        )
        item.state, item.attempt, item.lease_until = State.QUEUED, item.attempt + 1, None
        item.run_after, item.enqueued_at = None, now
        item.save(update_fields=["state", "attempt", "lease_until", "run_after", "enqueued_at"])
        transaction.on_commit(functools.partial(enqueue_items, [item.pk]))
