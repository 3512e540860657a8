import pytest

from catalog import selectors
from catalog.models import NumberingRange
from catalog.services import catalog_sync
from tests.catalog.factories import (
    CompanyCustomerFactory,
    CustomerFactory,
    NumberingRangeFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


def test_bill_numbering_ranges_after_sync(factus):
    catalog_sync(client=factus, only=["numbering_ranges"])
    assert [r.factus_id for r in selectors.bill_numbering_ranges()] == [8]
    NumberingRange.objects.filter(factus_id=8).update(current=995000001)  # exhausted
    assert not selectors.bill_numbering_ranges().exists()


def test_credit_note_numbering_ranges_after_sync_are_only_credit_note_ranges(factus):
    catalog_sync(client=factus, only=["numbering_ranges"])
    assert [r.factus_id for r in selectors.credit_note_numbering_ranges()] == [9]


def test_a_credit_note_range_deactivated_at_factus_is_no_longer_offered(factus, sandbox):
    catalog_sync(client=factus, only=["numbering_ranges"])
    next(r for r in sandbox.state.ranges if r["id"] == 9)["is_active"] = 0
    catalog_sync(client=factus, only=["numbering_ranges"])
    assert not selectors.credit_note_numbering_ranges().exists()


@pytest.mark.parametrize(
    "unusable",
    [{"is_active": False}, {"is_expired": True}, {"current": 1001}],
    ids=["inactive", "expired", "exhausted"],
)
def test_unusable_credit_note_ranges_are_not_offered(unusable):
    fields = {
        "document": "22",
        "document_name": "Nota Crédito",
        "prefix": "NCC",
        "to_number": 1000,
        "current": 1,
    }
    NumberingRangeFactory(factus_id=62, from_number=1, **{**fields, **unusable})
    assert not selectors.credit_note_numbering_ranges().exists()


def test_a_usable_credit_note_range_is_offered_sorted_by_prefix():
    for factus_id, prefix in ((63, "NCZ"), (62, "NCA")):
        NumberingRangeFactory(factus_id=factus_id, document="22", document_name="Nota Crédito", prefix=prefix)
    assert [r.prefix for r in selectors.credit_note_numbering_ranges()] == ["NCA", "NCZ"]


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


def test_ids_by_value_finds_each_catalogue_in_one_query(django_assert_num_queries):
    from catalog.models import MeasurementUnit, PaymentMethod

    unit = MeasurementUnit.objects.create(factus_id=7001, code="X1", name="Unidad de prueba")
    method = PaymentMethod.objects.create(code="ZZ9", name="Medio de prueba")
    with django_assert_num_queries(1):
        found = selectors.ids_by_value(
            {
                "unit": selectors.Lookup(MeasurementUnit, "factus_id", [7001, 7002, None]),
                "method": selectors.Lookup(PaymentMethod, "code", ["ZZ9"]),
            }
        )
    assert found == {"unit": {7001: unit.pk}, "method": {"ZZ9": method.pk}}


def test_ids_by_value_by_primary_key():
    from catalog.models import MeasurementUnit

    unit = MeasurementUnit.objects.create(factus_id=7003, code="X3", name="Unidad de prueba")
    found = selectors.ids_by_value({"unit": selectors.Lookup(MeasurementUnit, "pk", [unit.pk])})
    assert found == {"unit": {unit.pk: unit.pk}}


def test_ids_by_value_active_only_leaves_an_inactive_row_out():
    from catalog.models import Tribute

    Tribute.objects.create(factus_id=7004, code="T4", name="Tributo inactivo", is_active=False)
    found = selectors.ids_by_value(
        {"tribute": selectors.Lookup(Tribute, "factus_id", [7004], active_only=True)}
    )
    assert found == {"tribute": {}}


def test_ids_by_value_asks_nothing_without_values(django_assert_num_queries):
    from catalog.models import MeasurementUnit

    with django_assert_num_queries(0):
        found = selectors.ids_by_value({"unit": selectors.Lookup(MeasurementUnit, "factus_id", [None])})
    assert found == {"unit": {}}


def test_ids_by_value_finds_a_uuid_as_the_database_stores_it():
    import uuid

    from tests.invoicing.factories import InvoiceFactory

    token = uuid.uuid4()
    invoice = InvoiceFactory(form_token=token)
    from invoicing.models import Invoice

    found = selectors.ids_by_value({"token": selectors.Lookup(Invoice, "form_token", [token])})
    assert found == {"token": {token: invoice.pk}}


def test_ids_by_value_finds_nothing_for_a_value_the_column_cannot_hold():
    from catalog.models import MeasurementUnit

    found = selectors.ids_by_value({"unit": selectors.Lookup(MeasurementUnit, "factus_id", ["abc"])})
    assert found == {"unit": {}}
