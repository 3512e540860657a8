"""Follow-up without anyone clicking: pending bills re-checked, uncertain ones reconciled, e-mails."""

from datetime import timedelta

import pytest
import responses
from django.contrib.auth.models import Permission
from django.utils import timezone

from factus_emulator.testing import register
from invoicing.models import BulkItem, BulkRun, FollowUp, Invoice, InvoiceEvent
from invoicing.services import invoice_submit
from invoicing.services.follow_up import (
    delay,
    email_retry_schedule,
    follow_up_dispatch,
    follow_up_run,
    follow_up_scan,
)
from tests.invoicing.conftest import BASE

PENDING = "3333333333"  # the emulator leaves this customer's bills pending at the DIAN


@pytest.fixture
def factus_settings(sandbox, settings):
    settings.FACTUS_BASE_URL = BASE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, sandbox, BASE)
        yield sandbox


@pytest.fixture
def pending(make_invoice, staff, factus_settings):
    invoice = make_invoice(identification=PENDING)
    invoice_submit(invoice_id=invoice.pk, user=staff)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PENDING_DIAN
    return invoice


def due_now(invoice):
    FollowUp.objects.filter(invoice=invoice).update(due_at=timezone.now() - timedelta(seconds=1))
    return FollowUp.objects.get(invoice=invoice)


def test_a_pending_invoice_gets_a_recheck(pending):
    follow_up_scan()
    assert FollowUp.objects.get(invoice=pending).kind == FollowUp.Kind.RECHECK


def test_a_recheck_validates_the_pending_invoice(pending):
    follow_up_scan()
    follow_up_run(follow_up_id=due_now(pending).pk)
    pending.refresh_from_db()
    assert pending.status == Invoice.Status.VALIDATED


def test_the_recheck_is_an_event_of_the_system(pending):
    follow_up_scan()
    follow_up_run(follow_up_id=due_now(pending).pk)
    event = InvoiceEvent.objects.filter(invoice=pending).order_by("-id").first()
    assert (event.user, event.outcome) == (None, InvoiceEvent.Outcome.VALIDATED)


def test_a_settled_invoice_leaves_no_follow_up(pending):
    follow_up_scan()
    follow_up_run(follow_up_id=due_now(pending).pk)
    assert not FollowUp.objects.exists()


def test_rechecks_widen():
    assert delay(FollowUp.Kind.RECHECK, 0) < delay(FollowUp.Kind.RECHECK, 3) < delay(FollowUp.Kind.RECHECK, 7)


def test_rechecks_never_give_up():
    assert delay(FollowUp.Kind.RECHECK, 100) == delay(FollowUp.Kind.RECHECK, 7)


def test_reconciling_gives_up_for_a_person():
    assert delay(FollowUp.Kind.RECONCILE, 100) is None


def test_an_uncertain_invoice_is_reconciled_by_reference(make_invoice, factus_settings):
    invoice = make_invoice()
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.UNVERIFIED)
    follow_up_scan()
    follow_up_run(follow_up_id=due_now(invoice).pk)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VALIDATED


def test_invoices_in_a_bulk_run_are_left_to_it(make_invoice, staff):
    invoice = make_invoice()
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.UNVERIFIED)
    BulkItem.objects.create(run=BulkRun.objects.create(created_by=staff), invoice=invoice)
    assert follow_up_scan() == 0


def test_dispatch_takes_a_due_row_once(pending, django_capture_on_commit_callbacks):
    follow_up_scan()
    due_now(pending)
    assert (follow_up_dispatch(), follow_up_dispatch()) == (1, 0)


def test_an_email_refused_for_the_moment_is_sent_later(pending):
    follow_up_scan()
    follow_up_run(follow_up_id=due_now(pending).pk)  # validated now
    email_retry_schedule(invoice_id=pending.pk, email="cliente@example.com")
    follow_up_run(follow_up_id=due_now(pending).pk)
    event = InvoiceEvent.objects.filter(invoice=pending, action=InvoiceEvent.Action.EMAIL).get()
    assert event.outcome == InvoiceEvent.Outcome.OK


def test_an_email_factus_refuses_for_now_is_scheduled_again(client, staff, make_invoice, factus_settings):
    from django.urls import reverse

    invoice = make_invoice()
    invoice_submit(invoice_id=invoice.pk, user=staff)
    answer = factus_settings.handle

    def busy_mail(method, path, headers=None, body=b""):
        if "send-email" in path:
            return 503, {"Content-Type": "application/json"}, b'{"message": "Service Unavailable"}'
        return answer(method, path, headers, body)

    factus_settings.handle = busy_mail
    staff.user_permissions.add(Permission.objects.get(codename="email_invoice"))
    client.force_login(staff)
    client.post(reverse("invoicing:invoice_email", args=[invoice.pk]), {"email": "cliente@example.com"})
    assert FollowUp.objects.get(invoice=invoice, kind=FollowUp.Kind.EMAIL).data == {
        "email": "cliente@example.com"
    }


def test_the_follow_up_command_starts_the_cycle(db):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    call_command("follow_up")
    assert DBTaskResult.objects.get().task_path == "invoicing.tasks.follow_up_tick"
