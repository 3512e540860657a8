"""Numbering-range health: every page warns when a sales-invoice range runs out of numbers or days."""

from datetime import date

import pytest
from django.urls import reverse

from catalog.selectors import numbering_range_warnings
from tests.catalog.factories import NumberingRangeFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)


def test_a_healthy_range_says_nothing():
    NumberingRangeFactory()
    assert numbering_range_warnings(today=TODAY) == []


def test_few_numbers_left_are_said():
    NumberingRangeFactory(current=994999901)  # 100 numbers left
    assert numbering_range_warnings(today=TODAY) == ["Al rango SETP le quedan 100 números."]


def test_a_range_about_to_expire_is_said():
    NumberingRangeFactory(end_date=date(2026, 12, 12))
    assert numbering_range_warnings(today=TODAY) == ["El rango SETP vence en 10 días (12/12/2026)."]


def test_a_credit_note_range_is_not_a_bill_range():
    NumberingRangeFactory(factus_id=9, document="22", current=994999901)
    assert numbering_range_warnings(today=TODAY) == []


def test_every_page_shows_the_warning(user_client):
    NumberingRangeFactory(current=994999901)
    page = user_client.get(reverse("invoicing:invoice_list")).content.decode()
    assert "Al rango SETP le quedan 100 números." in page
