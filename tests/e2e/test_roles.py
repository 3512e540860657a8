"""Browser check of the role "Consulta": it reads invoices, sees no button that changes anything,
and a POST forced from the page is refused with the Spanish 403 page."""

import pytest
from playwright.sync_api import expect

from core.roles import READ_ONLY
from invoicing.models import Invoice
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory
from tests.conftest import give_role
from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db(transaction=True)

FORCE_POST = """(action) => {
    const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    const form = document.createElement("form");
    form.method = "post";
    form.action = action;
    const field = document.createElement("input");
    field.type = "hidden";
    field.name = "csrfmiddlewaretoken";
    field.value = token;
    form.appendChild(field);
    document.body.appendChild(form);
    form.submit();
}"""


@pytest.fixture
def reader_page(page, live_server, django_user_model):
    user = give_role(
        django_user_model.objects.create_user(username="lectora", password="clave-lectora-123"), READ_ONLY
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nombre de usuario").fill(user.username)
    page.get_by_label("Contraseña").fill("clave-lectora-123")
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


@pytest.fixture
def invoices():
    numbering = NumberingRangeFactory()
    draft = InvoiceFactory(customer=CustomerFactory(names="Ana Gómez"), numbering_range=numbering)
    InvoiceItemFactory(invoice=draft, position=0)
    rejected = InvoiceFactory(
        customer=CustomerFactory(names="Bruno Díaz"),
        numbering_range=numbering,
        number="SETP990000002",
        status=Invoice.Status.REJECTED,
    )
    InvoiceItemFactory(invoice=rejected, position=0)
    return draft, rejected


def test_consulta_sees_the_invoices_but_no_new_invoice_button(reader_page, live_server, invoices):
    page = reader_page
    page.goto(f"{live_server.url}/facturas/")
    expect(page.get_by_role("link", name="SETP990000002")).to_be_visible()
    expect(page.get_by_role("link", name="Nueva factura")).to_have_count(0)
    expect(page.get_by_role("button", name="Importar desde Factus")).to_have_count(0)


def test_consulta_sees_a_draft_without_emitir_editar_or_duplicar(reader_page, live_server, invoices):
    draft, _ = invoices
    page = reader_page
    page.goto(f"{live_server.url}/facturas/{draft.pk}/")
    expect(page.get_by_role("heading", name="Factura sin número")).to_be_visible()
    actions = page.locator(".actions")
    expect(actions.get_by_role("button")).to_have_count(0)  # no Emitir, no Duplicar
    expect(actions.get_by_role("link", name="Editar")).to_have_count(0)


def test_consulta_sees_a_rejected_invoice_without_delete_buttons(reader_page, live_server, invoices):
    _, rejected = invoices
    page = reader_page
    page.goto(f"{live_server.url}/facturas/{rejected.pk}/")
    expect(page.get_by_role("heading", name="Rechazo de la DIAN")).to_be_visible()
    expect(page.get_by_text("Eliminar en Factus")).to_have_count(0)


def test_a_forced_emitir_post_gets_the_spanish_403_and_changes_nothing(reader_page, live_server, invoices):
    draft, _ = invoices
    page = reader_page
    page.goto(f"{live_server.url}/facturas/{draft.pk}/")
    with page.expect_navigation():
        page.evaluate(FORCE_POST, f"/facturas/{draft.pk}/emitir/")
    expect(page.get_by_role("heading", name="No tiene permiso para esta acción")).to_be_visible()
    assert Invoice.objects.get(pk=draft.pk).status == Invoice.Status.DRAFT


def test_a_forced_delete_post_gets_the_spanish_403(reader_page, live_server, invoices):
    _, rejected = invoices
    page = reader_page
    page.goto(f"{live_server.url}/facturas/{rejected.pk}/")
    with page.expect_navigation():
        page.evaluate(FORCE_POST, f"/facturas/{rejected.pk}/eliminar/")
    expect(page.get_by_text("Su rol no le permite ver esta página o realizar esta acción")).to_be_visible()
