"""Background tasks (Django's Tasks API): thin, each calls one service. See docs/background.md.

The database backend (django-tasks-db) runs a task at most once per enqueue and never retries or
times out one: a worker SIGKILLed mid-task leaves its row RUNNING for ever. Recovery is therefore
ours, by lease, in the services (``bulk_recover``, ``follow_up_dispatch``), which ``follow_up_tick``
runs every ``FOLLOW_UP_TICK_SECONDS``.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend, task
from django_tasks.exceptions import TaskResultDoesNotExist

from invoicing.services import bulk, follow_up

logger = logging.getLogger(__name__)
# Bulk issuing goes before follow-ups; both use the fleet's bulk priority at Factus.
BULK_PRIORITY, FOLLOW_UP_PRIORITY = 10, 0
TICK_PRIORITY = 20  # cheap, and it recovers dead bulk items: never starved by a long queue


@task(priority=BULK_PRIORITY)
def issue_bulk_item(item_id: int, attempt: int) -> str:
    return bulk.bulk_item_run(item_id=item_id, attempt=attempt)


@task(priority=FOLLOW_UP_PRIORITY)
def run_follow_up(follow_up_id: int) -> str:
    return follow_up.follow_up_run(follow_up_id=follow_up_id)


@task(priority=TICK_PRIORITY)
def follow_up_tick(chain: bool = True) -> dict:
    """Recover dead bulk items, find invoices needing follow-up, dispatch what is due.

    With ``chain`` it enqueues its successor first (FOLLOW_UP_TICK_SECONDS later), one chain per tick slot
    (a cache key): a worker killed mid-tick leaves the successor already enqueued, and the cron
    job ``manage.py follow_up`` restarts a chain that was lost anyway.
    """
    if chain:
        every = settings.FOLLOW_UP_TICK_SECONDS
        slot = int(timezone.now().timestamp()) // every
        if not cache.add(f"follow-up-tick:{slot}", 1, timeout=every * 4):
            return {"skipped": True}  # another chain already ticks in this slot: this one ends
        follow_up_tick.using(run_after=timezone.now() + timedelta(seconds=every)).enqueue()
    return {
        "recovered": bulk.bulk_recover(),
        "scanned": follow_up.follow_up_scan(),
        "dispatched": follow_up.follow_up_dispatch(),
    }


def task_state(task_id: str) -> str:
    """What became of an enqueued task: "waiting" (ready or running within the lease), "ended"
    (finished: if its work is not done it never will be), or "lost" (unknown, or running past the
    lease: its worker died)."""
    if not task_id:
        return "lost"
    try:
        result = default_task_backend.get_result(task_id)
    except (TaskResultDoesNotExist, NotImplementedError):
        return "lost"
    if result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
        return "ended"
    started = result.started_at
    if result.status == TaskResultStatus.RUNNING and started and timezone.now() - started > bulk.lease():
        return "lost"
    return "waiting"
