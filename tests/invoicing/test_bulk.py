"""Bulk issuing: each invoice enqueued once, run on the submission service, recovered by lease."""

from datetime import timedelta

import pytest
import responses
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.roles import READ_ONLY
from factus_emulator.testing import register
from invoicing.models import BulkItem, Invoice
from invoicing.services.bulk import bulk_issue, bulk_item_run, bulk_recover, lease
from tests.conftest import give_role
from tests.invoicing.conftest import BASE, bills
from tests.invoicing.factories import InvoiceFactory

# Two threads writing at once: SQLite locks the whole table ("database table is locked"), which is
# what its one-writer design does, not a behaviour of ours; the race is checked on PostgreSQL.
TWO_WRITERS = pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers need PostgreSQL")


@pytest.fixture
def factus_settings(sandbox, settings):
    settings.FACTUS_BASE_URL = BASE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, sandbox, BASE)
        yield sandbox


def issue(ids, user, capture):
    with capture(execute=True):
        return bulk_issue(invoice_ids=ids, user=user)


def test_each_draft_is_enqueued_once(make_invoice, staff, django_capture_on_commit_callbacks):
    drafts = [make_invoice() for _ in range(3)]
    ids = [invoice.pk for invoice in drafts]
    issue(ids, staff, django_capture_on_commit_callbacks)
    second = issue(ids, staff, django_capture_on_commit_callbacks)
    assert second.added == 0
    assert DBTaskResult.objects.count() == 3


def test_a_second_press_reports_what_was_already_queued(
    make_invoice, staff, django_capture_on_commit_callbacks
):
    invoice = make_invoice()
    first = issue([invoice.pk], staff, django_capture_on_commit_callbacks)
    second = issue([invoice.pk], staff, django_capture_on_commit_callbacks)
    assert (second.already_queued, second.run) == (1, first.run)


def test_validated_invoices_are_not_issued_again(make_invoice, staff, django_capture_on_commit_callbacks):
    invoice = make_invoice()
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.VALIDATED)
    result = issue([invoice.pk], staff, django_capture_on_commit_callbacks)
    assert (result.added, result.not_issuable) == (0, 1)


def test_an_item_runs_on_the_submission_service(
    make_invoice, staff, factus_settings, django_capture_on_commit_callbacks
):
    invoice = make_invoice()
    run = issue([invoice.pk], staff, django_capture_on_commit_callbacks).run
    item = run.items.get()
    bulk_item_run(item_id=item.pk, attempt=1)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VALIDATED


def test_a_finished_item_marks_the_run_finished(
    make_invoice, staff, factus_settings, django_capture_on_commit_callbacks
):
    run = issue([make_invoice().pk], staff, django_capture_on_commit_callbacks).run
    bulk_item_run(item_id=run.items.get().pk, attempt=1)
    run.refresh_from_db()
    assert run.finished_at is not None


def test_a_stale_copy_of_the_task_does_nothing(
    make_invoice, staff, factus_settings, django_capture_on_commit_callbacks
):
    run = issue([make_invoice().pk], staff, django_capture_on_commit_callbacks).run
    item = run.items.get()
    assert bulk_item_run(item_id=item.pk, attempt=2) == "skipped"


def test_a_dead_workers_item_is_enqueued_again(make_invoice, staff, django_capture_on_commit_callbacks):
    run = issue([make_invoice().pk], staff, django_capture_on_commit_callbacks).run
    BulkItem.objects.filter(run=run).update(
        state="running", lease_until=timezone.now() - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        bulk_recover()
    item = run.items.get()
    assert (item.state, item.attempt) == ("queued", 2)


def test_a_live_lease_is_left_alone(make_invoice, staff, django_capture_on_commit_callbacks):
    run = issue([make_invoice().pk], staff, django_capture_on_commit_callbacks).run
    BulkItem.objects.filter(run=run).update(state="running", lease_until=timezone.now() + lease())
    assert bulk_recover() == 0


def test_a_killed_attempt_is_looked_up_not_sent_twice(
    make_invoice, staff, factus_settings, faults, django_capture_on_commit_callbacks
):
    """The worker died after Factus created the bill: the next attempt finds it by reference."""
    invoice = make_invoice()
    run = issue([invoice.pk], staff, django_capture_on_commit_callbacks).run
    faults.add("POST", "/v1/bills/validate", "drop_after")
    faults.add("GET", "/v1/bills", "timeout_before")  # the lookup also fails: UNVERIFIED, retried
    faults.add("GET", "/v1/bills", "timeout_before")
    faults.add("GET", "/v1/bills", "timeout_before")
    faults.add("GET", "/v1/bills", "timeout_before")
    faults.add("GET", "/v1/bills", "timeout_before")
    faults.add("GET", "/v1/bills", "timeout_before")
    with django_capture_on_commit_callbacks(execute=True):
        bulk_item_run(item_id=run.items.get().pk, attempt=1)
    item = run.items.get()
    bulk_item_run(item_id=item.pk, attempt=item.attempt)
    invoice.refresh_from_db()
    assert (invoice.status, len(bills(factus_settings))) == (Invoice.Status.VALIDATED, 1)


@pytest.fixture
def issuer(client, staff):
    """Reads invoices (role "Consulta") and may issue them: the progress page is read with view_invoice."""
    give_role(staff, READ_ONLY)
    staff.user_permissions.add(Permission.objects.get(codename="issue_invoice"))
    client.force_login(staff)
    return client


def test_issuing_needs_the_permission(client, staff, make_invoice):
    client.force_login(staff)
    response = client.post(reverse("invoicing:invoice_bulk_issue"), {"ids": [make_invoice().pk]})
    assert response.status_code == 403


def test_the_list_button_leads_to_the_progress_page(issuer, make_invoice):
    response = issuer.post(reverse("invoicing:invoice_bulk_issue"), {"ids": [make_invoice().pk]})
    run = BulkItem.objects.get().run
    assert response.url == reverse("invoicing:bulk_run_detail", args=[run.pk])


def test_issue_all_filtered_drafts(issuer, make_invoice):
    drafts = [make_invoice() for _ in range(2)]
    Invoice.objects.filter(pk=drafts[0].pk).update(status=Invoice.Status.VALIDATED)
    issuer.post(reverse("invoicing:invoice_bulk_issue"), {"scope": "filtered", "query": ""})
    assert list(BulkItem.objects.values_list("invoice_id", flat=True)) == [drafts[1].pk]


def test_the_list_ticks_a_draft_by_its_plain_id_past_999(issuer):
    InvoiceFactory(id=12345)  # es-CO would render 12.345, which the bulk view cannot read
    response = issuer.get(reverse("invoicing:invoice_list"))
    assert 'name="ids" value="12345"' in response.content.decode()


def test_garbage_ids_are_ignored_not_a_500(issuer):
    response = issuer.post(reverse("invoicing:invoice_bulk_issue"), {"ids": ["x", "-1", "9" * 40]})
    assert response.status_code == 302


def test_progress_page_polls_until_finished(issuer, make_invoice):
    issuer.post(reverse("invoicing:invoice_bulk_issue"), {"ids": [make_invoice().pk]})
    run = BulkItem.objects.get().run
    page = issuer.get(reverse("invoicing:bulk_run_detail", args=[run.pk]), headers={"HX-Request": "true"})
    assert b'hx-trigger="every 2s"' in page.content


def test_progress_page_lists_what_needs_a_person(issuer, make_invoice):
    invoice = make_invoice()
    issuer.post(reverse("invoicing:invoice_bulk_issue"), {"ids": [invoice.pk]})
    BulkItem.objects.update(state="done", outcome="rejected", message="La DIAN rechazó la factura.")
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.REJECTED)
    page = issuer.get(reverse("invoicing:bulk_run_detail", args=[BulkItem.objects.get().run_id]))
    assert "Requieren atención (1)" in page.content.decode()


def test_a_pending_bill_does_not_block_the_rest_of_the_run(
    make_invoice, staff, factus_settings, django_capture_on_commit_callbacks
):
    """Factus refuses new bills while one of ours is pending: that one is asked for again."""
    pending, blocked = make_invoice(identification="3333333333"), make_invoice()
    run = issue([pending.pk, blocked.pk], staff, django_capture_on_commit_callbacks).run
    with django_capture_on_commit_callbacks(execute=True):
        for item in run.items.order_by("invoice_id"):
            bulk_item_run(item_id=item.pk, attempt=1)
    item = run.items.get(invoice=blocked)
    bulk_item_run(item_id=item.pk, attempt=item.attempt)
    blocked.refresh_from_db()
    assert blocked.status == Invoice.Status.VALIDATED


def test_progress_counts_each_invoice_as_it_is_now(issuer, make_invoice):
    """A bill left pending by the run and validated since is counted as validated."""
    invoice = make_invoice()
    issuer.post(reverse("invoicing:invoice_bulk_issue"), {"ids": [invoice.pk]})
    BulkItem.objects.update(state="done", outcome="pending")
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.VALIDATED)
    page = issuer.get(reverse("invoicing:bulk_run_detail", args=[BulkItem.objects.get().run_id]))
    assert 'data-outcome="validated"' in page.content.decode()


def test_nothing_ticked_is_said_not_a_run(issuer):
    response = issuer.post(reverse("invoicing:invoice_bulk_issue"), {"scope": "selected"}, follow=True)
    assert "No hay borradores seleccionados" in response.content.decode()


def test_the_progress_page_of_an_unknown_run_is_a_404(issuer):
    assert issuer.get(reverse("invoicing:bulk_run_detail", args=[999999])).status_code == 404


def test_issuing_is_a_post(issuer):
    assert issuer.get(reverse("invoicing:invoice_bulk_issue")).status_code == 405


def press_in_two_tabs_at_once(ids, user) -> list[Exception]:
    import threading

    start, errors = threading.Barrier(2), []

    def press():
        start.wait()
        try:
            bulk_issue(invoice_ids=ids, user=user)
        except Exception as error:  # what the tab would have shown as a 500
            errors.append(error)
        finally:
            connection.close()

    tabs = [threading.Thread(target=press) for _ in range(2)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()
    return errors


@pytest.mark.django_db(transaction=True)
@TWO_WRITERS
def test_two_tabs_at_once_enqueue_each_invoice_once(make_invoice, staff):
    press_in_two_tabs_at_once([make_invoice().pk for _ in range(5)], staff)
    assert BulkItem.objects.count() == 5


@pytest.mark.django_db(transaction=True)
@TWO_WRITERS
def test_two_tabs_at_once_both_get_an_answer(make_invoice, staff):
    assert press_in_two_tabs_at_once([make_invoice().pk for _ in range(5)], staff) == []
