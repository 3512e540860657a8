"""Browser flows of the invoice pages: Chromium + live_server + the emulator over HTTP."""

import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from catalog.models import MeasurementUnit
from invoicing.models import Invoice
from tests.catalog.factories import (
    CustomerFactory,
    NumberingRangeFactory,
    ProductFactory,
    ProductWithholdingFactory,
)
from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue():
    NumberingRangeFactory()
    laptop = ProductFactory(code_reference="PORT-1", name="Portátil", price="1500000.00")
    ProductWithholdingFactory(product=laptop, code="06", rate="7.00")
    ProductFactory(code_reference="MOUS-1", name="Mouse inalámbrico", price="50000.00")
    return CustomerFactory(names="Andrea Gómez", email="andrea@example.com")


def pick_customer(page, text):
    # SQLite's in-memory test database is one shared connection: let the totals request finish first.
    page.wait_for_load_state("networkidle")
    page.get_by_label("Cliente", exact=True).fill(text)
    page.get_by_role("option", name=re.compile(text)).first.click()


def pick_product(page, line, text):
    page.get_by_label(f"Buscar producto, línea {line}").fill(text)
    page.get_by_role("option", name=re.compile(text)).first.click()


def test_create_two_lines_remove_one_issue_and_use_the_validated_invoice(
    logged_in_page, live_server, emulator, catalogue
):
    page = logged_in_page
    page.get_by_label("Navegación principal").get_by_role("link", name="Facturas").click()
    expect(page.get_by_text("Aún no hay facturas.")).to_be_visible()
    page.get_by_role("link", name="Nueva factura").click()
    pick_customer(page, "Andrea")
    pick_product(page, 1, "Portátil")
    expect(page.get_by_label("Precio unitario (IVA incluido), línea 1")).to_have_value("1.500.000,00")
    page.get_by_label("Descuento (%), línea 1").fill("11")
    page.get_by_role("button", name="+ Agregar ítem").click()
    pick_product(page, 2, "Mouse")
    total = page.locator("#invoice-total")
    expect(total).to_have_text("$ 1.385.000,00")
    expect(page.locator("#items-1-line-total")).to_have_text("$ 50.000,00")
    page.get_by_role("button", name="Quitar línea 2").click()
    expect(total).to_have_text("$ 1.335.000,00")
    expect(page.get_by_text("ReteRenta (informativa)")).to_be_visible()

    page.get_by_role("button", name="Emitir").click()
    expect(page.get_by_role("alert").filter(has_text="validada por la DIAN")).to_be_visible()
    invoice = Invoice.objects.get()
    assert invoice.status == Invoice.Status.VALIDATED and invoice.items.count() == 1

    page.get_by_label("Navegación principal").get_by_role("link", name="Facturas").click()
    row = page.get_by_role("row", name=re.compile(invoice.number))
    expect(row.get_by_text("Validada")).to_be_visible()
    expect(row.get_by_text("$ 1.335.000,00")).to_be_visible()
    row.get_by_role("link", name=invoice.number).click()

    expect(page.get_by_text(invoice.cufe)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Código QR"))).to_be_visible()
    page.get_by_role("button", name="Ver PDF").click()
    frame = page.locator("iframe.pdf-frame")
    expect(frame).to_have_attribute("src", f"/facturas/{invoice.pk}/pdf/")
    pdf = page.request.get(f"{live_server.url}/facturas/{invoice.pk}/pdf/")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar XML").click()
    assert download.value.suggested_filename.endswith(".xml")

    page.get_by_label("Enviar a").fill("contabilidad@example.com")
    page.get_by_role("button", name="Enviar por correo").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert emulator.outbox[-1]["to"] == "contabilidad@example.com"
    expect(page.get_by_text("Enviada por correo a contabilidad@example.com.")).to_be_visible()


def test_rejected_invoice_is_deleted_at_factus_corrected_and_issued(
    logged_in_page, live_server, emulator, catalogue, staff_user
):
    staff_user.user_permissions.add(Permission.objects.get(codename="delete_at_factus"))
    CustomerFactory(names="Rechazado Pérez", identification="1111111111")
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/nueva/")
    pick_customer(page, "Rechazado")
    pick_product(page, 1, "Mouse")
    expect(page.locator("#invoice-total")).to_have_text("$ 50.000,00")
    page.get_by_role("button", name="Emitir").click()
    expect(page.get_by_role("heading", name="Rechazo de la DIAN")).to_be_visible()
    rule = page.locator("[data-kind='rejection']").first
    expect(rule).to_contain_text("Rechazo")
    expect(rule).to_have_class(re.compile("alert-danger"))

    page.get_by_role("button", name="Eliminar en Factus y corregir").click()
    expect(page.get_by_role("heading", name="Editar borrador")).to_be_visible()
    pick_customer(page, "Andrea")
    page.get_by_role("button", name="Emitir").click()
    expect(page.get_by_role("alert").filter(has_text="validada por la DIAN")).to_be_visible()
    assert Invoice.objects.get().status == Invoice.Status.VALIDATED
    assert [b["status"] for b in emulator.snapshot()["bills"]][-1] == 1


def test_factus_field_error_appears_under_the_right_line(logged_in_page, live_server, emulator, catalogue):
    odd = MeasurementUnit.objects.create(factus_id=99999, code="ZZ9", name="Caja rara")
    ProductFactory(code_reference="RARO-1", name="Caja especial", unit=odd)
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/nueva/")
    pick_customer(page, "Andrea")
    pick_product(page, 1, "Mouse")
    page.get_by_role("button", name="+ Agregar ítem").click()
    pick_product(page, 2, "Caja especial")
    expect(page.locator("#invoice-total")).to_have_text("$ 100.000,00")
    page.get_by_role("button", name="Emitir").click()
    error = page.locator("#id_items-1-unit_error")
    expect(error).to_have_text("El campo unidad es inválido.")
    expect(page.get_by_label("Unidad", exact=True).nth(1)).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_items-0-unit_error")).to_have_count(0)


def test_user_without_permission_cannot_delete(logged_in_page, live_server, emulator, catalogue):
    invoice = InvoiceFactory(
        customer=catalogue,
        status=Invoice.Status.REJECTED,
        dian_messages=["Regla: FAK24, Rechazo: DV del NIT no corresponde."],
    )
    InvoiceItemFactory(invoice=invoice, position=0)
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/{invoice.pk}/")
    expect(page.get_by_text("Regla: FAK24")).to_be_visible()
    expect(page.get_by_role("button", name="Eliminar en Factus y corregir")).to_have_count(0)
    expect(page.get_by_role("link", name="Eliminar en Factus")).to_have_count(0)
    response = page.goto(f"{live_server.url}/facturas/{invoice.pk}/eliminar/")
    assert response.status == 403
