"""A NIT typed with dots or -DV is stored as digits with its DV; a wrong typed DV is said in Spanish."""

import json

import pytest

from catalog.forms import AcquirerLookupForm, CustomerForm
from catalog.models import IdentificationDocumentType
from catalog.validators import compute_dv, split_identification
from tests.catalog.test_forms import customer_data, errors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("document_id", "text", "expected"),
    [
        (6, "900.825.759-7", ("900825759", 7)),
        (6, "900825759-7", ("900825759", 7)),
        (6, " 900 825 759 - 7 ", ("900825759", 7)),
        (6, "900.825.759", ("900825759", None)),
        (3, "1.020.304.050", ("1020304050", None)),
        (3, "1020304050-1", ("1020304050-1", None)),  # only a NIT has a DV: left for the error
        (6, "900.82.5759", ("900.82.5759", None)),  # odd grouping: not guessed
        (6, "٩٠٠٨٢٥٧٥٩", ("٩٠٠٨٢٥٧٥٩", None)),  # non-ASCII digits: not converted
        (7, "AB-123", ("AB-123", None)),
    ],
)
def test_split_identification(document_id, text, expected):
    assert split_identification(document_id, text) == expected


def test_nit_with_dots_and_dv_is_stored_as_digits():
    customer = CustomerForm(customer_data(identification="900.825.759-7")).save()
    assert (customer.identification, customer.dv) == ("900825759", 7)


def test_nit_with_dots_only_gets_its_dv_computed():
    customer = CustomerForm(customer_data(identification="900.825.759")).save()
    assert (customer.identification, customer.dv) == ("900825759", 7)


def test_a_wrong_dv_typed_with_the_nit_is_an_error_on_the_number():
    assert errors(CustomerForm(customer_data(identification="900.825.759-3"))) == {
        "identification": "El DV 3 no corresponde al NIT 900825759: debería ser 7."
    }


def test_a_dv_field_that_disagrees_with_the_typed_dv_is_an_error():
    form = CustomerForm(customer_data(identification="900825759-7", dv="3"))
    assert "El DV escrito con el NIT es 7" in errors(form)["dv"]


def test_a_cedula_with_dots_is_stored_as_digits():
    data = customer_data(
        identification_document=3,
        identification="1.020.304.050",
        legal_organization=2,
        company="",
        names="Ana",
    )
    customer = CustomerForm(data).save()
    assert (customer.identification, customer.dv) == ("1020304050", None)


def test_the_duplicate_check_sees_the_normalised_number():
    CustomerForm(customer_data()).save()
    assert (
        "Ya existe un cliente"
        in errors(CustomerForm(customer_data(identification="900.825.759-7")))["identification"]
    )


def test_the_dian_lookup_asks_for_the_bare_number():
    nit = IdentificationDocumentType.objects.get(factus_id=6)
    form = AcquirerLookupForm({"identification_document": nit.pk, "identification": "900.825.759-7"})
    assert form.is_valid()
    assert form.cleaned_data["identification"] == "900825759"


def lookup(client, document_factus_id, number):
    from django.urls import reverse

    document = IdentificationDocumentType.objects.get(factus_id=document_factus_id)
    response = client.get(
        reverse("catalog:acquirer_lookup"), {"identification_document": document.pk, "identification": number}
    )
    return json.loads(response["HX-Trigger"])["acquirer-found"]


def test_the_dian_lookup_of_a_nit_sends_its_dv_for_the_form(user_client, factus):
    assert lookup(user_client, 6, "3199991")["dv"] == compute_dv("3199991")


def test_the_dian_lookup_sends_the_number_as_stored(user_client, factus):
    assert lookup(user_client, 6, "3.199.991")["identification"] == "3199991"


def test_the_dian_lookup_of_a_cedula_sends_no_dv(user_client, factus):
    assert lookup(user_client, 3, "1399995")["dv"] is None
