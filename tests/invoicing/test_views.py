"""Invoice pages against the emulator core (``responses``, no sockets): every submit outcome."""

import re
import uuid
from decimal import Decimal

import pytest
import requests
import responses
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse

from catalog.models import MeasurementUnit, StandardCode, Tribute
from factus_emulator import Sandbox
from factus_emulator.testing import register
from invoicing.models import Invoice
from tests.catalog.factories import CompanyCustomerFactory, CustomerFactory, NumberingRangeFactory
from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

BASE = "http://factus.views.test"
pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox():
    return Sandbox(seed=11)


@pytest.fixture
def emulator(settings, sandbox):
    """Factus answered by the emulator core through ``responses``; a fresh token cache."""
    cache.clear()
    settings.FACTUS_BASE_URL = BASE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps, sandbox


@pytest.fixture
def wired(emulator):
    rsps, sandbox = emulator
    register(rsps, sandbox, BASE)
    return sandbox


@pytest.fixture
def bill_range(db):
    return NumberingRangeFactory()


@pytest.fixture
def deleter(user):
    user.user_permissions.add(Permission.objects.get(codename="delete_at_factus"))
    return user


def line(**overrides) -> dict:
    data = {
        "code_reference": "P-1",
        "name": "Portátil",
        "quantity": "1",
        "price": "1500000.00",
        "discount_rate": "11",
        "tax_rate": "19",
        "unit": MeasurementUnit.objects.get(factus_id=70).pk,
        "standard_code": StandardCode.objects.get(factus_id=1).pk,
        "tribute": Tribute.objects.get(factus_id=1).pk,
        "withholding_06": "7",
    }
    data.update(overrides)
    return data


def form_data(customer, bill_range, lines=None, action="save", **header) -> dict:
    lines = [line()] if lines is None else lines
    data = {
        "customer": customer.pk if customer else "",
        "numbering_range": bill_range.pk,
        "payment_form": "1",
        "payment_method": "10",
        "observation": "",
        "action": action,
        "form_token": str(uuid.uuid4()),  # a fresh new-invoice form (the edit form ignores it)
        "items-TOTAL_FORMS": str(len(lines)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "200",
    }
    for index, values in enumerate(lines):
        data.update({f"items-{index}-{key}": value for key, value in values.items()})
    data.update(header)
    return data


def draft(identification=None, customer=None, **item):
    customer = customer or CustomerFactory(**({"identification": identification} if identification else {}))
    invoice = InvoiceFactory(customer=customer, numbering_range=NumberingRangeFactory())
    InvoiceItemFactory(invoice=invoice, position=0, **item)
    return invoice


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- form page ------------------------------------------------------------------------------


def test_new_invoice_form_has_one_line_a_row_template_and_the_only_range_preselected(user_client, bill_range):
    response = user_client.get(reverse("invoicing:invoice_create"))
    assert response.status_code == 200
    html = response.text
    assert 'id="item-template"' in html and "items-__prefix__-price" in html
    assert 'name="items-TOTAL_FORMS" value="1"' in html
    assert f'<option value="{bill_range.pk}" selected>' in html
    assert "quedan 5.000.000 números" in html
    assert "Guardar borrador" in html and "Emitir" in html
    assert reverse("catalog:customer_search") in html and reverse("catalog:customer_create") in html


def test_configured_default_range_is_preselected_among_several(user_client, settings, bill_range):
    other = NumberingRangeFactory(factus_id=44, prefix="FE", current=1, from_number=1, to_number=100)
    settings.FACTUS_NUMBERING_RANGE_ID = 44
    html = user_client.get(reverse("invoicing:invoice_create")).text
    assert f'<option value="{other.pk}" selected>' in html
    assert f'<option value="{bill_range.pk}">' in html


def test_save_draft_keeps_two_lines_and_goes_to_the_detail(user_client, bill_range):
    customer = CustomerFactory()
    second = line(code_reference="P-2", price="50000", discount_rate="0")
    data = form_data(customer, bill_range, [line(), second])
    response = user_client.post(reverse("invoicing:invoice_create"), data)
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[invoice.pk])
    assert invoice.status == Invoice.Status.DRAFT
    assert [i.code_reference for i in invoice.items.all()] == ["P-1", "P-2"]
    assert invoice.items.first().withholdings == [{"code": "06", "rate": "7.00"}]
    detail = user_client.get(response["Location"])
    assert "$ 1.385.000,00" in detail.text  # 1 335 000 + 50 000, computed before validation


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"items-0-quantity": "0"}, "items-0-quantity", "La cantidad debe ser mayor que cero."),
        ({"items-0-quantity": "1.5"}, "items-0-quantity", "La cantidad debe ser un número entero."),
        ({"items-0-price": "0"}, "items-0-price", "El precio debe ser mayor que cero."),
        ({"items-0-price": "10,555"}, "items-0-price", "Use como máximo 2 decimales."),
        ({"items-0-discount_rate": "101"}, "items-0-discount_rate", "No puede ser mayor que 100."),
        ({"items-0-discount_rate": "-1"}, "items-0-discount_rate", "No puede ser negativo."),
        (
            {"payment_form": "2"},
            "payment_due_date",
            "La fecha de vencimiento es obligatoria para pagos a crédito.",
        ),
        ({"observation": "x" * 251}, "observation", "Use como máximo 250 caracteres (tiene 251)."),
        ({"customer": ""}, "customer", "Elija un cliente."),
        ({"items-0-name": ""}, "items-0-name", "Escriba la descripción."),
    ],
)
def test_invalid_input_is_explained_next_to_its_field_and_nothing_typed_is_lost(
    user_client, bill_range, overrides, field, message
):
    data = {**form_data(CustomerFactory(), bill_range), "observation": "Entrega en bodega", **overrides}
    response = user_client.post(reverse("invoicing:invoice_create"), data)
    assert response.status_code == 422
    assert not Invoice.objects.exists()
    html = response.text
    assert f'id="id_{field}_error">{message}' in html or (
        field == "customer" and f'id="customer-error">{message}' in html
    )
    assert 'value="Portátil"' in html if field != "items-0-name" else 'value="1500000.00"' in html
    assert ("Entrega en bodega" in html) or field == "observation"


def test_removing_every_line_is_refused_in_spanish(user_client, bill_range):
    data = form_data(CustomerFactory(), bill_range, lines=[])
    response = user_client.post(reverse("invoicing:invoice_create"), data)
    assert response.status_code == 422
    assert "Agregue al menos un ítem." in response.text


def test_excluded_item_must_have_zero_tax(user_client, bill_range):
    data = form_data(CustomerFactory(), bill_range, [line(is_excluded="on", tax_rate="19")])
    response = user_client.post(reverse("invoicing:invoice_create"), data)
    assert "Un ítem excluido de IVA debe tener IVA 0 %." in response.text


def test_live_totals_partial_uses_the_factus_arithmetic(user_client, bill_range):
    data = form_data(CustomerFactory(), bill_range, [line(), line(price="abc")])
    response = user_client.post(reverse("invoicing:invoice_totals"), data, HTTP_HX_REQUEST="true")
    html = response.text
    assert response.status_code == 200
    assert 'id="invoice-total">$ 1.335.000,00' in html
    assert "$ 1.121.848,74" in html and "$ 213.151,26" in html
    assert "ReteRenta" in html and "$ 78.529,41" in html
    assert re.search(r'id="items-0-line-total"[^>]*hx-swap-oob="true">\$ 1.335.000,00', html)
    assert re.search(r'id="items-1-line-total"[^>]*hx-swap-oob="true">—', html)
    assert "No suma la línea 2: faltan datos o hay un valor no válido." in html  # "abc" is not missing


def test_edit_page_refuses_a_validated_invoice(user_client):
    invoice = draft()
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.VALIDATED, number="SETP1")
    response = user_client.get(reverse("invoicing:invoice_update", args=[invoice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[invoice.pk])


def test_edit_draft_replaces_its_lines(user_client, bill_range):
    invoice = draft()
    page = user_client.get(reverse("invoicing:invoice_update", args=[invoice.pk]))
    assert 'value="Producto de prueba"' in page.text
    data = form_data(invoice.customer, invoice.numbering_range, [line(name="Otro")])
    response = user_client.post(reverse("invoicing:invoice_update", args=[invoice.pk]), data)
    assert response.status_code == 302
    assert [i.name for i in invoice.items.all()] == ["Otro"]


def test_duplicate_makes_a_new_draft_and_opens_it(user_client):
    invoice = draft()
    response = user_client.post(reverse("invoicing:invoice_duplicate", args=[invoice.pk]))
    copy = Invoice.objects.exclude(pk=invoice.pk).get()
    assert response["Location"] == reverse("invoicing:invoice_update", args=[copy.pk])
    assert copy.reference_code != invoice.reference_code and copy.items.count() == 1


# --- outcomes of "Emitir" -------------------------------------------------------------------


def test_issue_validated_shows_the_detail_with_cufe_qr_and_pdf(user_client, wired, bill_range):
    data = form_data(CustomerFactory(), bill_range, action="issue")
    response = user_client.post(reverse("invoicing:invoice_create"), data, follow=True)
    invoice = Invoice.objects.get()
    assert invoice.status == Invoice.Status.VALIDATED
    assert response.redirect_chain == [(reverse("invoicing:invoice_detail", args=[invoice.pk]), 302)]
    html = response.text
    assert 'data-attempt-kind="validated"' in html and "validada por la DIAN" in html
    assert invoice.cufe in html and 'src="data:image/png;base64' in html
    assert f'src="{reverse("invoicing:invoice_pdf", args=[invoice.pk])}"' in html
    assert "$ 1.335.000,00" in html and "Validada" in html
    assert "Pago de contado · Efectivo" in html


def test_issue_rejected_by_the_dian_shows_the_rule_and_the_delete_and_correct_button(client, deleter, wired):
    client.force_login(deleter)
    invoice = draft(identification="1111111111")
    response = client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.REJECTED
    html = response.text
    assert "Rechazo de la DIAN" in html
    assert re.search(r'alert-danger[^>]*data-kind="rejection"', html)
    assert "Eliminar en Factus y corregir" in html


def test_rejected_without_permission_hides_the_delete_button(user_client, wired):
    invoice = draft(identification="1111111111")
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    assert "Rechazo de la DIAN" in response.text
    assert "Eliminar en Factus y corregir" not in response.text
    assert "Pida a un usuario con el rol «Administración»" in response.text


def test_wrong_dv_nit_rejection_shows_fak24(user_client, wired):
    customer = CompanyCustomerFactory(identification="900825759", dv=3)  # the right DV is 7
    invoice = draft(customer=customer)
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    assert "FAK24" in response.text


def test_delete_and_correct_reopens_the_edit_form_with_a_new_reference(client, deleter, wired):
    client.force_login(deleter)
    invoice = draft(identification="1111111111")
    client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]))
    old = Invoice.objects.get(pk=invoice.pk).reference_code
    response = client.post(reverse("invoicing:invoice_delete", args=[invoice.pk]), {"reopen": "1"})
    assert response["Location"] == reverse("invoicing:invoice_update", args=[invoice.pk])
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.DRAFT and invoice.reference_code != old
    assert client.get(response["Location"]).status_code == 200


def test_after_delete_and_correct_the_edit_form_no_longer_says_the_bill_exists_at_factus(
    client, deleter, wired
):
    client.force_login(deleter)
    invoice = draft(identification="1111111111")
    client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]))
    response = client.post(
        reverse("invoicing:invoice_delete", args=[invoice.pk]), {"reopen": "1"}, follow=True
    )
    assert "la factura existe en Factus" not in response.text


def test_notifications_are_amber_on_a_validated_bill(user_client, wired):
    invoice = draft(identification="2222222222")
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.VALIDATED
    assert re.search(r'alert-warning[^>]*data-kind="notification"', response.text)


def test_pending_at_the_dian_offers_retry(user_client, wired):
    invoice = draft(identification="3333333333")
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PENDING_DIAN
    assert "Pendiente en la DIAN" in response.text
    assert ">Reintentar</button>" in response.text


def test_422_errors_land_on_the_matching_line_and_unknown_keys_in_a_banner(user_client, emulator):
    rsps, sandbox = emulator
    rsps.add(
        responses.POST,
        f"{BASE}/v1/bills/validate",
        status=422,
        json={
            "message": "Los datos proporcionados no son válidos.",
            "errors": {
                "items.1.price": ["El campo items.1.price debe ser numérico."],
                "customer.email": ["El campo customer.email debe ser una dirección de correo válida."],
                "foo.bar": ["Algo raro."],
            },
        },
    )
    register(rsps, sandbox, BASE)
    invoice = draft()
    InvoiceItemFactory(invoice=invoice, position=1)
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    html = response.text
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.INVALID
    assert 'id="id_items-1-price_error">El campo precio unitario (IVA incluido) debe ser numérico.' in html
    assert 'id="id_items-0-price_error"' not in html
    assert 'id="customer-error">El campo customer.email debe ser una dirección de correo válida.' in html
    assert "foo.bar: Algo raro." in html


def test_unknown_unit_at_factus_is_shown_under_that_line(user_client, wired):
    odd = MeasurementUnit.objects.create(factus_id=99999, code="ZZ9", name="Unidad inexistente")
    invoice = draft()
    InvoiceItemFactory(invoice=invoice, position=1, unit=odd)
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    assert 'id="id_items-1-unit_error">El campo unidad es inválido.' in response.text


def test_409_behind_a_rejected_bill_of_ours_offers_delete_and_correct(manager_client, wired):
    user_client = manager_client
    blocked = draft(identification="1111111111")
    user_client.post(reverse("invoicing:invoice_submit", args=[blocked.pk]))
    blocked.refresh_from_db()
    invoice = draft()
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("invoicing:invoice_detail", args=[invoice.pk])
    html = user_client.get(response["Location"]).text
    assert 'data-attempt-kind="conflict"' in html and "Documento pendiente en Factus (409)" in html
    assert re.search(r"SETP99000000\d", html) and blocked.reference_code in html
    assert "Creada desde esta aplicación" in html
    assert "rechazada por la DIAN" in html
    assert f"{reverse('invoicing:invoice_delete', args=[blocked.pk])}?reopen=1" in html
    assert "Reintentar la factura pendiente" not in html
    assert Invoice.objects.get(pk=invoice.pk).status != Invoice.Status.VALIDATED


def test_409_behind_a_pending_bill_of_ours_offers_retry_and_delete(manager_client, wired):
    user_client = manager_client
    pending = draft(identification="3333333333")
    user_client.post(reverse("invoicing:invoice_submit", args=[pending.pk]))
    assert Invoice.objects.get(pk=pending.pk).status == Invoice.Status.PENDING_DIAN
    response = user_client.post(reverse("invoicing:invoice_submit", args=[draft().pk]), follow=True)
    assert response.redirect_chain[0][1] == 302
    html = response.text
    assert "Reintentar la factura pendiente" in html
    assert reverse("invoicing:invoice_submit", args=[pending.pk]) in html
    assert f'href="{reverse("invoicing:invoice_delete", args=[pending.pk])}"' in html


def test_timeout_keeps_the_draft_and_offers_retry(user_client, emulator):
    rsps, sandbox = emulator
    rsps.add(responses.POST, f"{BASE}/v1/bills/validate", body=requests.exceptions.ReadTimeout("lento"))
    register(rsps, sandbox, BASE)
    invoice = draft()
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    assert response.status_code == 200
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.FAILED
    assert "El último envío no se completó" in response.text
    assert ">Reintentar</button>" in response.text


def test_server_error_is_a_message_not_a_500(user_client, emulator):
    rsps, sandbox = emulator
    rsps.add(responses.POST, f"{BASE}/v1/bills/validate", status=503, json={"message": "Service Unavailable"})
    register(rsps, sandbox, BASE)
    invoice = draft()
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    assert response.status_code == 200
    assert "Error del servidor de Factus" in response.text
    assert Invoice.objects.get(pk=invoice.pk).is_submittable


def test_rate_limit_says_when_to_retry(user_client, emulator):
    rsps, sandbox = emulator
    rsps.add(
        responses.POST,
        f"{BASE}/v1/bills/validate",
        status=429,
        headers={"Retry-After": "42"},
        json={"message": "Too Many Attempts."},
    )
    register(rsps, sandbox, BASE)
    invoice = draft()
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    html = response.text
    assert "Límite de solicitudes de Factus (429)" in html
    assert html.count("Intente de nuevo después de las") == 1
    assert "No: la factura no se creó en Factus." in html


def test_an_absurd_retry_after_is_a_page_not_a_500(user_client, emulator):
    rsps, sandbox = emulator
    rsps.add(
        responses.POST,
        f"{BASE}/v1/bills/validate",
        status=429,
        headers={"Retry-After": "99999999999999999999"},
        json={"message": "Too Many Attempts."},
    )
    register(rsps, sandbox, BASE)
    invoice = draft()
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    assert response.status_code == 200
    assert "Intente de nuevo después de las" in response.text


def test_422_on_a_line_number_written_in_superscript_is_a_banner_not_a_500(user_client, emulator):
    rsps, sandbox = emulator
    errors = {"items.\u00b9.price": ["Precio raro."]}
    rsps.add(responses.POST, f"{BASE}/v1/bills/validate", status=422, json={"message": "x", "errors": errors})
    register(rsps, sandbox, BASE)
    invoice = draft()
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    assert response.status_code == 200
    assert "items.\u00b9.price: Precio raro." in response.text


def test_a_factus_message_with_a_lone_surrogate_is_recorded_not_a_500(user_client, emulator):
    rsps, sandbox = emulator
    body = '{"message": "Documento pendiente \\ud800"}'
    rsps.add(
        responses.POST, f"{BASE}/v1/bills/validate", status=409, body=body, content_type="application/json"
    )
    register(rsps, sandbox, BASE)
    invoice = draft()
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    assert response.status_code == 200
    assert "Documento pendiente \ufffd" in Invoice.objects.get(pk=invoice.pk).events.get().message


def test_second_click_while_sending_is_refused_politely(user_client, wired):
    invoice = draft()
    Invoice.objects.filter(pk=invoice.pk).update(
        status=Invoice.Status.SUBMITTING,
        submitting_since=invoice.created_at.now(tz=invoice.created_at.tzinfo),
    )
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    assert any("ya se está enviando" in m for m in messages_of(response))
    assert not wired.snapshot()["bills"]


# --- documents, e-mail, delete --------------------------------------------------------------


@pytest.fixture
def validated(user_client, wired):
    invoice = draft()
    user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VALIDATED
    return invoice


def test_pdf_inline_and_as_download(user_client, validated):
    url = reverse("invoicing:invoice_pdf", args=[validated.pk])
    inline = user_client.get(url)
    assert inline["Content-Type"] == "application/pdf" and inline.content.startswith(b"%PDF")
    assert inline["Content-Disposition"].startswith("inline;")
    assert inline["X-Frame-Options"] == "SAMEORIGIN"
    download = user_client.get(url + "?download=1")
    assert download["Content-Disposition"].startswith("attachment;")


def test_xml_download(user_client, validated):
    response = user_client.get(reverse("invoicing:invoice_xml", args=[validated.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"<" in response.content


def test_pdf_of_a_draft_is_a_message_not_a_500(user_client, wired):
    response = user_client.get(reverse("invoicing:invoice_pdf", args=[draft().pk]))
    assert response.status_code == 502
    assert "Solo las facturas validadas" in response.text


def test_email_goes_to_the_typed_address_and_is_recorded(user_client, validated, wired):
    url = reverse("invoicing:invoice_email", args=[validated.pk])
    detail = user_client.get(reverse("invoicing:invoice_detail", args=[validated.pk])).text
    assert f'value="{validated.customer.email}"' in detail
    response = user_client.post(url, {"email": "contabilidad@example.com"}, follow=True)
    assert any("contabilidad@example.com" in m or "éxito" in m for m in messages_of(response))
    assert wired.outbox[-1]["to"] == "contabilidad@example.com"
    assert validated.events.filter(action="email").exists()
    bad = user_client.post(url, {"email": "no-es-correo"})
    assert bad.status_code == 422 and "Escriba un correo válido." in bad.text


def test_delete_needs_the_permission(user_client, client, deleter, wired):
    invoice = draft(identification="3333333333")
    url = reverse("invoicing:invoice_delete", args=[invoice.pk])
    detail_url = reverse("invoicing:invoice_detail", args=[invoice.pk])
    user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]))
    user_client.user = None
    deleter.user_permissions.clear()
    assert user_client.get(url).status_code == 403
    assert user_client.post(url).status_code == 403
    assert ">Eliminar en Factus</a>" not in user_client.get(detail_url).text
    deleter.user_permissions.add(Permission.objects.get(codename="delete_at_factus"))
    client.force_login(deleter)
    assert ">Eliminar en Factus</a>" in client.get(detail_url).text
    confirm = client.get(url)
    assert confirm.status_code == 200 and "¿Eliminar en Factus" in confirm.text
    response = client.post(url)
    assert response["Location"] == detail_url
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.DELETED


def test_deleting_a_validated_invoice_is_refused_with_a_message(client, deleter, validated):
    client.force_login(deleter)
    response = client.post(reverse("invoicing:invoice_delete", args=[validated.pk]), follow=True)
    assert any("Solo se pueden eliminar" in m for m in messages_of(response))


def test_missing_invoice_is_404(user_client):
    assert user_client.get(reverse("invoicing:invoice_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("nested", [[1], "x", None])
def test_detail_of_a_bill_whose_stored_answer_has_odd_keys_is_a_page(user_client, nested):
    invoice = draft()
    Invoice.objects.filter(pk=invoice.pk).update(raw_response={"company": None, "data": nested})
    assert user_client.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).status_code == 200


def test_totals_on_the_detail_come_from_factus_once_validated(user_client, validated):
    Invoice.objects.filter(pk=validated.pk).update(total=Decimal("1.00"))
    html = user_client.get(reverse("invoicing:invoice_detail", args=[validated.pk])).text
    assert 'id="invoice-total">$ 1,00' in html
