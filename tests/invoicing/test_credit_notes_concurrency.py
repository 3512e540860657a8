"""Two partial notes of one invoice sent at the same time that together exceed it: the invoice row
lock of the claim phase makes exactly one of them validated (PostgreSQL, two threads, real locks)."""

import threading

import pytest
from django.db import connection, connections

from invoicing.models import CreditNote
from invoicing.services import CreditLine, credit_note_create_partial, credit_note_submit
from tests.invoicing.credit_helpers import credit_notes, validated_invoice

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _send_together(notes, staff, client):
    results, start = [], threading.Barrier(len(notes))

    def send(note):
        try:
            start.wait()
            results.append(credit_note_submit(credit_note_id=note.pk, user=staff, client=client))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(note,)) for note in notes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return results


def test_two_notes_that_together_exceed_the_invoice_make_exactly_one_validated(
    live, staff, note_range, sandbox
):
    invoice = validated_invoice(live, staff)
    first = invoice.items.order_by("position").first()  # 2 units
    notes = [
        credit_note_create_partial(
            invoice_id=invoice.pk,
            user=staff,
            concept=CreditNote.Concept.PARTIAL_RETURN,
            lines=[CreditLine(first.pk, 2)],
        )
        for _ in range(2)
    ]
    sandbox.configure(latency_ms=200)  # the first is still at Factus when the second is claimed
    live.token_manager.get_token()
    results = _send_together(notes, staff, live)
    assert sorted(r.outcome for r in results) == ["invalid", "validated"]
    assert len(credit_notes(sandbox)) == 1
    assert CreditNote.objects.filter(status=CreditNote.Status.VALIDATED).count() == 1


def test_a_double_click_on_one_note_sends_it_once(live, staff, note_range, sandbox):
    invoice = validated_invoice(live, staff)
    first = invoice.items.order_by("position").first()
    note = credit_note_create_partial(
        invoice_id=invoice.pk,
        user=staff,
        concept=CreditNote.Concept.PARTIAL_RETURN,
        lines=[CreditLine(first.pk, 1)],
    )
    sandbox.configure(latency_ms=200)
    live.token_manager.get_token()
    results = _send_together([note, note], staff, live)
    assert sorted(r.outcome for r in results) == ["busy", "validated"]
    assert len(credit_notes(sandbox)) == 1
