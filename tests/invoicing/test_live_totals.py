"""Live totals on the server side: which inputs trigger them, and "Emitir" bills only figures shown."""

import re

import pytest
from django.urls import reverse

from invoicing.forms import InvoiceForm, ItemFormSet
from invoicing.models import Invoice
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory
from tests.invoicing.test_views import form_data, line

pytestmark = pytest.mark.django_db

TOTALS_FIELDS = [
    "quantity",
    "price",
    "discount_rate",
    "tax_rate",
    "is_excluded",
    "withholding_05",
    "withholding_06",
    "withholding_07",
]


@pytest.fixture
def bill_range(db):
    return NumberingRangeFactory()


def shown_figures(client, data) -> str:
    html = client.post(reverse("invoicing:invoice_totals"), data).text
    return re.search(r'name="shown_figures" value="([^"]*)"', html)[1]


@pytest.mark.parametrize("field", TOTALS_FIELDS)
def test_every_input_that_moves_the_totals_triggers_them(user_client, bill_range, field):
    html = user_client.get(reverse("invoicing:invoice_create")).text
    tag = re.search(rf'<input[^>]*name="items-0-{field}"[^>]*>', html)[0]
    assert 'data-totals="1"' in tag


@pytest.mark.parametrize("field", ["quantity", "price", "discount_rate", "tax_rate", "withholding_05"])
def test_number_inputs_are_decimal_text_inputs(user_client, bill_range, field):
    html = user_client.get(reverse("invoicing:invoice_create")).text
    tag = re.search(rf'<input[^>]*name="items-0-{field}"[^>]*>', html)[0]
    assert 'type="text"' in tag and 'inputmode="decimal"' in tag


def test_the_trigger_filter_returns_a_boolean(user_client, bill_range):
    # htmx 2 fires a filtered trigger only when the filter returns exactly `true`.
    html = user_client.get(reverse("invoicing:invoice_create")).text
    trigger = re.search(r'hx-trigger="([^"]*)"', html[html.index('id="invoice-totals"') :])[1]
    assert "input[target.hasAttribute('data-totals')] from:#invoice-form delay:400ms" in trigger
    assert "change[target.hasAttribute('data-totals')] from:#invoice-form" in trigger


def test_a_newer_totals_request_replaces_the_one_in_flight(user_client, bill_range):
    # hx-sync="this:replace": the older request is aborted, so its answer can never be swapped in.
    html = user_client.get(reverse("invoicing:invoice_create")).text
    totals = re.search(r'<div id="invoice-totals"[^>]*>', html)[0]
    assert 'hx-sync="this:replace"' in totals


def test_issue_refuses_figures_the_page_did_not_show(user_client, bill_range):
    data = form_data(CustomerFactory(), bill_range, [line(quantity="1")], action="issue")
    data["shown_figures"] = shown_figures(user_client, data)
    data["items-0-quantity"] = "2"  # typed, then "Emitir" before the totals came back
    response = user_client.post(reverse("invoicing:invoice_create"), data)
    assert response.status_code == 422
    assert "Los totales cambiaron: esta factura suma $ 2.670.000,00." in response.text
    assert not Invoice.objects.exists()


def test_the_refused_page_shows_the_figures_it_will_bill(user_client, bill_range):
    data = form_data(CustomerFactory(), bill_range, [line(quantity="2")], action="issue")
    data["shown_figures"] = "total=1.00"
    html = user_client.post(reverse("invoicing:invoice_create"), data).text
    assert 'id="invoice-total">$ 2.670.000,00' in html
    assert f'name="shown_figures" value="{shown_figures(user_client, data)}"' in html


def test_issue_with_the_figures_shown_is_valid(user_client, bill_range):
    data = form_data(CustomerFactory(), bill_range, [line()], action="issue")
    data["shown_figures"] = shown_figures(user_client, data)
    assert InvoiceForm(data).is_valid() and ItemFormSet(data).is_valid()


def test_saving_a_draft_does_not_compare_figures(user_client, bill_range):
    data = {**form_data(CustomerFactory(), bill_range, [line()], action="save"), "shown_figures": "x"}
    assert user_client.post(reverse("invoicing:invoice_create"), data).status_code == 302


def line_total_shown(client, data, row: int) -> str:
    html = client.post(reverse("invoicing:invoice_totals"), data).text
    return re.search(rf'id="items-{row}-line-total"[^>]*>([^<]*)<', html)[1]


def test_a_line_is_totalled_as_soon_as_its_figures_are_typed(user_client, bill_range):
    # Price typed before the description: the totals move already (the description moves nothing).
    data = form_data(CustomerFactory(), bill_range, [line(code_reference="", name="", quantity="2")])
    assert line_total_shown(user_client, data, 0) == "$ 2.670.000,00"


def test_a_line_over_the_bounds_is_not_totalled(user_client, bill_range):
    data = form_data(CustomerFactory(), bill_range, [line(quantity="9999", price="999999999999,99")])
    assert line_total_shown(user_client, data, 0) == "—"


def test_an_excluded_line_with_iva_is_not_totalled(user_client, bill_range):
    data = form_data(CustomerFactory(), bill_range, [line(is_excluded="on", tax_rate="19")])
    assert line_total_shown(user_client, data, 0) == "—"


def test_the_totals_request_costs_the_same_queries_for_1_and_200_lines(user_client, bill_range):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for lines in (1, 200):
        data = form_data(CustomerFactory(), bill_range, [line() for _ in range(lines)])
        with CaptureQueriesContext(connection) as queries:
            user_client.post(reverse("invoicing:invoice_totals"), data)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_issue_with_a_missing_description_names_the_field_not_the_figures(user_client, bill_range):
    data = form_data(CustomerFactory(), bill_range, [line(name="")], action="issue")
    data["shown_figures"] = shown_figures(user_client, data)
    assert "Escriba la descripción." in user_client.post(reverse("invoicing:invoice_create"), data).text
