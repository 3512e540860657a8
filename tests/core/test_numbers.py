"""core.numbers and core.forms: the es-CO parser, its formatter and the form fields built on them."""

from decimal import Decimal

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from core.bounds import MAX_INVOICE_TOTAL, MAX_PRICE, MAX_QUANTITY
from core.forms import EsCoDecimalField, EsCoIntegerField
from core.numbers import NumberFormatError, format_money, format_number, parse_number
from core.templatetags.money import money


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("45000,50", Decimal("45000.50")),
        ("45.000,50", Decimal("45000.50")),
        ("45000.50", Decimal("45000.50")),
        ("$ 45.000,50", Decimal("45000.50")),
        ("$45.000,50", Decimal("45000.50")),
        ("  45.000,50  ", Decimal("45000.50")),
        ("$\u00a045.000,50", Decimal("45000.50")),  # what a browser's es-CO currency format writes
        ("45.000", Decimal("45000")),  # lone dot + three digits: thousands (es-CO)
        ("1.234.567", Decimal("1234567")),
        ("1.234.567,8", Decimal("1234567.8")),
        ("19.5", Decimal("19.5")),  # lone dot, not a group of three: decimal point
        ("0.125", Decimal("0.125")),
        ("1234.567", Decimal("1234.567")),
        ("19", Decimal("19")),
        ("-5", Decimal("-5")),
        ("-$ 1,00", Decimal("-1.00")),
        ("45,000", Decimal("45.000")),  # the comma is always decimal; the scale typed is kept
    ],
)
def test_accepted_inputs(text, value):
    parsed = parse_number(text)
    assert (parsed, parsed.as_tuple().exponent) == (value, value.as_tuple().exponent)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,234.5,6", "no es un número válido"),
        ("45,000.50", "no es un número válido"),
        ("1_000", "no es un número válido"),
        ("1e5", "no es un número válido"),
        ("NaN", "no es un número válido"),
        ("Infinity", "no es un número válido"),
        ("-Infinity", "no es un número válido"),
        ("١٢٣", "Use solo los dígitos 0 a 9."),  # Arabic-Indic
        ("４５", "Use solo los dígitos 0 a 9."),  # full-width
        ("45 000", "Quite los espacios dentro del número."),
        ("45\u00a0000", "Quite los espacios dentro del número."),
        ("1..5", "no es un número válido"),
        ("1.23.456", "no es un número válido"),
        ("45.", "no es un número válido"),
        (",5", "no es un número válido"),
        ("1,2,3", "no es un número válido"),
        ("+5", "no es un número válido"),
        ("$$5", "no es un número válido"),
        ("5$", "no es un número válido"),
        ("0x10", "no es un número válido"),
        ("", "Escriba un número."),
        ("1" * 41, "demasiado largo"),
    ],
)
def test_refused_inputs_say_why_in_spanish(text, message):
    with pytest.raises(NumberFormatError) as error:
        parse_number(text)
    assert message in str(error.value)


def test_money_filter_is_the_es_co_formatter():
    assert money(Decimal("1335000")) == "$ 1.335.000,00"


def test_negative_money_keeps_the_sign_before_the_symbol():
    assert format_money(Decimal("-5")) == "-$ 5,00"


def test_not_a_number_formats_as_nothing():
    assert format_number("NaN") == ""


cents = st.decimals(min_value=Decimal("0.00"), max_value=MAX_INVOICE_TOTAL, places=2)


@given(cents)
def test_every_amount_within_bounds_round_trips_through_the_money_format(value):
    assert parse_number(format_money(value)) == value


@given(cents)
def test_every_amount_round_trips_through_the_plain_number_format(value):
    assert parse_number(format_number(value)) == value


@given(st.decimals(min_value=Decimal("0.01"), max_value=MAX_PRICE, places=2))
def test_every_price_round_trips_through_its_machine_text(value):
    # The product picker fills "45000.50" (JSON) as well as es-CO text.
    assert parse_number(str(value)) == value


@given(st.integers(min_value=1, max_value=MAX_QUANTITY))
def test_every_quantity_round_trips(value):
    assert parse_number(format_number(value, 0)) == value


class NumbersForm(forms.Form):
    price = EsCoDecimalField(decimal_places=2, min_value=Decimal("0.01"))
    quantity = EsCoIntegerField(min_value=1)


def test_field_renders_a_decimal_text_input_in_es_co():
    html = str(NumbersForm(initial={"price": Decimal("45000.50"), "quantity": 1000})["price"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'value="45.000,50"' in html


def test_integer_field_shows_thousands_the_es_co_way():
    assert 'value="1.000"' in str(NumbersForm(initial={"quantity": 1000})["quantity"])


def test_field_cleans_es_co_text():
    form = NumbersForm({"price": "$ 45.000,50", "quantity": "1.000"})
    assert form.is_valid() and form.cleaned_data == {"price": Decimal("45000.50"), "quantity": 1000}


def test_field_error_sits_on_the_field_in_spanish():
    form = NumbersForm({"price": "1,234.5,6", "quantity": "2"})
    assert form.errors == {
        "price": [
            "«1,234.5,6» no es un número válido: use punto para los miles y coma para los decimales, "
            "p. ej. 45.000,50."
        ]
    }


def test_field_refuses_more_decimals_than_it_holds_instead_of_rounding():
    assert (
        "Use como máximo 2 decimales." in NumbersForm({"price": "10,555", "quantity": "1"}).errors["price"][0]
    )


def test_integer_field_refuses_a_fraction():
    assert NumbersForm({"price": "1", "quantity": "1,5"}).errors["quantity"] == ["Escriba un número entero."]


def test_bound_text_is_shown_as_typed():
    html = str(NumbersForm({"price": "45000,5x", "quantity": "1"})["price"])
    assert 'value="45000,5x"' in html
