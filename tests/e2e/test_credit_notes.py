"""Browser flows of the credit-note pages: Chromium + live_server + the emulator over HTTP."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from invoicing import services
from invoicing.models import CreditNote, Invoice
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory, ProductFactory
from tests.e2e.test_invoicing import pick_customer, pick_product
from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ranges():
    """The emulator's SETP bill range (8) and NC credit-note range (9)."""
    NumberingRangeFactory()
    NumberingRangeFactory(
        factus_id=9,
        document="22",
        document_name="Nota Crédito",
        prefix="NC",
        from_number=1,
        to_number=16000000,
        current=1,
        resolution_number="",
        technical_key="",
    )


@pytest.fixture
def issuer(staff_user):
    for codename in ("delete_at_factus",):  # Facturación makes and issues notes; deleting is Administración's
        staff_user.user_permissions.add(Permission.objects.get(codename=codename))
    return staff_user


def validated_invoice(user, *lines) -> Invoice:
    """An invoice issued at the emulator: one line per (quantity, price), 19 % IVA, no discount."""
    invoice = InvoiceFactory(customer=CustomerFactory(names="Andrea Gómez"), created_by=user)
    for position, (quantity, price) in enumerate(lines):
        InvoiceItemFactory(
            invoice=invoice,
            position=position,
            name=f"Producto {position + 1}",
            quantity=quantity,
            price=Decimal(price),
        )
    services.invoice_refresh_estimated_total(invoice_id=invoice.pk)
    result = services.invoice_submit(invoice_id=invoice.pk, user=user)
    assert result.outcome == "validated"
    invoice.refresh_from_db()
    return invoice


def test_issue_an_invoice_void_it_and_see_anulada_on_the_list_and_the_detail(
    logged_in_page, live_server, emulator, ranges, issuer
):
    ProductFactory(code_reference="MOUS-1", name="Mouse inalámbrico", price="50000.00")
    CustomerFactory(names="Andrea Gómez", email="andrea@example.com")
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/nueva/")
    pick_customer(page, "Andrea")
    pick_product(page, 1, "Mouse")
    page.get_by_label("Cantidad, línea 1").fill("2")
    expect(page.locator("#invoice-total")).to_have_text("$ 100.000,00")
    page.get_by_role("button", name="Emitir").click()
    expect(page.get_by_role("alert").filter(has_text="validada por la DIAN")).to_be_visible()
    invoice = Invoice.objects.get()

    page.get_by_role("link", name="Anular factura").click()
    expect(page.locator("#void-total")).to_have_text("$ 100.000,00")
    page.get_by_label("Observación").fill("Venta cancelada por el cliente")
    page.get_by_role("button", name="Emitir nota crédito").click()
    expect(page.get_by_role("alert").filter(has_text=re.compile("validada", re.I))).to_be_visible()
    note = CreditNote.objects.get()
    assert note.status == CreditNote.Status.VALIDATED
    expect(page.locator("[data-cude]")).to_have_text(note.cude)
    expect(page.locator("#credit-note-total")).to_have_text("$ 100.000,00")

    page.locator("[data-corrected-invoice]").click()
    expect(page.locator("[data-voided]")).to_have_text("Anulada")
    expect(page.locator("[data-balance]")).to_have_text("$ 0,00")
    expect(page.get_by_role("link", name="Anular factura")).to_have_count(0)
    expect(page.get_by_role("link", name="Nota crédito parcial")).to_have_count(0)
    expect(page.locator(f"[data-credit-note='{note.pk}']")).to_contain_text(note.number)

    page.get_by_label("Navegación principal").get_by_role("link", name="Facturas").click()
    page.get_by_label("Notas crédito").select_option("voided")
    page.get_by_role("button", name="Filtrar").click()
    row = page.get_by_role("row", name=re.compile(invoice.number))
    expect(row.get_by_text("Anulada")).to_be_visible()

    page.get_by_label("Navegación principal").get_by_role("link", name="Notas crédito").click()
    expect(page.get_by_role("row", name=re.compile(note.number))).to_contain_text(invoice.number)


def test_a_partial_note_of_one_line_leaves_the_right_balance(
    logged_in_page, live_server, emulator, ranges, issuer
):
    invoice = validated_invoice(issuer, (2, "50000.00"), (1, "119000.00"))
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/{invoice.pk}/")
    expect(page.locator("[data-balance]")).to_have_text("$ 219.000,00")
    page.get_by_role("link", name="Nota crédito parcial").click()
    page.get_by_label("Cantidad, línea 1").fill("1")
    expect(page.locator("#credit-note-total")).to_have_text("$ 50.000,00")
    expect(page.locator("#lines-0-line-total")).to_have_text("$ 50.000,00")
    expect(page.locator("#lines-1-line-total")).to_have_text("—")
    page.get_by_role("button", name="Emitir nota crédito").click()
    expect(page.get_by_role("alert").filter(has_text=re.compile("validada", re.I))).to_be_visible()

    page.locator("[data-corrected-invoice]").click()
    expect(page.locator("[data-credited]")).to_have_text("$ 50.000,00")
    expect(page.locator("[data-balance]")).to_have_text("$ 169.000,00")
    expect(page.locator("[data-voided]")).to_have_count(0)
    page.get_by_role("link", name="Nota crédito parcial").click()
    expect(page.locator("#lines-0-row [data-left]")).to_contain_text("1 de 2")


def test_an_over_credit_is_refused_next_to_the_line(logged_in_page, live_server, emulator, ranges, issuer):
    invoice = validated_invoice(issuer, (2, "50000.00"))
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/{invoice.pk}/notas-credito/nueva/")
    page.get_by_label("Cantidad, línea 1").fill("3")
    feedback = page.locator("#lines-0-feedback")
    expect(feedback).to_contain_text(re.compile(r"\S"))
    expect(page.locator("#credit-note-total")).to_have_text("—")
    page.get_by_role("button", name="Emitir nota crédito").click()
    expect(page.locator("#id_lines-0-quantity_error")).to_be_visible()
    expect(page.get_by_label("Cantidad, línea 1")).to_have_value("3")
    assert not CreditNote.objects.exists()
    assert emulator.snapshot()["credit_notes"] == []


def test_a_dian_rejected_note_is_deleted_at_factus_corrected_and_issued(
    logged_in_page, live_server, emulator, ranges, issuer
):
    invoice = validated_invoice(issuer, (2, "50000.00"))
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/{invoice.pk}/notas-credito/nueva/")
    page.get_by_label("Cantidad, línea 1").fill("1")
    page.get_by_label("Observación").fill("emulator:rechazo")  # the emulator's DIAN-rejection knob
    expect(page.locator("#credit-note-total")).to_have_text("$ 50.000,00")
    page.get_by_role("button", name="Emitir nota crédito").click()
    expect(page.get_by_role("heading", name="Rechazo de la DIAN")).to_be_visible()
    expect(page.locator("[data-kind='rejection']").first).to_contain_text("Rechazo")

    page.get_by_role("button", name="Eliminar en Factus y corregir").click()
    expect(page.get_by_role("heading", name=re.compile("Corregir la nota crédito"))).to_be_visible()
    expect(page.get_by_label("Cantidad, línea 1")).to_have_value("1")
    page.get_by_label("Observación").fill("Devolución de una unidad")
    page.get_by_role("button", name="Emitir nota crédito").click()
    expect(page.get_by_role("alert").filter(has_text=re.compile("validada", re.I))).to_be_visible()
    note = CreditNote.objects.get()
    assert note.status == CreditNote.Status.VALIDATED
    assert [n["status"] for n in emulator.snapshot()["credit_notes"]][-1] == 1


def test_emitir_pressed_before_the_total_came_does_not_credit_an_unseen_total(
    logged_in_page, live_server, emulator, ranges, issuer
):
    invoice = validated_invoice(issuer, (2, "50000.00"))
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/{invoice.pk}/notas-credito/nueva/")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Cantidad, línea 1").fill("1")
    page.get_by_role("button", name="Emitir nota crédito").click()  # before the 400 ms debounce
    expect(page.locator("#totals-notice")).to_contain_text("El total cambió mientras escribía")
    expect(page.locator("#credit-note-total")).to_have_text("$ 50.000,00")
    assert not CreditNote.objects.exists()
    page.get_by_role("button", name="Emitir nota crédito").click()
    expect(page.get_by_role("alert").filter(has_text=re.compile("validada", re.I))).to_be_visible()
    assert CreditNote.objects.get().total == Decimal("50000.00")
