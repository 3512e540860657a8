"""The product form reads and shows numbers the es-CO way (core.numbers), like the invoice lines."""

from decimal import Decimal

import pytest

from catalog.forms import ProductForm
from core.bounds import PRICE_TOO_BIG
from tests.catalog.factories import ProductFactory, ProductWithholdingFactory
from tests.catalog.test_forms import product_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("price", ["45000,50", "45.000,50", "45000.50", "$ 45.000,50"])
def test_price_means_the_same_however_it_is_typed(price):
    form = ProductForm(product_data(price=price))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["price"] == Decimal("45000.50")


@pytest.mark.parametrize("price", ["1,234.5,6", "1_000", "١٢٣", "1e5", "NaN", "Infinity", "45 000"])
def test_odd_prices_are_refused_on_the_field(price):
    form = ProductForm(product_data(price=price))
    assert not form.is_valid() and "price" in form.errors


def test_price_over_the_bound_is_refused():
    assert ProductForm(product_data(price="1.000.000.000.000")).errors["price"] == [PRICE_TOO_BIG]


def test_edit_form_shows_es_co_numbers_in_decimal_text_inputs():
    product = ProductFactory(price=Decimal("45000.50"), tax_rate=Decimal("19.00"))
    ProductWithholdingFactory(product=product, code="06", rate=Decimal("2.50"))
    html = str(ProductForm(instance=product)["price"]) + str(ProductForm(instance=product)["withholding_06"])
    assert 'inputmode="decimal"' in html and 'value="45.000,50"' in html and 'value="2,50"' in html


def test_what_the_edit_form_shows_posts_back_unchanged():
    product = ProductFactory(price=Decimal("1234567.89"))
    shown = ProductForm(instance=product)["price"].value()
    form = ProductForm(product_data(price=ProductForm.base_fields["price"].widget.format_value(shown)))
    assert form.is_valid() and form.cleaned_data["price"] == Decimal("1234567.89")
