"""Bill behaviour: totals, validation, DIAN triggers, pending rules, lists."""

import pytest

from .conftest import docs_bill, nit_customer, seed_bill


def test_docs_example_totals_to_the_cent(api):
    data = api.validate(docs_bill()).json()["data"]
    bill, items = data["bill"], data["items"]
    assert (bill["gross_value"], bill["taxable_amount"], bill["tax_amount"]) == (
        "81232.50",
        "81232.50",
        "8767.50",
    )
    assert (bill["surcharge_amount"], bill["discount_amount"], bill["total"]) == (
        "9000.00",
        "0.00",
        "99000.00",
    )
    assert [(i["gross_value"], i["tax_amount"], i["discount"], i["total"]) for i in items] == [
        ("33613.45", "6386.55", "8403.36", 40000),
        ("47619.05", "2380.95", "0.00", 50000),
    ]
    assert data["withholding_taxes"] == [
        {"tribute_code": "05", "name": "ReteIVA", "value": "957.98"},
        {"tribute_code": "06", "name": "ReteRenta", "value": "2352.94"},
    ]
    assert data["allowance_charges"][0]["percentage"] == "10.00"


def test_seed_example_totals(api):
    data = api.validate(seed_bill()).json()["data"]
    bill, item = data["bill"], data["items"][0]
    assert bill["total"] == "1335000.00" and item["total"] == 1335000
    assert (item["gross_value"], item["tax_amount"], item["discount"]) == (
        "1121848.74",
        "213151.26",
        "138655.46",
    )
    assert item["withholding_taxes"][0]["value"] == "78529.41"


def test_excluded_exempt_quantity_and_reteica(api):
    payload = seed_bill()
    base = payload["items"][0]
    payload["items"] = [
        {
            **base,
            "price": "1000.50",
            "quantity": 3,
            "discount_rate": 0,
            "is_excluded": 1,
            "withholding_taxes": [{"code": "07", "withholding_tax_rate": "1.00"}],
        },
        {**base, "price": 2000, "discount_rate": "10.5", "tax_rate": "0.00", "withholding_taxes": []},
    ]
    items = api.validate(payload).json()["data"]["items"]
    assert (items[0]["tax_rate"], items[0]["taxable_amount"], items[0]["tax_amount"]) == (
        "0.00",
        "0.00",
        "0.00",
    )
    assert items[0]["gross_value"] == "3001.50" and items[0]["total"] == 3001.5
    assert items[0]["withholding_taxes"][0]["value"] == "30.02"
    assert (items[1]["gross_value"], items[1]["taxable_amount"], items[1]["discount"]) == (
        "1790.00",
        "1790.00",
        "210.00",
    )


def test_bill_envelope_details(api):
    bill = api.validate(seed_bill()).json()["data"]["bill"]
    assert bill["number"] == "SETP990000001" and len(bill["cufe"]) == 96
    assert bill["qr"].endswith(f"documentkey={bill['cufe']}")
    assert bill["qr_image"].startswith("data:image/png;base64, iVBOR")
    assert bill["validated"] == "09-10-2025 03:53:20 AM"  # America/Bogota
    second = api.validate(seed_bill("seed-2")).json()["data"]["bill"]
    assert second["number"] == "SETP990000002" and second["cufe"] != bill["cufe"]
    ranges = api.get("/v1/numbering-ranges/8").json()["data"]
    assert ranges["current"] == 990000003


def test_field_errors_are_dotted_and_spanish(api):
    payload = seed_bill()
    payload["items"][0].update(quantity="1.5", price="abc", unit_measure_id=99999)
    payload["customer"]["email"] = "no-es-correo"
    response = api.validate(payload)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors == {
        "customer.email": ["El campo customer.email debe ser una dirección de correo válida."],
        "items.0.quantity": ["El campo items.0.quantity debe ser un número entero."],
        "items.0.price": ["El campo items.0.price debe ser numérico."],
        "items.0.unit_measure_id": ["El campo items.0.unit_measure_id es inválido."],
    }
    assert response.json()["message"].endswith("válida. (and 3 more errors)")


def test_single_extra_error_is_singular(api):
    payload = seed_bill()
    del payload["items"][0]["name"], payload["items"][0]["code_reference"]
    assert (
        api.validate(payload).json()["message"]
        == "El campo items.0.code_reference es obligatorio. (and 1 more error)"
    )


def test_numeric_strings_are_accepted(api):
    payload = seed_bill()
    payload["numbering_range_id"] = "8"
    payload["items"][0].update(
        quantity="2",
        price="1500000.00",
        discount_rate="11",
        unit_measure_id="70",
        tribute_id="1",
        is_excluded="0",
    )
    assert api.validate(payload).json()["data"]["bill"]["total"] == "2670000.00"


@pytest.mark.parametrize("range_id", [4, 5, 9, 777, None])
def test_numbering_range(api, range_id):
    payload = seed_bill()
    if range_id is None:
        del payload["numbering_range_id"]  # one usable bill range: the API picks it
        assert api.validate(payload).json()["data"]["numbering_range"]["prefix"] == "SETP"
        return
    payload["numbering_range_id"] = range_id
    response = api.validate(payload)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "numbering_range_id": ["El campo id rango de numeración es inválido."]
    }


def test_validated_reference_cannot_be_reused(api):
    api.validate(seed_bill("dup"))
    response = api.validate(seed_bill("dup"))
    assert response.status_code == 422
    assert response.json() == {
        "message": "El campo código de referencia ya ha sido registrado.",
        "errors": {"reference_code": ["El campo código de referencia ya ha sido registrado."]},
    }


def test_rejected_bill_blocks_until_deleted(api):
    rejected = api.validate(seed_bill("bad", **nit_customer("900825759", 3)))
    assert rejected.status_code == 422
    stored = api.get("/v1/bills", params={"filter[reference_code]": "bad"}).json()["data"]["data"]
    assert stored[0]["status"] == 0 and "Rechazo" in stored[0]["errors"][0]
    assert api.validate(seed_bill("bad", **nit_customer("900825759", 7))).status_code == 409
    assert api.validate(seed_bill("good")).status_code == 409
    assert api.delete("/v1/bills/destroy/reference/bad").status_code == 200
    fixed = api.validate(seed_bill("bad", **nit_customer("900825759", 7)))
    assert fixed.status_code == 201
    assert fixed.json()["data"]["customer"]["dv"] == "7"


def test_nit_without_dv_gets_computed_dv(api):
    customer = nit_customer("901724254", None)
    assert api.validate(seed_bill(**customer)).json()["data"]["customer"]["dv"] == "1"


def test_acquirer_not_enabled_rejection(api):
    response = api.validate(seed_bill("x", identification="1111111111"))
    assert response.status_code == 422
    assert list(response.json()["data"]["errors"]) == ["FAB05b"]


def test_notification_keeps_bill_validated(api):
    bill = api.validate(seed_bill("n", identification="2222222222")).json()["data"]["bill"]
    assert bill["status"] == 1
    assert bill["errors"] == [
        "Regla: FAJ43b, Notificación: Nombre informado No corresponde al "
        "registrado en el RUT con respecto al Nit suminstrado."
    ]


def test_slow_dian_then_retry_with_same_reference(api):
    first = api.validate(seed_bill("slow", identification="3333333333"))
    assert first.status_code == 201
    bill = first.json()["data"]["bill"]
    assert (bill["status"], bill["errors"], bill["validated"]) == (0, [], None)
    assert api.validate(seed_bill("another")).status_code == 409
    retry = api.validate(seed_bill("slow", identification="3333333333")).json()["data"]["bill"]
    assert (retry["status"], retry["id"], retry["number"]) == (1, bill["id"], bill["number"])
    assert api.validate(seed_bill("another")).status_code == 201


def test_list_filters_and_pages(api):
    for n in range(11):
        api.validate(seed_bill(f"R{n}", names=f"Cliente Ñandú {n}", identification=str(1000 + n)))

    def rows(**query):
        return api.get("/v1/bills", params=query).json()["data"]

    assert [r["reference_code"] for r in rows()["data"]][:2] == ["R10", "R9"]
    assert [r["reference_code"] for r in rows(page=2)["data"]] == ["R0"]
    assert rows(page=9)["data"] == [] and rows(page=9)["pagination"]["total"] == 11
    assert [r["reference_code"] for r in rows(**{"filter[reference_code]": "R1"})["data"]] == ["R1"]
    assert len(rows(**{"filter[names]": "nandu 1"})["data"]) == 2
    assert len(rows(**{"filter[identification]": "100"})["data"]) == 10
    assert len(rows(**{"filter[number]": "SETP990000011"})["data"]) == 1
    assert rows(**{"filter[prefix]": "SETT"})["data"] == []
    assert rows(**{"filter[status]": "0"})["data"] == []
    assert rows(**{"filter[status]": "1"})["pagination"]["total"] == 11


def test_send_email_goes_to_outbox(api):
    payload = seed_bill()
    payload["send_email"] = True
    number = api.validate(payload).json()["data"]["bill"]["number"]
    api.post(f"/v1/bills/send-email/{number}", json={"email": "otro@cliente.co"})
    outbox = api.get("/_emulator/outbox").json()
    assert [m["to"] for m in outbox] == ["alanturing@enigmasas.com", "otro@cliente.co"]
    assert outbox[0]["number"] == number
    bad = api.post(f"/v1/bills/send-email/{number}", json={})
    assert bad.status_code == 422 and "email" in bad.json()["errors"]


def test_absurd_amounts_are_a_422_not_an_overflow(api):
    payload = seed_bill()
    payload["items"][0].update(price="1" + "0" * 29, quantity=10**30)
    response = api.validate(payload)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"items.0.price", "items.0.quantity"}
