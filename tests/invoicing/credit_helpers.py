"""Helpers of the credit-note tests (their fixtures, ``live`` and ``note_range``, are in conftest.py)."""

from decimal import Decimal

from invoicing.models import Invoice
from invoicing.services import invoice_submit
from tests.invoicing.factories import CustomerFactory, InvoiceFactory, InvoiceItemFactory


def validated_invoice(client, user, lines=((2, "50000.00", "0"), (1, "119000.00", "10"))) -> Invoice:
    """An invoice validated by the emulator; ``lines``: (quantity, price, discount %)."""
    invoice = InvoiceFactory(customer=CustomerFactory())
    for position, (quantity, price, discount) in enumerate(lines):
        InvoiceItemFactory(
            invoice=invoice,
            position=position,
            quantity=quantity,
            price=Decimal(price),
            discount_rate=discount,
        )
    result = invoice_submit(invoice_id=invoice.pk, user=user, client=client)
    assert result.outcome == "validated", result.message
    return Invoice.objects.get(pk=invoice.pk)


def credit_notes(sandbox) -> list[dict]:
    return sandbox.snapshot()["credit_notes"]
