"""Inicio and Informes in a real browser: land on Inicio, click a card, download a report as .xlsx."""

import random
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from core.numbers import format_money
from invoicing.models import DocumentStatus
from tests.catalog.factories import CustomerFactory
from tests.reports.data import grant, make_invoice, make_note

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def books(staff_user):
    grant(staff_user, "view_invoice", "view_reports", "add_invoice")
    rng, now = random.Random(2), timezone.now()
    customer = CustomerFactory(company="Ferretería El Tornillo SAS")
    invoice = make_invoice(rng, customer, at=now)
    note = make_note(invoice, at=now, share=1)
    rejected = make_invoice(rng, customer, at=now, status=DocumentStatus.REJECTED)
    return {"invoice": invoice, "note": note, "rejected": rejected}


def test_login_lands_on_inicio_with_what_was_billed_today(books, logged_in_page):
    expected = format_money(books["invoice"].total - books["note"].total)
    expect(logged_in_page.locator("[data-figure=day-net]")).to_have_text(expected)


def test_the_chart_draws_this_months_net_total_with_the_vendored_chart_js(books, logged_in_page):
    expect(logged_in_page.locator("#months-chart")).to_be_visible()
    drawn = logged_in_page.evaluate("() => Chart.getChart('months-chart').data.datasets[0].data.at(-1)")
    assert Decimal(str(drawn)) == books["invoice"].total - books["note"].total


def test_a_card_click_lands_on_the_filtered_list(books, logged_in_page, live_server):
    logged_in_page.locator("a[data-status=rejected]").click()
    expect(logged_in_page).to_have_url(re.compile(r"/facturas/\?status=rejected$"))
    expect(logged_in_page.locator("tbody tr")).to_have_count(1)


def test_an_iva_report_downloads_as_xlsx_with_numeric_cells(books, logged_in_page, tmp_path):
    page = logged_in_page
    page.get_by_role("link", name="Informes").first.click()
    page.get_by_role("link", name="IVA por tarifa").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Descargar Excel").click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path).active
    header = [cell.value for cell in sheet[2]]
    total = sheet.cell(row=sheet.max_row, column=header.index("IVA facturado") + 1).value
    assert download.suggested_filename.endswith(".xlsx")
    assert Decimal(str(total)).quantize(Decimal("0.01")) == books["invoice"].tax_amount
