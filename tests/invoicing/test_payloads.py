import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from catalog.models import IdentificationDocumentType, LegalOrganization
from invoicing.payloads import allowance_amounts, bill_fields, bill_payload, line_input, parse_stamp
from tests.invoicing.factories import CustomerFactory, InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "factus_emulator" / "fixtures"


def fixture(name):
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def test_payload_has_the_documented_shape():
    invoice = InvoiceFactory(observation="Gracias")
    InvoiceItemFactory(
        invoice=invoice, discount_rate=Decimal("20"), withholdings=[{"code": "06", "rate": "7"}]
    )
    payload = bill_payload(invoice)
    documented = fixture("bills-validate-request")
    assert set(payload) <= set(documented) | {"payment_form", "send_email"}
    assert payload["numbering_range_id"] == 8 and payload["reference_code"] == invoice.reference_code
    assert "payment_due_date" not in payload and payload["payment_method_code"] == "10"
    customer = payload["customer"]
    assert set(customer) <= set(documented["customer"]) and "dv" not in customer
    assert customer["identification_document_id"] == 3 and customer["tribute_id"] == 21
    assert customer["municipality_id"] == 980
    item = payload["items"][0]
    assert set(item) == set(documented["items"][0])
    assert (item["price"], item["discount_rate"], item["tax_rate"]) == ("50000.00", "20.00", "19.00")
    assert (item["unit_measure_id"], item["standard_code_id"], item["tribute_id"], item["is_excluded"]) == (
        70,
        1,
        1,
        0,
    )
    assert item["withholding_taxes"] == [{"code": "06", "withholding_tax_rate": "7.00"}]


def test_nit_sends_dv_credit_sends_due_date_and_no_municipality_when_unset():
    customer = CustomerFactory(
        identification="900825759",
        dv=7,
        company="Halltec",
        municipality=None,
        identification_document=IdentificationDocumentType.objects.get(factus_id=6),
        legal_organization=LegalOrganization.objects.get(factus_id=1),
    )
    invoice = InvoiceFactory(customer=customer, payment_form="2", payment_due_date=date(2030, 2, 1))
    InvoiceItemFactory(invoice=invoice, is_excluded=True)
    payload = bill_payload(invoice)
    assert payload["customer"]["dv"] == "7" and "municipality_id" not in payload["customer"]
    assert payload["payment_due_date"] == "2030-02-01"
    assert payload["items"][0]["is_excluded"] == 1 and payload["items"][0]["tax_rate"] == "0.00"


def test_response_fields_from_the_documented_response():
    fields = bill_fields(fixture("bills-validate-response")["data"])
    assert fields["number"] == "SETP990000493" and fields["prefix"] == "SETP" and len(fields["cufe"]) == 96
    assert fields["total"] == Decimal("99000.00") and fields["surcharge_amount"] == Decimal("9000.00")
    assert fields["validated_at"] == parse_stamp("09-01-2025 01:56:16 PM")
    assert fields["validated_at"].hour == 13
    assert {w["code"] for w in fields["withholdings"]} == {"05", "06"}
    assert "qr_image" not in fields["raw_response"]["bill"]


def test_line_input_from_an_item():
    item = InvoiceItemFactory.build(
        quantity=2, price=Decimal("10.00"), withholdings=[{"code": "05", "rate": "15"}]
    )
    line = line_input(item)
    assert line.quantity == 2 and line.withholdings == (("05", Decimal("15")),)


def test_allowance_charges_give_the_surcharges_and_discounts_factus_counts():
    charges = [
        {"concept_type": "03", "is_surcharge": True, "amount": "9000.00"},
        {"concept_type": "00", "is_surcharge": False, "amount": 500},
    ]
    assert allowance_amounts(charges) == ([Decimal("9000.00")], [Decimal("500")])


@pytest.mark.parametrize(
    "charges", [None, "x", ["x"], [{"is_surcharge": True, "amount": "NaN"}], [{"is_surcharge": True}]]
)
def test_odd_allowance_charges_count_for_nothing(charges):
    assert allowance_amounts(charges) == ([], [])
