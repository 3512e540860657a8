"""Two tabs (or a double click) submitting the same invoice make ONE bill (PostgreSQL row locks), and two
identical POSTs of the new-invoice form at once make ONE invoice (its one-time token, a unique index)."""

import threading
import uuid

import pytest
import responses
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from factus_emulator.testing import register
from invoicing.models import Invoice
from invoicing.services import invoice_submit
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory
from tests.invoicing.conftest import BASE, bills, make_client
from tests.invoicing.test_views import BASE as VIEWS_BASE
from tests.invoicing.test_views import form_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_double_submit_from_two_threads_makes_one_bill(make_invoice, staff, sandbox):
    invoice = make_invoice()
    sandbox.configure(latency_ms=300)  # the first send is still in flight when the second arrives
    results, start = [], threading.Barrier(2)

    def click():
        try:
            start.wait()
            results.append(invoice_submit(invoice_id=invoice.pk, user=staff, client=client))
        finally:
            connections.close_all()

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, sandbox, BASE)
        client = make_client(BASE)
        client.token_manager.get_token()
        threads = [threading.Thread(target=click) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)

    assert sorted(r.outcome for r in results) == ["busy", "validated"]
    assert len(bills(sandbox)) == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VALIDATED and invoice.events.count() == 1


def test_two_identical_issue_posts_at_once_make_one_invoice_and_one_bill(user, sandbox, settings):
    cache.clear()
    settings.FACTUS_BASE_URL = VIEWS_BASE
    sandbox.configure(latency_ms=200)
    data = form_data(CustomerFactory(), NumberingRangeFactory(), action="issue", form_token=str(uuid.uuid4()))
    codes, start = [], threading.Barrier(2)

    def post():
        try:
            browser = Client()
            browser.force_login(user)
            start.wait()
            codes.append(browser.post(reverse("invoicing:invoice_create"), data).status_code)
        finally:
            connections.close_all()

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, sandbox, VIEWS_BASE)
        threads = [threading.Thread(target=post) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    assert codes == [302, 302]
    assert Invoice.objects.count() == 1
    assert len(sandbox.snapshot()["bills"]) == 1
