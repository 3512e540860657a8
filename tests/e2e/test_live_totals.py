"""Live totals: typing in any field that moves the totals refreshes them, with no other action.

Each step types into one field and then only reads the page; the expected figures come from
``invoicing.totals`` (the arithmetic the server and Factus use), formatted by ``core.numbers``.
"""

import contextlib
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.numbers import format_money, parse_number
from invoicing.models import Invoice
from invoicing.totals import LineInput, compute_invoice
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory, ProductFactory
from tests.e2e.test_invoicing import pick_customer, pick_product

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue():
    NumberingRangeFactory()
    ProductFactory(code_reference="SILLA-1", name="Silla ergonómica", price="45000.50")
    ProductFactory(code_reference="MOUS-1", name="Mouse inalámbrico", price="50000.00")
    return CustomerFactory(names="Andrea Gómez", email="andrea@example.com")


def expect_figures(page, lines):
    """The card and every line total show what invoicing.totals computes for ``lines``."""
    computed = compute_invoice(lines)
    expect(page.locator("#invoice-total")).to_have_text(format_money(computed.total))
    expect(page.locator("[data-total='gross']")).to_have_text(format_money(computed.gross_value))
    expect(page.locator("[data-total='tax']")).to_have_text(format_money(computed.tax_amount))
    for index, line in enumerate(computed.lines):
        expect(page.locator(f"#items-{index}-line-total")).to_have_text(format_money(line.total))
    for code, value in computed.withholdings.items():
        expect(page.locator(f"[data-total='withholding-{code}']")).to_have_text(format_money(value))
    return computed


def test_every_field_that_moves_the_totals_refreshes_them_and_emitir_bills_what_was_shown(
    logged_in_page, live_server, emulator, catalogue
):
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/nueva/")
    pick_customer(page, "Andrea")
    pick_product(page, 1, "Silla")
    price = page.get_by_label("Precio unitario (IVA incluido), línea 1")
    expect(price).to_have_value("45.000,50")  # the picker's JSON "45000.50", shown es-CO
    line = LineInput(quantity=1, price=Decimal("45000.50"), discount_rate=Decimal(0), tax_rate=Decimal(19))
    expect_figures(page, [line])

    page.get_by_label("Cantidad, línea 1").fill("3")
    line = replace(line, quantity=3)
    expect_figures(page, [line])

    price.fill("1.234.567,89")
    line = replace(line, price=Decimal("1234567.89"))
    expect_figures(page, [line])

    page.get_by_label("Descuento (%), línea 1").fill("12,5")
    line = replace(line, discount_rate=Decimal("12.5"))
    expect_figures(page, [line])

    page.get_by_label("IVA (%), línea 1").fill("5")
    line = replace(line, tax_rate=Decimal(5))
    expect_figures(page, [line])

    page.locator("#id_items-0-is_excluded").check()  # the page sets IVA to 0 for an excluded item
    expect(page.get_by_label("IVA (%), línea 1")).to_have_value("0")
    expect_figures(page, [replace(line, tax_rate=Decimal(0), is_excluded=True)])
    page.locator("#id_items-0-is_excluded").uncheck()
    page.get_by_label("IVA (%), línea 1").fill("19")
    line = replace(line, tax_rate=Decimal(19))
    expect_figures(page, [line])

    withholdings = []
    for code, rate in (("05", "15"), ("06", "2,5"), ("07", "0,97")):
        page.locator(f"#id_items-0-withholding_{code}").fill(rate)
        withholdings.append((code, parse_number(rate)))
        line = replace(line, withholdings=tuple(withholdings))
        expect_figures(page, [line])

    page.get_by_role("button", name="+ Agregar ítem").click()
    expect(page.get_by_text("No suma la línea 2: faltan datos o hay un valor no válido.")).to_be_visible()
    expect(page.locator("#items-1-line-total")).to_have_text("—")
    pick_product(page, 2, "Mouse")
    mouse = LineInput(quantity=1, price=Decimal("50000.00"), discount_rate=Decimal(0), tax_rate=Decimal(19))
    expect_figures(page, [line, mouse])

    page.get_by_role("button", name="Quitar línea 1").click()
    shown = expect_figures(page, [mouse]).total
    on_screen = page.locator("#invoice-total").inner_text()

    page.get_by_role("button", name="Emitir").click()
    expect(page.get_by_role("alert").filter(has_text="validada por la DIAN")).to_be_visible()
    invoice = Invoice.objects.get()
    assert (invoice.total, format_money(invoice.total)) == (shown, on_screen)


def test_emitir_right_after_typing_bills_only_figures_the_page_has_shown(
    logged_in_page, live_server, emulator, catalogue
):
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/nueva/")
    pick_customer(page, "Andrea")
    pick_product(page, 1, "Mouse")
    expect(page.locator("#invoice-total")).to_have_text("$ 50.000,00")
    page.get_by_label("Cantidad, línea 1").fill("2")
    page.get_by_role("button", name="Emitir").click()  # before the 400 ms debounce has run
    expect(page.get_by_role("alert").filter(has_text=re.compile("totales cambiaron"))).to_be_visible()
    expect(page.locator("#invoice-total")).to_have_text("$ 100.000,00")
    assert not Invoice.objects.exists()
    page.get_by_role("button", name="Emitir").click()
    expect(page.get_by_role("alert").filter(has_text="validada por la DIAN")).to_be_visible()
    assert Invoice.objects.get().total == Decimal("100000.00")


def test_an_older_answer_never_overwrites_a_newer_one(logged_in_page, live_server, emulator, catalogue):
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/nueva/")
    pick_customer(page, "Andrea")
    pick_product(page, 1, "Mouse")
    total = page.locator("#invoice-total")
    expect(total).to_have_text("$ 50.000,00")
    held = []

    def hold_quantity_two(route):
        if "items-0-quantity=2&" in (route.request.post_data or ""):
            held.append(route)  # answered only after the newer request has been answered
        else:
            route.continue_()

    page.route("**/facturas/totales/", hold_quantity_two)
    quantity = page.get_by_label("Cantidad, línea 1")
    quantity.fill("2")
    page.wait_for_event("request", lambda r: "totales" in r.url)
    quantity.fill("3")
    expect(total).to_have_text("$ 150.000,00")
    assert len(held) == 1
    with contextlib.suppress(Exception):  # the browser already aborted it: that is the point
        held[0].continue_()
    page.wait_for_timeout(1000)
    expect(total).to_have_text("$ 150.000,00")
    expect(page.locator("#items-0-line-total")).to_have_text("$ 150.000,00")


def test_a_double_click_on_emitir_after_typing_issues_the_shown_figures_once(
    logged_in_page, live_server, emulator, catalogue
):
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/nueva/")
    pick_customer(page, "Andrea")
    pick_product(page, 1, "Mouse")
    page.get_by_label("Cantidad, línea 1").fill("2")
    expect(page.locator("#invoice-total")).to_have_text("$ 100.000,00")
    # Still in the field: the click blurs it (a "change"), then the second click of the pair
    # arrives while the first one's totals check is in flight and replaces that request.
    page.get_by_role("button", name="Emitir").dblclick()
    expect(page.get_by_role("alert").filter(has_text="validada por la DIAN")).to_be_visible()
    assert Invoice.objects.get().total == Decimal("100000.00")
