"""Pages with wide tables on a 390 px wide phone: the tables scroll inside their box, the page does not."""

import pytest

from invoicing.models import Invoice
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory, ProductFactory
from tests.invoicing.factories import InvoiceFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


@pytest.mark.parametrize(
    "path", ["/facturas/nueva/", "/catalogo/productos/", "/catalogo/clientes/", "/facturas/{invoice}/"]
)
def test_the_page_does_not_scroll_sideways(logged_in_page, live_server, path):
    numbering = NumberingRangeFactory()
    ProductFactory()
    invoice = InvoiceFactory(
        customer=CustomerFactory(), numbering_range=numbering, status=Invoice.Status.DRAFT
    )
    page = logged_in_page
    page.goto(live_server.url + path.format(invoice=invoice.pk))
    # The screen-reader labels of table cells are absolutely positioned: they must be placed
    # inside the table's own scroll box, not stretch the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
