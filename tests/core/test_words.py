"""The total in words (core.words): Colombian pesos in capitals, «M/CTE» at the end."""

from decimal import Decimal

import pytest

from core.words import amount_in_words


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (Decimal("0"), "CERO PESOS M/CTE"),
        (Decimal("1"), "UN PESO M/CTE"),
        (Decimal("1000000"), "UN MILLÓN DE PESOS M/CTE"),
        (Decimal("1335000.00"), "UN MILLÓN TRESCIENTOS TREINTA Y CINCO MIL PESOS M/CTE"),
        (Decimal("21"), "VEINTIÚN PESOS M/CTE"),
        (Decimal("21000000"), "VEINTIÚN MILLONES DE PESOS M/CTE"),
        (Decimal("31000"), "TREINTA Y UN MIL PESOS M/CTE"),
        (Decimal("2000000000"), "DOS MIL MILLONES DE PESOS M/CTE"),
        (Decimal("0.01"), "CERO PESOS CON UN CENTAVO M/CTE"),
        (Decimal("0.50"), "CERO PESOS CON CINCUENTA CENTAVOS M/CTE"),
        (Decimal("1000000.99"), "UN MILLÓN DE PESOS CON NOVENTA Y NUEVE CENTAVOS M/CTE"),
        (Decimal("0.005"), "CERO PESOS CON UN CENTAVO M/CTE"),
        (Decimal("-5"), "MENOS CINCO PESOS M/CTE"),
    ],
)
def test_amount_in_words(value, words):
    assert amount_in_words(value) == words


def test_the_largest_invoice_total_is_said_in_billions():
    assert amount_in_words(Decimal("9999999999999.99")).startswith("NUEVE BILLONES")


@pytest.mark.parametrize("value", [None, "", "abc", "NaN", "Infinity"])
def test_what_is_not_an_amount_is_said_as_nothing(value):
    assert amount_in_words(value) == ""
