"""Browser check of the invoice list's customer filter: a search picker, not a <select> of customers."""

import re

import pytest
from playwright.sync_api import expect

from invoicing.models import Invoice
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory
from tests.invoicing.factories import InvoiceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_filter_the_list_by_a_customer_chosen_in_the_picker(logged_in_page, live_server):
    numbering = NumberingRangeFactory()
    ana = CustomerFactory(names="Ana Gómez", identification="52000111")
    InvoiceFactory(
        customer=ana,
        numbering_range=numbering,
        number="SETP990000001",
        status=Invoice.Status.VALIDATED,
        total=100,
    )
    InvoiceFactory(
        customer=CustomerFactory(names="Bruno Díaz"),
        numbering_range=numbering,
        number="SETP990000002",
        status=Invoice.Status.VALIDATED,
        total=200,
    )
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/")
    expect(page.get_by_role("link", name="SETP990000002")).to_be_visible()
    search = page.get_by_role("search", name="Filtrar facturas")
    # The status and the credit-note state are selects; customers are searched, not listed.
    expect(search.locator("select")).to_have_count(2)
    expect(search.locator("select option", has_text="Ana Gómez")).to_have_count(0)
    expect(search.locator("input[type=hidden][name='customer']")).to_have_value("")

    picker = search.get_by_role("combobox", name="Cliente")
    picker.fill("ana g")
    expect(page.get_by_role("option", name=re.compile("Ana Gómez"))).to_be_visible()
    picker.press("ArrowDown")
    expect(picker).to_have_attribute("aria-activedescendant", re.compile(r"-0$"))
    picker.press("Enter")  # chooses the row: the listbox was open, so the form is not sent
    expect(picker).to_have_value("Ana Gómez · 52000111")
    expect(picker).to_have_attribute("aria-expanded", "false")
    assert page.url.endswith("/facturas/")
    search.get_by_role("button", name="Filtrar").click()

    expect(page).to_have_url(re.compile(rf"customer={ana.pk}"))
    expect(page.get_by_role("link", name="SETP990000001")).to_be_visible()
    expect(page.get_by_role("link", name="SETP990000002")).to_have_count(0)
    picker = page.get_by_role("search", name="Filtrar facturas").get_by_role("combobox", name="Cliente")
    expect(picker).to_have_value("Ana Gómez · 52000111")

    # Clearing the box clears the filter.
    picker.fill("")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.get_by_role("link", name="SETP990000002")).to_be_visible()
    assert f"customer={ana.pk}" not in page.url
