"""Browser check of bulk issuing: tick drafts in the list, one press, the progress page updates itself."""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from invoicing.models import BulkItem
from invoicing.services.bulk import bulk_item_run
from tests.catalog.factories import CustomerFactory
from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


def draft(name: str, pk: int):
    """Ids past 999, as in a long-lived database (and in a full test run): es-CO must not group them."""
    invoice = InvoiceFactory(id=pk, customer=CustomerFactory(names=name))
    InvoiceItemFactory(invoice=invoice, price="119000.00")
    return invoice


def test_ticked_drafts_issue_and_the_progress_page_follows(logged_in_page, live_server, staff_user, emulator):
    staff_user.user_permissions.add(Permission.objects.get(codename="issue_invoice"))
    first, second, left = draft("Ana Gómez", 91001), draft("Bruno Díaz", 91002), draft("Carla Ruiz", 91003)
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/")
    page.get_by_label(f"Seleccionar {first.reference_code}").check()
    page.get_by_label(f"Seleccionar {second.reference_code}").check()
    page.get_by_role("button", name="Emitir seleccionadas").click()
    expect(page.get_by_role("heading", name="Emisión masiva")).to_be_visible()
    expect(page.get_by_text("0 de 2 terminadas")).to_be_visible()
    for item in BulkItem.objects.all():  # what a db_worker does
        bulk_item_run(item_id=item.pk, attempt=item.attempt)
    expect(page.get_by_text("Terminada: 2 de 2 facturas.")).to_be_visible(timeout=10000)  # htmx polling
    assert not BulkItem.objects.filter(invoice=left).exists()
