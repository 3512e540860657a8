"""Hypothesis throws arbitrary input at the forms and endpoints: never a 500."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.forms import CustomerForm, ProductForm

pytestmark = pytest.mark.django_db
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)
anything = st.one_of(text, st.integers(-(10**20), 10**20).map(str), st.decimals(allow_nan=True).map(str))
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

CUSTOMER_FIELDS = [
    "identification_document",
    "identification",
    "dv",
    "legal_organization",
    "company",
    "names",
    "tribute",
    "municipality",
    "email",
    "phone",
]
PRODUCT_FIELDS = [
    "code_reference",
    "name",
    "price",
    "tax_rate",
    "is_excluded",
    "unit",
    "standard_code",
    "tribute",
    "withholding_05",
    "withholding_06",
    "withholding_07",
]


@FUZZ
@given(st.fixed_dictionaries({}, optional={f: anything for f in CUSTOMER_FIELDS}))
def test_customer_form_never_crashes(data):
    form = CustomerForm(data)
    if form.is_valid():
        form.save()


@FUZZ
@given(st.fixed_dictionaries({}, optional={f: anything for f in PRODUCT_FIELDS}))
def test_product_form_never_crashes(data):
    form = ProductForm(data)
    if form.is_valid():
        form.save()


@FUZZ
@given(
    name=st.sampled_from(
        [
            "catalog:customer_list",
            "catalog:product_list",
            "catalog:customer_search",
            "catalog:product_search",
            "catalog:municipality_search",
        ]
    ),
    params=st.dictionaries(st.sampled_from(["q", "orden", "page", "municipality_q"]), anything, max_size=4),
)
def test_get_endpoints_never_500(user_client, name, params):
    assert user_client.get(reverse(name), params).status_code == 200


@FUZZ
@given(data=st.dictionaries(st.sampled_from(CUSTOMER_FIELDS), anything, max_size=8))
def test_customer_post_never_500(user_client, data):
    assert user_client.post(reverse("catalog:customer_create"), data).status_code in (200, 302)


@FUZZ
@given(data=st.dictionaries(st.sampled_from(PRODUCT_FIELDS), anything, max_size=8))
def test_product_post_never_500(user_client, data):
    assert user_client.post(reverse("catalog:product_create"), data).status_code in (200, 302)


@FUZZ
@given(doc=anything, number=anything)
def test_acquirer_lookup_never_500(user_client, factus, doc, number):
    response = user_client.get(
        reverse("catalog:acquirer_lookup"), {"identification_document": doc, "identification": number}
    )
    assert response.status_code == 200
