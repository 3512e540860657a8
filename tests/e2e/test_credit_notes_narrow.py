"""The credit-note pages on a 390 px wide phone: nothing scrolls the page sideways."""

from decimal import Decimal

import pytest

from invoicing.models import CreditNote, CreditNoteItem, Invoice
from tests.catalog.factories import CustomerFactory
from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db(transaction=True)
LONG_NAME = "Distribuidora Internacional de Suministros Industriales del Magdalena Medio"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


@pytest.fixture
def note(staff_user):
    invoice = InvoiceFactory(
        customer=CustomerFactory(names=LONG_NAME),
        status=Invoice.Status.VALIDATED,
        number="SETP990000001",
        total=Decimal("2469135780.00"),
    )
    item = InvoiceItemFactory(
        invoice=invoice,
        position=0,
        name=f"{LONG_NAME} — servicio",
        quantity=2,
        price=Decimal("1234567890.00"),
    )
    InvoiceItemFactory(invoice=invoice, position=1, quantity=1, price=Decimal("1.00"))
    credit_note = CreditNote.objects.create(
        invoice=invoice,
        number="NC1",
        status=CreditNote.Status.VALIDATED,
        correction_concept="1",
        total=Decimal("1234567890.00"),
        cude="f" * 96,
    )
    CreditNoteItem.objects.create(
        credit_note=credit_note,
        invoice_item=item,
        code_reference=item.code_reference,
        name=item.name,
        quantity=1,
        price=item.price,
        unit=item.unit,
        standard_code=item.standard_code,
        tribute=item.tribute,
    )
    return credit_note


@pytest.mark.parametrize(
    "path",
    [
        "/notas-credito/",
        "/notas-credito/{note}/",
        "/facturas/{invoice}/",
        "/facturas/{invoice}/notas-credito/nueva/",
        "/facturas/{invoice}/notas-credito/anular/",
    ],
)
def test_the_page_does_not_scroll_sideways(logged_in_page, live_server, note, path):
    page = logged_in_page
    response = page.goto(live_server.url + path.format(note=note.pk, invoice=note.invoice_id))
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
