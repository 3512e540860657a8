"""The invoice form: Factus 422 paths mapped onto fields, service data, range preselection."""

from decimal import Decimal

import pytest

from catalog.models import MeasurementUnit, StandardCode, Tribute
from invoicing.forms import InvoiceForm, ItemFormSet, apply_factus_errors
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory

pytestmark = pytest.mark.django_db


def bound(lines=2, **header):
    customer, bill_range = CustomerFactory(), NumberingRangeFactory()
    data = {
        "customer": customer.pk,
        "numbering_range": bill_range.pk,
        "payment_form": "1",
        "payment_method": "10",
        "items-TOTAL_FORMS": str(lines),
        "items-INITIAL_FORMS": "0",
        **header,
    }
    for i in range(lines):
        values = {
            "code_reference": f"P-{i}",
            "name": "X",
            "quantity": "2",
            "price": "100.50",
            "discount_rate": "0",
            "tax_rate": "19",
            "withholding_05": "15",
            "unit": MeasurementUnit.objects.get(factus_id=70).pk,
            "standard_code": StandardCode.objects.get(factus_id=1).pk,
            "tribute": Tribute.objects.get(factus_id=1).pk,
        }
        data.update({f"items-{i}-{key}": value for key, value in values.items()})
    form, formset = InvoiceForm(data), ItemFormSet(data)
    assert form.is_valid(), form.errors
    assert formset.is_valid(), formset.errors
    return form, formset


def test_service_data_and_items_carry_plain_values():
    form, formset = bound(payment_form="2", payment_due_date="2030-01-31")
    data = form.service_data()
    assert data["payment_method_code"] == "10" and str(data["payment_due_date"]) == "2030-01-31"
    item = formset.service_items()[1]
    assert item["price"] == Decimal("100.50") and item["quantity"] == 2
    assert item["withholdings"] == [{"code": "05", "rate": "15.00"}]


def test_cash_payment_drops_the_due_date():
    form, _ = bound(payment_due_date="2030-01-31")
    assert form.service_data()["payment_due_date"] is None


def test_factus_paths_map_to_fields_and_leftovers_go_to_the_banner():
    form, formset = bound()
    leftovers = apply_factus_errors(
        form,
        formset,
        {
            "items.1.quantity": ["El campo items.1.quantity debe ser un número entero."],
            "items.0.withholding_taxes.0.withholding_tax_rate": ["Tarifa inválida."],
            "items.7.price": ["Fuera de rango."],
            "customer.identification": ["El campo customer.identification es obligatorio."],
            "numbering_range_id": ["El campo id rango de numeración es obligatorio."],
            "reference_code": "Ya ha sido registrado.",
        },
    )
    assert formset.forms[1].errors["quantity"] == ["El campo cantidad debe ser un número entero."]
    assert formset.forms[0].errors["withholding_05"] == ["Tarifa inválida."]
    assert form.errors["customer"] == ["El campo customer.identification es obligatorio."]
    assert form.errors["numbering_range"]
    assert sorted(leftovers) == ["items.7.price: Fuera de rango.", "reference_code: Ya ha sido registrado."]


def test_factus_paths_with_non_ascii_or_negative_line_numbers_go_to_the_banner():
    form, formset = bound()
    errors = {
        "items.\u00b9.price": ["Mal."],
        "items.-1.price": ["Mal."],
        "items.0.withholding_taxes.\u00b2.withholding_tax_rate": ["Mal."],
    }
    leftovers = apply_factus_errors(form, formset, errors)
    assert sorted(leftovers) == ["items.-1.price: Mal.", "items.\u00b9.price: Mal."]


def test_range_is_preselected_when_there_is_only_one():
    only = NumberingRangeFactory()
    assert InvoiceForm().initial["numbering_range"] == only.pk


def test_expired_or_inactive_ranges_are_not_offered():
    NumberingRangeFactory(factus_id=4, prefix="SETT", is_expired=True)
    NumberingRangeFactory(factus_id=5, prefix="FVI", is_active=False)
    valid = NumberingRangeFactory()
    assert list(InvoiceForm().fields["numbering_range"].queryset) == [valid]
