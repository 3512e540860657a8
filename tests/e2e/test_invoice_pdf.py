"""Opening an invoice fetches no PDF; "Ver PDF" loads it without a browser history entry."""

import pytest
from playwright.sync_api import expect

from invoicing.models import Invoice
from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def validated():
    invoice = InvoiceFactory(status=Invoice.Status.VALIDATED, number="SETP990000001", total=59500)
    InvoiceItemFactory(invoice=invoice)
    return invoice


def test_the_pdf_loads_only_when_asked_and_adds_no_history_entry(
    logged_in_page, live_server, emulator, validated
):
    page = logged_in_page
    pdf_path = f"/facturas/{validated.pk}/pdf/"
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if pdf_path in request.url else None)
    page.goto(f"{live_server.url}/facturas/{validated.pk}/")
    page.wait_for_load_state("networkidle")
    assert fetched == []
    expect(page.locator("iframe.pdf-frame")).to_have_count(0)
    history = page.evaluate("history.length")

    page.get_by_role("button", name="Ver PDF").click()
    expect(page.locator("iframe.pdf-frame")).to_have_attribute("src", pdf_path)
    page.wait_for_load_state("networkidle")
    assert len(fetched) == 1
    assert page.evaluate("history.length") == history
