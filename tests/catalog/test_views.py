import json
from unittest import mock

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from catalog.models import Customer, MeasurementUnit, Municipality, Product
from core.roles import READ_ONLY
from tests.catalog.factories import (
    CompanyCustomerFactory,
    CustomerFactory,
    ProductFactory,
    ProductWithholdingFactory,
)

pytestmark = pytest.mark.django_db

PAGES = [
    "catalog:customer_list",
    "catalog:customer_create",
    "catalog:product_list",
    "catalog:product_create",
    "catalog:customer_search",
    "catalog:product_search",
    "catalog:municipality_search",
    "catalog:unit_search",
    "catalog:acquirer_lookup",
]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_users_are_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_customer_list_search_sort_and_paginate(user_client):
    CompanyCustomerFactory(company="Ñandú Comercial S.A.S.")
    CustomerFactory.create_batch(30, names="Zoila Zapata")
    CustomerFactory(names="Alba Acosta")
    response = user_client.get(reverse("catalog:customer_list"), {"q": "nandu"})
    assert response.status_code == 200
    assert [c.company for c in response.context["page"].object_list] == ["Ñandú Comercial S.A.S."]
    response = user_client.get(reverse("catalog:customer_list"), {"orden": "nombre"})
    page = response.context["page"]
    assert page.count == 32 and len(page.object_list) == 25
    assert page.object_list[0].names == "Alba Acosta"
    assert 'aria-sort="ascending"' in response.content.decode()
    first = user_client.get(reverse("catalog:customer_list"), {"orden": "-nombre"}).context["page"]
    response = user_client.get(
        reverse("catalog:customer_list"), {"orden": "-nombre", "cursor": first.next_cursor}
    )
    assert list(response.context["page"].object_list)[-1].names == "Alba Acosta"
    assert "26–32 de 32 clientes" in response.text
    assert 'href="?orden=-nombre"' in response.text  # "Anterior" (the first page) keeps the sort


def test_customers_of_one_name_are_each_listed_once_across_pages(user_client):
    made = {c.pk for c in CustomerFactory.create_batch(30, names="Zoila Zapata")}
    first = user_client.get(reverse("catalog:customer_list"), {"orden": "nombre"}).context["page"]
    second = user_client.get(
        reverse("catalog:customer_list"), {"orden": "nombre", "cursor": first.next_cursor}
    )
    assert {c.pk for c in first.object_list} | {c.pk for c in second.context["page"].object_list} == made


@pytest.mark.parametrize(
    "query",
    [
        {"cursor": "no-es-un-cursor"},
        {"orden": "nada"},
        {"orden": "-actualizado", "cursor": "eyJhIjoxfQ"},
        {"orden": "municipio", "page": "9999999999999999999999"},
    ],
    ids=["cursor", "orden", "both", "old-page"],
)
def test_odd_list_parameters_show_the_first_page(user_client, query):
    CustomerFactory.create_batch(3)
    response = user_client.get(reverse("catalog:customer_list"), query)
    assert len(response.context["page"].object_list) == 3


def test_a_cursor_of_another_sort_is_never_a_server_error(user_client):
    CustomerFactory.create_batch(30)
    cursor = (
        user_client.get(reverse("catalog:customer_list"), {"orden": "nombre"}).context["page"].next_cursor
    )
    response = user_client.get(reverse("catalog:customer_list"), {"orden": "-actualizado", "cursor": cursor})
    assert response.status_code == 200


def test_customer_list_empty_state(user_client):
    response = user_client.get(reverse("catalog:customer_list"), {"q": "nadie"})
    assert "Ningún cliente coincide con «nadie»" in response.content.decode()


def test_product_list_search_by_code_and_sort_by_price(user_client):
    ProductFactory(code_reference="CAFE-1", name="Café molido", price="12000.00")
    ProductFactory(code_reference="TE-1", name="Té verde", price="9000.00")
    response = user_client.get(reverse("catalog:product_list"), {"q": "cafe"})
    assert [p.code_reference for p in response.context["page"].object_list] == ["CAFE-1"]
    response = user_client.get(reverse("catalog:product_list"), {"orden": "precio"})
    assert [p.code_reference for p in response.context["page"].object_list] == ["TE-1", "CAFE-1"]
    assert "$ 12.000,00" in response.content.decode()


def test_create_customer_through_the_page(user_client):
    from tests.catalog.test_forms import customer_data

    response = user_client.post(reverse("catalog:customer_create"), customer_data())
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert (customer.identification, customer.dv) == ("900825759", 7)
    assert "Cliente «Acme S.A.S.» guardado." in user_client.get(response["Location"]).content.decode()


def test_customer_form_errors_are_shown_next_to_fields(user_client):
    from tests.catalog.test_forms import customer_data

    response = user_client.post(reverse("catalog:customer_create"), customer_data(dv="3", company=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "El DV no corresponde al NIT: debería ser 7." in html
    assert "La razón social es obligatoria para personas jurídicas." in html


def test_update_product_through_the_page(user_client):
    from tests.catalog.test_forms import product_data

    product = ProductFactory(code_reference="P-001")
    response = user_client.post(
        reverse("catalog:product_update", args=[product.pk]),
        product_data(name="Nuevo nombre", withholding_07="1"),
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Nuevo nombre"
    assert [w.code for w in product.withholdings.all()] == ["07"]


@pytest.fixture
def reader(client, make_user):
    client.force_login(make_user("lectora", READ_ONLY))
    return client


def test_a_customer_delete_needs_permission(reader):
    assert reader.get(reverse("catalog:customer_delete", args=[CustomerFactory().pk])).status_code == 403


def test_a_product_delete_needs_permission(reader):
    assert reader.post(reverse("catalog:product_delete", args=[ProductFactory().pk])).status_code == 403


@pytest.fixture
def deleter(user_client):
    return user_client  # "Facturación" deletes customers and products no invoice uses


def test_delete_with_confirmation(deleter):
    customer = CustomerFactory(names="Ana Gómez")
    url = reverse("catalog:customer_delete", args=[customer.pk])
    assert "¿Eliminar «Ana Gómez" in deleter.get(url).content.decode()
    response = deleter.post(url, follow=True)
    assert not Customer.objects.exists()
    assert "eliminado" in response.content.decode()


def test_delete_refused_when_invoices_use_the_row(deleter):
    product = ProductFactory(name="Usado")
    error = ProtectedError("protected", {object()})
    with mock.patch.object(Product, "delete", side_effect=error):
        response = deleter.post(reverse("catalog:product_delete", args=[product.pk]), follow=True)
    assert "No se puede eliminar «" in response.content.decode()
    assert "lo usan 1 registro(s)" in response.content.decode()
    assert Product.objects.filter(pk=product.pk).exists()


def test_product_search_json_has_what_the_invoice_form_needs(user_client):
    product = ProductWithholdingFactory(product__name="Asesoría contable", code="06", rate="7.00").product
    ProductFactory(name="Asesoría inactiva", is_active=False)
    data = user_client.get(reverse("catalog:product_search"), {"q": "ASESORIA"}).json()
    assert data == {
        "results": [
            {
                "id": product.pk,
                "code_reference": product.code_reference,
                "name": "Asesoría contable",
                "price": "50000.00",
                "tax_rate": "19.00",
                "is_excluded": False,
                "unit_id": product.unit_id,
                "unit": "unidad (94)",
                "standard_code_id": product.standard_code_id,
                "tribute_id": product.tribute_id,
                "withholdings": [{"code": "06", "rate": "7.00"}],
            }
        ]
    }


def test_customer_search_json_and_htmx(user_client):
    customer = CompanyCustomerFactory(company="Acme S.A.S.", identification="900825759")
    data = user_client.get(reverse("catalog:customer_search"), {"q": "9008"}).json()
    assert [row["identification"] for row in data["results"]] == ["900825759-7"]
    html = user_client.get(reverse("catalog:customer_search"), {"q": "acme"}, HTTP_HX_REQUEST="true")
    assert f'data-id="{customer.pk}"' in html.content.decode()


def test_municipality_search_is_limited_and_accent_insensitive(user_client):
    data = user_client.get(reverse("catalog:municipality_search"), {"q": "bogota"}).json()
    assert any(row["code"] == "11001" for row in data["results"])
    data = user_client.get(reverse("catalog:municipality_search"), {"q": "san"}).json()
    assert len(data["results"]) == 20
    assert user_client.get(reverse("catalog:municipality_search"), {"q": "s"}).json() == {"results": []}
    Municipality.objects.filter(code="68679").update(is_active=False)
    html = user_client.get(
        reverse("catalog:municipality_search"), {"municipality_q": "San Gil"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Sin resultados." in html


def test_acquirer_lookup_found(user_client, factus):
    from catalog.models import IdentificationDocumentType, LegalOrganization

    doc = IdentificationDocumentType.objects.get(factus_id=3)
    response = user_client.get(
        reverse("catalog:acquirer_lookup"), {"identification_document": doc.pk, "identification": "1399995"}
    )
    assert "Nombre Cédula de ciudadanía 5" in response.content.decode()
    trigger = json.loads(response["HX-Trigger"])
    found = trigger["acquirer-found"]
    assert (found["name"], found["email"]) == ("Nombre Cédula de ciudadanía 5", "")
    assert found["legal_organization"] == LegalOrganization.objects.get(factus_id=2).pk
    assert found["legal_entity"] == LegalOrganization.objects.get(factus_id=1).pk
    assert "El correo registrado no es válido" in response.content.decode()
    response = user_client.get(
        reverse("catalog:acquirer_lookup"),
        {
            "identification_document": IdentificationDocumentType.objects.get(factus_id=1).pk,
            "identification": "1199991",
        },
    )
    found = json.loads(response["HX-Trigger"])["acquirer-found"]
    assert (found["name"], found["email"]) == ("Nombre Registro civil 1", "Mail_Registrocivil_1@mail.com")


def test_acquirer_lookup_not_found(user_client, factus):
    from catalog.models import IdentificationDocumentType

    doc = IdentificationDocumentType.objects.get(factus_id=3)
    response = user_client.get(
        reverse("catalog:acquirer_lookup"), {"identification_document": doc.pk, "identification": "123"}
    )
    assert "La DIAN no tiene datos para esta identificación" in response.content.decode()
    assert "HX-Trigger" not in response


def test_acquirer_lookup_factus_down(user_client, settings):
    from catalog.models import IdentificationDocumentType

    settings.FACTUS_BASE_URL = "http://127.0.0.1:9"
    doc = IdentificationDocumentType.objects.get(factus_id=3)
    response = user_client.get(
        reverse("catalog:acquirer_lookup"), {"identification_document": doc.pk, "identification": "1399995"}
    )
    assert response.status_code == 200
    assert "No se pudo consultar la DIAN" in response.content.decode()


def test_acquirer_lookup_needs_both_fields(user_client):
    response = user_client.get(reverse("catalog:acquirer_lookup"), {"identification": ""})
    html = response.content.decode()
    assert "Elija el tipo de documento." in html and "Escriba el número de identificación." in html


def test_product_form_has_no_unit_list_and_accepts_any_active_unit(user_client):
    from tests.catalog.test_forms import product_data

    html = user_client.get(reverse("catalog:product_create")).content.decode()
    assert html.count("<option") < 100  # tribute and code standard only; not 1,093 units
    assert 'data-picker="unit"' in html and reverse("catalog:unit_search") in html
    # A unit no product uses (so in no "usual" list) is accepted, and shown when editing.
    kilo = MeasurementUnit.objects.filter(is_active=True).exclude(factus_id=70).order_by("-pk").first()
    response = user_client.post(reverse("catalog:product_create"), product_data(unit=kilo.factus_id))
    assert response.status_code == 302
    product = Product.objects.get(code_reference="P-001")
    assert product.unit == kilo
    html = user_client.get(reverse("catalog:product_update", args=[product.pk])).content.decode()
    assert f'name="unit" value="{kilo.pk}"' in html and f'value="{kilo}"' in html
    kilo.is_active = False
    kilo.save()
    response = user_client.post(
        reverse("catalog:product_update", args=[product.pk]), product_data(unit=kilo.factus_id)
    )
    assert "Elija una unidad de medida activa de la lista." in response.content.decode()


def test_unit_search_by_name_or_code(user_client):
    url = reverse("catalog:unit_search")
    unit = MeasurementUnit.objects.get(factus_id=70)
    data = user_client.get(url, {"q": "UNIDAD"}).json()
    assert data["results"][0] == {"id": unit.pk, "code": "94", "name": "unidad", "label": "unidad (94)"}
    assert any(row["code"] == "94" for row in user_client.get(url, {"q": "94"}).json()["results"])
    assert len(user_client.get(url, {"q": "a"}).json()["results"]) == 20
    assert user_client.get(url, {"q": " "}).json() == {"results": []}


@pytest.mark.parametrize(
    ("name", "factory"),
    [
        ("catalog:customer_search", lambda: CustomerFactory(id=1234, names="Mil Doscientos")),
        ("catalog:product_search", lambda: ProductFactory(id=1234, name="Mil Doscientos")),
    ],
)
def test_search_results_carry_ids_without_thousands_separators(user_client, name, factory):
    """es-CO formats 1234 as "1.234": an id rendered that way would point at no row once picked."""
    factory()
    html = user_client.get(reverse(name), {"q": "Mil Dos"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-id="1234"' in html


def test_municipality_results_carry_ids_without_thousands_separators(user_client):
    cali = Municipality.objects.get(code="76001")
    Municipality.objects.filter(pk=cali.pk).update(id=4321)
    html = user_client.get(
        reverse("catalog:municipality_search"), {"municipality_q": "Cali"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-id="4321"' in html
