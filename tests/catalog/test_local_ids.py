"""Local primary keys of the reference tables need not equal Factus ids (a reload, a restore, an
admin edit can shift them): rules and Factus calls must speak Factus ids."""

import json

import pytest
from django.urls import reverse

from catalog.models import Customer, IdentificationDocumentType, LegalOrganization

SHIFT = 100


@pytest.fixture
def shifted_ids(db):
    """Recreate the document types and legal organizations with pk = Factus id + 100."""
    for model in (IdentificationDocumentType, LegalOrganization):
        rows = list(model.objects.order_by("factus_id").values("factus_id", "code", "name"))
        model.objects.all().delete()
        model.objects.bulk_create([model(pk=row["factus_id"] + SHIFT, **row) for row in rows])
    return {
        "nit": IdentificationDocumentType.objects.get(factus_id=6),
        "cc": IdentificationDocumentType.objects.get(factus_id=3),
        "legal": LegalOrganization.objects.get(factus_id=1),
        "person": LegalOrganization.objects.get(factus_id=2),
    }


def customer_post(ids, **overrides):
    from catalog.models import CustomerTribute

    data = {
        "identification_document": ids["nit"].pk,
        "identification": "900825759",
        "dv": "",
        "legal_organization": ids["legal"].pk,
        "company": "Enigma SAS",
        "names": "",
        "trade_name": "",
        "tribute": CustomerTribute.objects.get(factus_id=21).pk,
        "municipality": "",
        "address": "",
        "email": "",
        "phone": "",
    }
    return {**data, **overrides}


def test_nit_gets_its_dv_and_a_legal_entity_needs_a_company(user_client, shifted_ids):
    url = reverse("catalog:customer_create")
    response = user_client.post(url, customer_post(shifted_ids, company=""))
    assert response.status_code == 200
    assert "La razón social es obligatoria para personas jurídicas." in response.text
    user_client.post(url, customer_post(shifted_ids))
    customer = Customer.objects.get(identification="900825759")
    assert customer.dv == 7


def test_a_natural_person_needs_names_and_has_no_dv(user_client, shifted_ids):
    url = reverse("catalog:customer_create")
    data = customer_post(
        shifted_ids,
        identification_document=shifted_ids["cc"].pk,
        identification="1399995",
        dv="3",
        legal_organization=shifted_ids["person"].pk,
        company="",
    )
    assert "Los nombres son obligatorios" in user_client.post(url, data).text
    user_client.post(url, {**data, "names": "Ana Gómez"})
    assert Customer.objects.get(identification="1399995").dv is None


def test_dian_lookup_sends_the_factus_document_id_and_suggests_local_ids(user_client, factus, shifted_ids):
    response = user_client.get(
        reverse("catalog:acquirer_lookup"),
        {"identification_document": shifted_ids["cc"].pk, "identification": "1399995"},
    )
    found = json.loads(response["HX-Trigger"])["acquirer-found"]
    assert found["name"] == "Nombre Cédula de ciudadanía 5"
    assert found["legal_organization"] == shifted_ids["person"].pk == 102
    assert found["legal_entity"] == shifted_ids["legal"].pk == 101
