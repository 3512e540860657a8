"""Browser flow: create a customer prefilled from the DIAN lookup, then a product."""

import re

import pytest
from playwright.sync_api import expect

from catalog.models import Customer, Product

pytestmark = pytest.mark.django_db(transaction=True)


def test_create_customer_with_dian_lookup_and_a_product(logged_in_page, live_server, emulator):
    page = logged_in_page
    nav = page.get_by_role("navigation", name="Navegación principal")
    nav.get_by_role("link", name="Clientes").click()
    page.get_by_role("link", name="Nuevo cliente").click()
    page.get_by_label("Tipo de documento").select_option(label="Cédula de ciudadanía")
    page.get_by_label("Número de identificación").fill("1399995")
    page.get_by_role("button", name="Buscar en la DIAN").click()
    expect(page.get_by_role("status")).to_contain_text("Datos encontrados en la DIAN")
    expect(page.get_by_label("Nombres y apellidos")).to_have_value("Nombre Cédula de ciudadanía 5")
    # The DIAN test identity's e-mail has spaces and accents: not copied, the user is told so.
    expect(page.get_by_role("status")).to_contain_text("El correo registrado no es válido")
    page.get_by_label("Correo electrónico").fill("cliente5@example.com")
    expect(page.get_by_label("Tipo de organización")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Tributo").select_option(label="No aplica")
    page.get_by_label("Municipio").fill("san gil")
    page.get_by_role("option", name=re.compile("San Gil")).click()
    expect(page.get_by_label("Municipio")).to_have_value("San Gil (Santander)")
    page.get_by_role("button", name="Guardar cliente").click()
    expect(page.get_by_text("Cliente «Nombre Cédula de ciudadanía 5» guardado.")).to_be_visible()
    customer = Customer.objects.get(identification="1399995")
    assert customer.municipality.code == "68679" and customer.dv is None

    nav.get_by_role("link", name="Productos").click()
    page.get_by_role("link", name="Nuevo producto").click()
    page.get_by_label("Código*", exact=True).fill("ASES-01")
    page.get_by_label("Nombre*", exact=True).fill("Asesoría contable")
    page.get_by_label("Precio (IVA incluido)").fill("1500000,00")
    # 1,093 units: a search picker, not a <select>; arrow keys and Enter choose like the invoice form.
    page.get_by_label("Unidad de medida").fill("unidad")
    expect(page.get_by_role("option").first).to_have_text("unidad (94)")
    page.get_by_label("Unidad de medida").press("ArrowDown")
    page.get_by_label("Unidad de medida").press("Enter")
    expect(page.get_by_label("Unidad de medida")).to_have_value("unidad (94)")
    page.get_by_label("Estándar de código").select_option(label="Estándar de adopción del contribuyente")
    page.get_by_label("Tributo").select_option(label="01 IVA")
    page.get_by_label("Retención 06 ReteRenta (%)").fill("7")
    page.get_by_role("button", name="Guardar producto").click()
    expect(page.get_by_text("Producto «Asesoría contable» guardado.")).to_be_visible()
    expect(page.get_by_role("cell", name="$ 1.500.000,00")).to_be_visible()
    product = Product.objects.get(code_reference="ASES-01")
    assert [(w.code, str(w.rate)) for w in product.withholdings.all()] == [("06", "7.00")]
    assert str(product.unit) == "unidad (94)"


def test_dian_lookup_of_a_nit_fills_its_dv(logged_in_page, live_server, emulator):
    page = logged_in_page
    page.goto(f"{live_server.url}/catalogo/clientes/nuevo/")
    page.get_by_label("Tipo de documento").select_option(label="NIT")
    page.get_by_label("Número de identificación").fill("3.199.991")
    page.get_by_role("button", name="Buscar en la DIAN").click()
    expect(page.get_by_role("status")).to_contain_text("Datos encontrados en la DIAN")
    expect(page.get_by_label("DV")).to_have_value("1")
    expect(page.get_by_label("Número de identificación")).to_have_value("3199991")
