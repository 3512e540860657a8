from decimal import Decimal

import pytest

from catalog.forms import CustomerForm, ProductForm
from catalog.models import (
    Customer,
    CustomerTribute,
    IdentificationDocumentType,
    LegalOrganization,
    MeasurementUnit,
    Municipality,
    ProductWithholding,
    StandardCode,
    Tribute,
)
from tests.catalog.factories import CompanyCustomerFactory, CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db
FK_MODELS = {
    "identification_document": IdentificationDocumentType,
    "legal_organization": LegalOrganization,
    "tribute": CustomerTribute,
    "municipality": Municipality,
}
PRODUCT_FK_MODELS = {"unit": MeasurementUnit, "standard_code": StandardCode, "tribute": Tribute}


def pk(model, factus_id):
    return model.objects.get(factus_id=factus_id).pk


def customer_data(**overrides):
    """Form data; FK values given as Factus ids are turned into primary keys."""
    data = {
        "identification_document": 6,
        "identification": "900825759",
        "dv": "",
        "legal_organization": 1,
        "company": "Acme S.A.S.",
        "names": "",
        "trade_name": "",
        "tribute": 18,
        "municipality": 980,
        "address": "",
        "email": "compras@acme.co",
        "phone": "",
    }
    data.update(overrides)
    for field, model in FK_MODELS.items():
        if isinstance(data[field], int):
            data[field] = pk(model, data[field])
    return data


def errors(form):
    form.is_valid()
    return {field: " ".join(messages) for field, messages in form.errors.items()}


def test_nit_customer_gets_dv_computed():
    form = CustomerForm(customer_data())
    assert form.is_valid(), form.errors
    customer = form.save()
    assert customer.dv == 7
    assert customer.identification_display == "900825759-7"
    assert customer.display_name == "Acme S.A.S."
    assert customer.municipality.name == "San Gil"


def test_typed_dv_that_matches_is_accepted():
    assert CustomerForm(customer_data(dv="7")).is_valid()


def test_typed_dv_that_disagrees_is_an_error_on_the_dv_field():
    assert errors(CustomerForm(customer_data(dv="3"))) == {
        "dv": "El DV no corresponde al NIT: debería ser 7."
    }


@pytest.mark.parametrize("dv", ["10", "-1"])
def test_dv_is_one_digit(dv):
    assert "dv" in errors(CustomerForm(customer_data(dv=dv)))


def test_dv_is_dropped_for_non_nit_documents():
    form = CustomerForm(
        customer_data(
            identification_document=3,
            identification="1020304050",
            dv="5",
            legal_organization=2,
            company="",
            names="Ana Pérez",
            tribute=21,
        )
    )
    assert form.is_valid(), form.errors
    assert form.save().dv is None


@pytest.mark.parametrize("number", ["NIT900825759", "900.82.5759", "900825759-77", "900825759-"])
def test_nit_must_be_digits(number):
    assert (
        "Escriba el NIT con dígitos"
        in errors(CustomerForm(customer_data(identification=number)))["identification"]
    )


def test_company_required_for_legal_entities():
    assert errors(CustomerForm(customer_data(company="  "))) == {
        "company": "La razón social es obligatoria para personas jurídicas."
    }


def test_names_required_for_natural_persons():
    form = CustomerForm(
        customer_data(
            identification_document=3, identification="1020304050", legal_organization=2, company=""
        )
    )
    assert errors(form) == {"names": "Los nombres son obligatorios para personas naturales."}


@pytest.mark.parametrize(
    "field", ["identification_document", "identification", "legal_organization", "tribute"]
)
def test_required_fields(field):
    assert "Este campo es obligatorio" in errors(CustomerForm(customer_data(**{field: ""})))[field]


def test_customer_tribute_must_be_a_customer_tribute():
    assert "tribute" in errors(CustomerForm(customer_data(tribute="99999")))


def test_invalid_email():
    assert "correo electrónico válida" in errors(CustomerForm(customer_data(email="no-es-correo")))["email"]


def test_unknown_municipality():
    assert errors(CustomerForm(customer_data(municipality="999999"))) == {
        "municipality": "Elija un municipio de la lista."
    }


def test_municipality_is_optional():
    assert CustomerForm(customer_data(municipality="")).is_valid()


def test_duplicate_identification_is_an_error_on_the_number():
    CompanyCustomerFactory(identification="900825759")
    assert errors(CustomerForm(customer_data())) == {
        "identification": "Ya existe un cliente con este tipo y número de documento."
    }


def test_same_number_with_another_document_type_is_allowed():
    CustomerFactory(identification="900825759")
    assert CustomerForm(customer_data()).is_valid()


def test_editing_keeps_own_identification():
    customer = CompanyCustomerFactory(identification="900825759")
    assert CustomerForm(customer_data(phone="123"), instance=customer).is_valid()
    assert Customer.objects.count() == 1


def test_municipality_widget_does_not_list_options():
    html = str(CustomerForm(customer_data())["municipality"])
    assert "<option" not in html
    assert 'value="San Gil (Santander)"' in html


# --- products ------------------------------------------------------------------------------


def product_data(**overrides):
    data = {
        "code_reference": "P-001",
        "name": "Servicio",
        "price": "1500000.00",
        "tax_rate": "19.00",
        "is_excluded": "",
        "unit": 70,
        "standard_code": 1,
        "tribute": 1,
        "is_active": "on",
        "withholding_05": "",
        "withholding_06": "",
        "withholding_07": "",
    }
    data.update(overrides)
    for field, model in PRODUCT_FK_MODELS.items():
        if isinstance(data[field], int):
            data[field] = pk(model, data[field])
    return data


def test_product_saves_with_default_withholdings():
    form = ProductForm(product_data(withholding_06="7", withholding_05="15,00"))
    assert form.is_valid(), form.errors
    product = form.save()
    assert {(w.code, w.rate) for w in product.withholdings.all()} == {
        ("05", Decimal("15.00")),
        ("06", Decimal("7.00")),
    }
    form = ProductForm(product_data(withholding_06="3.5"), instance=product)
    assert form.fields["withholding_05"].initial == Decimal("15.00")
    assert form.is_valid(), form.errors
    form.save()
    assert list(ProductWithholding.objects.values_list("code", "rate")) == [("06", Decimal("3.50"))]


def test_price_accepts_a_decimal_comma():
    form = ProductForm(product_data(price="1500,50"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["price"] == Decimal("1500.50")


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("0", "mayor que cero"),
        ("-5", "mayor que cero"),
        ("10.123", "2 decimales"),
        ("1.500,00", "número"),
        ("abc", "número"),
        ("", "obligatorio"),
    ],
)
def test_price_rules(price, message):
    assert message in errors(ProductForm(product_data(price=price)))["price"]


@pytest.mark.parametrize(
    ("rate", "message"),
    [("-1", "mayor o igual a 0"), ("100.01", "menor o igual a 100"), ("5.555", "decimales")],
)
def test_tax_rate_rules(rate, message):
    assert message in errors(ProductForm(product_data(tax_rate=rate)))["tax_rate"]


def test_excluded_products_need_rate_zero():
    assert errors(ProductForm(product_data(is_excluded="on"))) == {
        "tax_rate": "Un producto excluido de IVA debe tener tarifa 0 %."
    }
    assert ProductForm(product_data(is_excluded="on", tax_rate="0")).is_valid()


def test_code_is_unique():
    ProductFactory(code_reference="P-001")
    assert errors(ProductForm(product_data())) == {"code_reference": "Ya existe un producto con este código."}


@pytest.mark.parametrize("rate", ["0", "101", "abc"])
def test_withholding_rate_rules(rate):
    assert "withholding_06" in errors(ProductForm(product_data(withholding_06=rate)))


@pytest.mark.parametrize("field", ["code_reference", "name", "unit", "standard_code", "tribute"])
def test_product_required_fields(field):
    assert "obligatorio" in errors(ProductForm(product_data(**{field: ""})))[field]


def test_inactive_units_are_not_offered():
    MeasurementUnit.objects.filter(factus_id=70).update(is_active=False)
    assert "unit" in errors(ProductForm(product_data()))
