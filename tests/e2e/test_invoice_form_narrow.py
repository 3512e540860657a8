"""The invoice form on a 390 px wide phone: the items table scrolls inside its card, the page does not."""

import pytest

from tests.catalog.factories import NumberingRangeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


def test_the_new_invoice_page_does_not_scroll_sideways(logged_in_page, live_server):
    NumberingRangeFactory()
    page = logged_in_page
    page.goto(f"{live_server.url}/facturas/nueva/")
    # The screen-reader labels of the item cells are absolutely positioned: they must be placed
    # inside the table's own scroll box, not stretch the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
