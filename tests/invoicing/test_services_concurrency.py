"""Two tabs (or a double click) submitting the same invoice make ONE bill (PostgreSQL row locks)."""

import threading

import pytest
import responses
from django.db import connection, connections

from factus_emulator.testing import register
from invoicing.models import Invoice
from invoicing.services import invoice_submit
from tests.invoicing.conftest import BASE, bills, make_client

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
