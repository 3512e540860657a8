"""core.bounds on the invoice: forms, draft services, check constraints, 200 lines, no 500 for any amount."""

from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import bounds
from invoicing.forms import ItemForm
from invoicing.models import Invoice, InvoiceItem
from invoicing.services import invoice_create_draft
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory
from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory, item_dict
from tests.invoicing.test_views import form_data, line

pytestmark = pytest.mark.django_db


@pytest.fixture
def bill_range(db):
    return NumberingRangeFactory()


def post_lines(client, bill_range, lines, action="save"):
    data = form_data(CustomerFactory(), bill_range, lines, action=action)
    return client.post(reverse("invoicing:invoice_create"), data)


# --- forms ------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["save", "issue"])
def test_quantity_times_price_over_the_line_bound_is_refused_on_the_price_field(
    user_client, bill_range, action
):
    # The case: a 500 on "Emitir", and on SQLite a saved row that broke every page.
    response = post_lines(user_client, bill_range, [line(quantity="9999", price="999999999999,99")], action)
    assert response.status_code == 422
    assert f'id="id_items-0-price_error">{bounds.LINE_TOO_BIG}' in response.text
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"quantity": "1.000.000.001"}, "quantity", bounds.QUANTITY_TOO_BIG),
        ({"price": "1.000.000.000.000"}, "price", bounds.PRICE_TOO_BIG),
    ],
)
def test_single_field_bounds_are_explained_on_the_field(user_client, bill_range, overrides, field, message):
    response = post_lines(user_client, bill_range, [line(**overrides)])
    assert f'id="id_items-0-{field}_error">{message}' in response.text


def test_invoice_bound_is_explained_above_the_form(user_client, bill_range):
    lines = [line(price="999.999.999.999,99", quantity="1", discount_rate="0")] * 11
    response = post_lines(user_client, bill_range, lines)
    assert response.status_code == 422
    assert bounds.INVOICE_TOO_BIG in response.text


def test_es_co_price_is_saved_exactly(user_client, bill_range):
    post_lines(user_client, bill_range, [line(price="45000,50", discount_rate="0")])
    assert InvoiceItem.objects.get().price == Decimal("45000.50")


def test_a_line_at_every_bound_is_accepted():
    data = {**line(quantity="1", price="999.999.999.999,99"), "discount_rate": "100", "tax_rate": "100"}
    assert ItemForm(data).is_valid()


# --- services ---------------------------------------------------------------------------------


def service_header(bill_range):
    return {
        "customer_id": CustomerFactory().pk,
        "numbering_range_id": bill_range.pk,
        "payment_form": "1",
        "payment_method_code": "10",
        "observation": "",
        "send_email": False,
    }


@pytest.mark.parametrize(
    "item",
    [
        {"quantity": 9999, "price": Decimal("999999999999.99")},
        {"quantity": bounds.MAX_QUANTITY + 1, "price": Decimal("0.01")},
        {"price": Decimal("1000000000000.00")},
        {"price": Decimal("10.555")},
        {"price": Decimal("0")},
        {"quantity": 0},
        {"discount_rate": Decimal("101")},
        {"tax_rate": Decimal("-1")},
    ],
)
def test_draft_service_refuses_out_of_bounds_lines_before_saving(bill_range, user, item):
    with pytest.raises(ValidationError) as error:
        invoice_create_draft(user=user, items=[item_dict(**item)], **service_header(bill_range))
    assert error.value.message_dict["items"][0].startswith("Línea 1: ")
    assert not Invoice.objects.exists()


def test_draft_service_refuses_an_invoice_over_the_invoice_bound(bill_range, user):
    items = [item_dict(price=bounds.MAX_LINE_TOTAL, discount_rate=Decimal(0))] * 11
    with pytest.raises(ValidationError) as error:
        invoice_create_draft(user=user, items=items, **service_header(bill_range))
    assert error.value.message_dict["items"] == [bounds.INVOICE_TOO_BIG]


# --- database ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"quantity": bounds.MAX_QUANTITY + 1, "price": Decimal("0.01")},
        {"quantity": 1, "price": Decimal("999999999999.99") + Decimal("0.01")},
        {"quantity": 2, "price": Decimal("999999999999.99")},
    ],
)
def test_database_refuses_items_beyond_the_bounds(values):
    invoice = InvoiceFactory()
    with pytest.raises((DatabaseError, ValidationError)), transaction.atomic():
        InvoiceItemFactory(invoice=invoice, **values)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("estimated_total", bounds.MAX_INVOICE_TOTAL + Decimal("0.01")),
        ("total", bounds.MAX_INVOICE_TOTAL + Decimal("0.01")),
    ],
)
def test_database_refuses_invoice_figures_beyond_the_bounds(field, value):
    with pytest.raises((DatabaseError, ValidationError)), transaction.atomic():
        InvoiceFactory(**{field: value})


def test_every_row_at_the_bounds_renders_everywhere(user_client, admin_client):
    draft = InvoiceFactory(estimated_total=bounds.MAX_INVOICE_TOTAL)
    InvoiceItemFactory(invoice=draft, quantity=1, price=bounds.MAX_PRICE, discount_rate=Decimal(100))
    InvoiceItemFactory(
        invoice=draft, quantity=bounds.MAX_QUANTITY, price=Decimal("0.01"), tax_rate=Decimal(100)
    )
    big = bounds.MAX_INVOICE_TOTAL
    validated = InvoiceFactory(
        status=Invoice.Status.VALIDATED,
        number="SETP990000001",
        estimated_total=bounds.MAX_INVOICE_TOTAL,
        **{
            f: big
            for f in ("gross_value", "taxable_amount", "tax_amount", "discount_amount", "surcharge_amount")
        },
        total=big,
    )
    InvoiceItemFactory(invoice=validated, quantity=1, price=bounds.MAX_PRICE)
    pages = [
        reverse("invoicing:invoice_list"),
        reverse("invoicing:invoice_list") + "?sort=-total",
        reverse("invoicing:invoice_export"),
        reverse("invoicing:invoice_detail", args=[draft.pk]),
        reverse("invoicing:invoice_detail", args=[validated.pk]),
        reverse("invoicing:invoice_update", args=[draft.pk]),
    ]
    for url in pages:
        response = user_client.get(url)
        assert (url, response.status_code) == (url, 200)
    listing = user_client.get(reverse("invoicing:invoice_list")).text
    assert "$ 9.999.999.999.999,99" in listing
    export = b"".join(user_client.get(reverse("invoicing:invoice_export")).streaming_content).decode()
    assert "9999999999999.99" in export or "9.999.999.999.999,99" in export
    admin_pages = [
        reverse("admin:invoicing_invoice_changelist"),
        reverse("admin:invoicing_invoice_change", args=[draft.pk]),
        reverse("admin:invoicing_invoice_change", args=[validated.pk]),
    ]
    for url in admin_pages:
        assert (url, admin_client.get(url).status_code) == (url, 200)


# --- 200 lines --------------------------------------------------------------------------------


def test_two_hundred_lines_post_and_are_saved(user_client, bill_range):
    response = post_lines(user_client, bill_range, [line()] * bounds.MAX_ITEMS)
    assert response.status_code == 302
    assert InvoiceItem.objects.count() == bounds.MAX_ITEMS


def test_two_hundred_and_one_lines_get_a_spanish_message(user_client, bill_range):
    response = post_lines(user_client, bill_range, [line()] * (bounds.MAX_ITEMS + 1))
    assert response.status_code == 422
    assert bounds.TOO_MANY_ITEMS in response.text


def test_upload_field_limit_fits_two_hundred_lines_of_every_item_field():
    header_fields = 30  # csrf, header form, management form, action, shown figures, form token, spare
    needed = bounds.MAX_ITEMS * len(ItemForm.base_fields) + header_fields
    assert needed <= django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


def test_live_totals_do_not_query_per_line(user_client, bill_range):
    def queries(count):
        data = form_data(CustomerFactory(), bill_range, [line()] * count)
        with CaptureQueriesContext(connection) as captured:
            response = user_client.post(reverse("invoicing:invoice_totals"), data)
        assert response.status_code == 200
        return len(captured)

    assert queries(2) == queries(60)


def test_live_totals_of_two_hundred_lines(user_client, bill_range):
    data = form_data(CustomerFactory(), bill_range, [line(discount_rate="0")] * bounds.MAX_ITEMS)
    response = user_client.post(reverse("invoicing:invoice_totals"), data)
    assert 'id="invoice-total">$ 300.000.000,00' in response.text


# --- no amount gives a 500 ---------------------------------------------------------------------

amounts = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(alphabet="0123456789.,$ -e_٣", max_size=30),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(quantity=amounts, price=amounts, discount=amounts, action=st.sampled_from(["save", "issue"]))
def test_no_amount_gives_a_500(user_client, bill_range, quantity, price, discount, action):
    lines = [line(quantity=quantity, price=price, discount_rate=discount)]
    data = form_data(CustomerFactory(), bill_range, lines, action=action)
    totals = user_client.post(reverse("invoicing:invoice_totals"), data)
    assert totals.status_code == 200
    data["shown_figures"] = ""  # the issue path stops at the figures check, before any Factus call
    response = user_client.post(reverse("invoicing:invoice_create"), data)
    assert response.status_code in (302, 422)
    for invoice in Invoice.objects.all():
        assert user_client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).status_code == 200
    assert user_client.get(reverse("invoicing:invoice_list")).status_code == 200
