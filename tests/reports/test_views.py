"""Inicio and Informes as a user sees them: permissions, filters, CSV and Excel downloads."""

import io
import random
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.catalog.factories import CustomerFactory
from tests.reports.data import grant, local, make_invoice, make_note

pytestmark = pytest.mark.django_db
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


@pytest.fixture
def sold():
    rng = random.Random(11)
    customer = CustomerFactory(company="=HACK()")
    invoice = make_invoice(rng, customer, at=local(2026, 3, 10))
    note = make_note(invoice, at=local(2026, 3, 11), share=1)
    return invoice, note


def test_home_without_permission_shows_no_figures(client, make_user):
    client.force_login(make_user("sin-rol"))
    response = client.get("/")
    assert "dash" not in response.context


def test_home_with_permission_shows_the_attention_cards(staff_client):
    response = staff_client.get("/")
    assert b'href="/facturas/?status=rejected"' in response.content


def test_home_is_a_get_page(staff_client):
    assert staff_client.post("/").status_code == 405


def test_reports_need_the_report_permission(client, make_user):
    user = make_user("solo-facturas")
    grant(user, "view_invoice")
    client.force_login(user)
    assert client.get("/informes/").status_code == 403


def test_reports_need_a_login(client):
    assert client.get("/informes/iva/").status_code == 302


def test_unknown_report_is_404(staff_client):
    assert staff_client.get("/informes/nada/").status_code == 404


def test_report_page_shows_the_net_total(staff_client, sold):
    invoice, note = sold
    response = staff_client.get("/informes/ventas-mes/", MARCH)
    assert response.context["report"].totals["net_total"] == invoice.total - note.total


def test_report_without_dates_is_this_month(staff_client):
    response = staff_client.get("/informes/iva/")
    assert response.context["filters"].date_from.day == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "2026-03-31", "date_to": "2026-03-01"}, "date_to"),
        ({"date_from": "31/02/2026"}, "date_from"),
        ({"date_from": "9999-12-31"}, "date_from"),
        ({"date_from": "2020-01-01", "date_to": "2026-01-01"}, "date_to"),
        ({"customer": "999999"}, "customer"),
    ],
)
def test_bad_filters_are_told_next_to_the_field(staff_client, query, field):
    response = staff_client.get("/informes/ventas-dia/", query)
    assert response.context["form"].errors.get(field)


def test_bad_filters_answer_422(staff_client):
    response = staff_client.get("/informes/ventas-dia/", {"date_from": "ayer"})
    assert response.status_code == 422


def test_bad_filters_on_a_download_answer_the_page_with_the_error(staff_client):
    response = staff_client.get("/informes/iva.xlsx", {"date_from": "nope"})
    assert response.status_code == 422


def test_csv_download_is_an_attachment(staff_client, sold):
    response = staff_client.get("/informes/ventas-cliente.csv", MARCH)
    assert response["Content-Disposition"].startswith("attachment")


def test_csv_shows_es_co_numbers(staff_client, sold):
    invoice, _ = sold
    text = staff_client.get("/informes/ventas-mes.csv", MARCH).content.decode("utf-8-sig")
    assert f"{invoice.total:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") in text


def test_csv_cell_that_looks_like_a_formula_is_neutralised(staff_client, sold):
    text = staff_client.get("/informes/ventas-cliente.csv", MARCH).content.decode("utf-8-sig")
    assert "'=HACK()" in text


def _sheet(staff_client, slug):
    response = staff_client.get(f"/informes/{slug}.xlsx", MARCH)
    return load_workbook(io.BytesIO(response.content)).active


def test_xlsx_money_cells_are_numbers(staff_client, sold):
    invoice, _ = sold
    sheet = _sheet(staff_client, "ventas-mes")
    header = [cell.value for cell in sheet[2]]
    value = sheet.cell(row=3, column=header.index("Total facturado") + 1).value
    assert Decimal(str(value)) == invoice.total


def test_xlsx_money_cells_have_a_money_format(staff_client, sold):
    sheet = _sheet(staff_client, "iva")
    header = [cell.value for cell in sheet[2]]
    assert "#,##0.00" in sheet.cell(row=3, column=header.index("IVA facturado") + 1).number_format


def test_xlsx_total_row_equals_the_invoice_minus_the_note(staff_client, sold):
    invoice, note = sold
    sheet = _sheet(staff_client, "ventas-dia")
    header = [cell.value for cell in sheet[2]]
    value = sheet.cell(row=sheet.max_row, column=header.index("Total neto") + 1).value
    assert Decimal(str(value)).quantize(Decimal("0.01")) == invoice.total - note.total


def test_xlsx_day_cell_is_a_date(staff_client, sold):
    sheet = _sheet(staff_client, "ventas-dia")
    assert sheet.cell(row=3, column=1).value.date() == date(2026, 3, 10)


def test_xlsx_is_served_as_a_spreadsheet(staff_client, sold):
    response = staff_client.get("/informes/retenciones.xlsx", MARCH)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
