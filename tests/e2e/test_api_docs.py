"""The API's interactive docs render in Chromium from the vendored Swagger UI (no network)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_docs_list_the_endpoints(logged_in_page, live_server):
    page = logged_in_page
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".opblock-summary-path").filter(has_text="/api/v1/invoices").first).to_be_visible()


def test_the_docs_show_no_parser_error(logged_in_page, live_server):
    page = logged_in_page
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.get_by_text("Unable to render this definition")).to_have_count(0)
