"""The total in words on the invoice page and on its printable view."""

from decimal import Decimal

import pytest

from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory
from tests.reports.data import grant

pytestmark = pytest.mark.django_db
WORDS = "UN MILLÓN TRESCIENTOS TREINTA Y CINCO MIL PESOS M/CTE"


@pytest.fixture
def user_client(user_client, user):
    grant(user, "view_invoice")
    return user_client


@pytest.fixture
def invoice():
    invoice = InvoiceFactory()
    InvoiceItemFactory(invoice=invoice, price=Decimal("1500000"), discount_rate=Decimal("11"))
    return invoice


def test_the_detail_says_the_total_in_words(user_client, invoice):
    assert WORDS in user_client.get(f"/facturas/{invoice.pk}/").content.decode()


def test_the_printable_view_says_the_total_in_words(user_client, invoice):
    assert WORDS in user_client.get(f"/facturas/{invoice.pk}/imprimir/").content.decode()


def test_the_printable_view_says_factus_total_once_validated(user_client, invoice):
    invoice.status, invoice.total = "validated", Decimal("1000000.00")
    invoice.save()
    assert "UN MILLÓN DE PESOS M/CTE" in user_client.get(f"/facturas/{invoice.pk}/imprimir/").content.decode()


def test_the_printable_view_of_a_missing_invoice_is_404(user_client):
    assert user_client.get("/facturas/999999/imprimir/").status_code == 404


def test_the_printable_view_is_get_only(user_client, invoice):
    assert user_client.post(f"/facturas/{invoice.pk}/imprimir/").status_code == 405


def test_the_printable_view_needs_permission_to_see_invoices(client, make_user, invoice):
    client.force_login(make_user("sin-rol"))
    assert client.get(f"/facturas/{invoice.pk}/imprimir/").status_code == 403
