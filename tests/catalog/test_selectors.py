import pytest

from catalog import selectors
from catalog.models import NumberingRange
from catalog.services import catalog_sync
from tests.catalog.factories import CompanyCustomerFactory, CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_bill_numbering_ranges_after_sync(factus):
    catalog_sync(client=factus, only=["numbering_ranges"])
    assert [r.factus_id for r in selectors.bill_numbering_ranges()] == [8]
    NumberingRange.objects.filter(factus_id=8).update(current=995000001)  # exhausted
    assert not selectors.bill_numbering_ranges().exists()


def test_search_is_accent_and_case_insensitive_and_limited():
    CompanyCustomerFactory(company="JOSÉ MARÍA LTDA")
    CustomerFactory(names="Jose Maria Ruiz")
    assert len(selectors.search_customers("josé maría")) == 2
    assert selectors.search_customers("   ") == []
    ProductFactory.create_batch(25, name="Café")
    assert len(selectors.search_products("CAFE")) == selectors.SEARCH_LIMIT
    assert [m.code for m in selectors.search_municipalities("MEDELLÍN")] == ["05001"]


def test_search_by_identification_prefix():
    customer = CompanyCustomerFactory(identification="900825759")
    assert selectors.search_customers("90082") == [customer]


def test_active_units_excludes_inactive():
    assert selectors.active_units().filter(factus_id=70).exists()
    selectors.active_units().filter(factus_id=70).update(is_active=False)
    assert not selectors.active_units().filter(factus_id=70).exists()
