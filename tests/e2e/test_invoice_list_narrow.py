"""The invoice list on a 390 px wide phone: key columns and actions visible, no sideways page scroll."""

import os

import pytest
from playwright.sync_api import expect

from core.roles import ADMINISTRATION
from invoicing.models import Invoice
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory
from tests.conftest import give_role
from tests.invoicing.factories import InvoiceFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


@pytest.fixture
def staff_user(staff_user):
    """Role "Administración": every action of the list is on the page (Importar too)."""
    return give_role(staff_user, ADMINISTRATION)


@pytest.fixture
def invoices():
    numbering = NumberingRangeFactory()
    customer = CustomerFactory(
        names="Distribuidora Internacional de Suministros Industriales del Magdalena Medio"
    )
    for n in range(1, 6):
        InvoiceFactory(
            customer=customer,
            numbering_range=numbering,
            number=f"SETP99000000{n}",
            status=Invoice.Status.VALIDATED,
            total=1234567890 + n,
        )


def inside_the_viewport(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_the_page_does_not_scroll_sideways(logged_in_page, live_server, invoices):
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/")
    if os.environ.get("SCREENSHOT"):  # to look at it: SCREENSHOT=/tmp/list.png pytest this file
        page.screenshot(path=os.environ["SCREENSHOT"], full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize(
    "cell",
    ["link:SETP990000005", "text:$ 1.234.567.895,00", "badge:Validada", "text:Distribuidora Internacional"],
)
def test_number_total_status_and_customer_of_a_row_are_in_view(logged_in_page, live_server, invoices, cell):
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/")
    row = page.get_by_role("row").filter(has_text="SETP990000005")
    kind, text = cell.split(":", 1)
    target = {
        "link": lambda: row.get_by_role("link", name=text),
        "text": lambda: row.get_by_text(text),
        "badge": lambda: row.locator(".badge", has_text=text),
    }[kind]()
    expect(target).to_be_visible()
    assert inside_the_viewport(target)


@pytest.mark.parametrize("button", ["Nueva factura", "Filtrar", "Exportar CSV", "Importar desde Factus"])
def test_the_actions_are_in_view(logged_in_page, live_server, invoices, button):
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/")
    action = page.get_by_role("main").get_by_text(button, exact=True)
    expect(action).to_be_visible()
    assert inside_the_viewport(action)


def test_the_sort_links_stay_available(logged_in_page, live_server, invoices):
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/")
    total = page.get_by_role("columnheader", name="Total").get_by_role("link")
    expect(total).to_be_visible()
    assert inside_the_viewport(total)
