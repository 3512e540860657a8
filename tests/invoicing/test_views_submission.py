"""Post/Redirect/Get, the one-time form token, the edit version stamp and the "Último intento" panel."""

import re
import uuid

import pytest
import requests
import responses
from django.urls import reverse

from factus.types import DownloadedFile
from factus_emulator.testing import register
from invoicing.models import Invoice
from tests.catalog.factories import CustomerFactory
from tests.invoicing import test_views
from tests.invoicing.test_views import BASE, draft, form_data, line, messages_of

pytestmark = pytest.mark.django_db
# The view tests' fixtures (emulator core on BASE through ``responses``), shared.
sandbox, emulator, wired, bill_range = (
    test_views.sandbox,
    test_views.emulator,
    test_views.wired,
    test_views.bill_range,
)


def detail_url(invoice) -> str:
    return reverse("invoicing:invoice_detail", args=[invoice.pk])


# --- PRG ------------------------------------------------------------------------------------------


def _fault(rsps, kind):
    url = f"{BASE}/v1/bills/validate"
    if kind == "422":
        rsps.add(
            responses.POST, url, status=422, json={"message": "x", "errors": {"items.0.price": ["Mal."]}}
        )
    elif kind == "429":
        rsps.add(responses.POST, url, status=429, headers={"Retry-After": "42"}, json={"message": "Too Many"})
    elif kind == "500":
        rsps.add(responses.POST, url, status=500, json={"message": "Server Error"})
    elif kind == "timeout":
        rsps.add(responses.POST, url, body=requests.exceptions.ReadTimeout("lento"))
    elif kind == "refused":
        rsps.add(responses.POST, url, body=requests.exceptions.ConnectionError("refused"))


@pytest.mark.parametrize(
    ("identification", "fault", "kind", "lands_on"),
    [
        ("123456789", None, "validated", "detail"),
        ("3333333333", None, "pending", "detail"),
        ("1111111111", None, "rejected", "detail"),
        ("123456789", "422", "invalid", "edit"),
        ("123456789", "429", "rate_limited", "detail"),
        ("123456789", "500", "server_error", "detail"),
        ("123456789", "timeout", "timeout", "detail"),
    ],
)
def test_every_submit_answers_302_and_the_get_shows_the_last_attempt(
    user_client, emulator, identification, fault, kind, lands_on
):
    rsps, sandbox = emulator
    if fault:
        _fault(rsps, fault)
    register(rsps, sandbox, BASE)
    invoice = draft(identification=identification)
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]))
    assert response.status_code == 302
    expected = reverse(f"invoicing:invoice_{'update' if lands_on == 'edit' else 'detail'}", args=[invoice.pk])
    assert response["Location"] == expected
    html = user_client.get(expected).text
    assert f'data-attempt-kind="{kind}"' in html and "Último intento" in html
    events = Invoice.objects.get(pk=invoice.pk).events.count()
    user_client.get(expected)  # a reload is a GET: nothing is sent again
    assert Invoice.objects.get(pk=invoice.pk).events.count() == events


def test_a_lost_answer_found_by_reference_names_the_fault_without_the_lookups_status(user_client, emulator):
    rsps, sandbox = emulator
    sandbox.configure(lose_rate=1, lose_modes="500")  # the bill is created, then Factus answers 500
    register(rsps, sandbox, BASE)
    invoice = draft()
    html = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True).text
    said = re.search(r"data-attempt-label>(.*?)</dd>", html, re.S).group(1)
    assert said == "Error del servidor de Factus; consultada después: validada por la DIAN"


def test_a_validated_bill_is_announced_once_on_the_page_it_lands_on(user_client, wired):
    invoice = draft()
    html = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True).text
    invoice.refresh_from_db()
    above_the_history = html.split('id="timeline-title"')[0]
    assert above_the_history.count(f"Factura {invoice.number} validada por la DIAN.") == 1


def test_a_lost_answer_found_validated_is_announced_once(user_client, emulator):
    rsps, sandbox = emulator
    sandbox.configure(lose_rate=1, lose_modes="500")
    register(rsps, sandbox, BASE)
    invoice = draft()
    html = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True).text
    above_the_history = html.split('id="timeline-title"')[0]
    assert above_the_history.count("consultada por su referencia, Factus sí la tenía") == 1


def test_conflict_page_is_a_get_and_reloading_it_creates_nothing(user_client, wired, bill_range):
    blocked = draft(identification="1111111111")
    user_client.post(reverse("invoicing:invoice_submit", args=[blocked.pk]))
    data = form_data(CustomerFactory(), bill_range, action="issue", form_token=str(uuid.uuid4()))
    response = user_client.post(reverse("invoicing:invoice_create"), data)
    assert response.status_code == 302
    invoice = Invoice.objects.exclude(pk=blocked.pk).get()
    assert response["Location"] == detail_url(invoice)
    for _ in range(2):
        shown = user_client.get(response["Location"])
        assert shown.status_code == 200 and 'data-attempt-kind="conflict"' in shown.text
    assert Invoice.objects.count() == 2 and len(wired.snapshot()["bills"]) == 1


def test_the_lookup_tries_are_counted_in_plain_spanish(user_client, emulator):
    rsps, sandbox = emulator
    handle = sandbox.handle

    def down(method, path, headers=None, body=b""):  # the token works; validate and lookups do not
        if path.startswith("/v1/bills"):
            return 502, {"Content-Type": "application/json"}, b'{"message": "Bad Gateway"}'
        return handle(method, path, headers, body)

    sandbox.handle = down
    register(rsps, sandbox, BASE)
    invoice = draft()
    html = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True).text
    assert "intento(s)" not in html


def test_uncertain_panel_says_the_bill_may_exist_and_offers_verify(user_client, emulator):
    rsps, sandbox = emulator
    handle = sandbox.handle

    def down(method, path, headers=None, body=b""):  # the token works; validate and lookups do not
        if path.startswith("/v1/bills"):
            return 502, {"Content-Type": "application/json"}, b'{"message": "Bad Gateway"}'
        return handle(method, path, headers, body)

    sandbox.handle = down
    register(rsps, sandbox, BASE)
    invoice = draft()
    response = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True)
    html = response.text
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.UNVERIFIED
    assert "Puede que sí: no fue posible comprobarlo." in html
    assert ">Verificar en Factus</button>" in html
    assert f'href="{reverse("invoicing:invoice_update", args=[invoice.pk])}"' not in html


def test_a_lost_answer_found_by_the_lookup_is_not_labelled_with_the_lookups_200(user_client, wired):
    wired.configure(lose_rate=1.0, lose_modes="late")
    invoice = draft()
    html = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True).text
    label = re.search(r"data-attempt-label>([^<]*)<", html)[1]
    assert label == "Sin respuesta de Factus a tiempo; consultada después: validada por la DIAN"


def test_rejection_rule_is_said_once(user_client, wired):
    invoice = draft(identification="1111111111")
    html = user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True).text
    assert html.count("Regla: ") == 1
    assert not re.search(r"Rechazo:</strong>\s*Regla:[^<]*Rechazo", html)


# --- one-time form token ----------------------------------------------------------------------------


def test_new_invoice_form_carries_a_fresh_token(user_client, bill_range):
    first = user_client.get(reverse("invoicing:invoice_create")).text
    second = user_client.get(reverse("invoicing:invoice_create")).text
    pattern = r'name="form_token" value="([0-9a-f-]{36})"'
    assert re.search(pattern, first)[1] != re.search(pattern, second)[1]


def test_two_identical_issue_posts_make_one_invoice_and_one_bill(user_client, wired, bill_range):
    data = form_data(CustomerFactory(), bill_range, action="issue", form_token=str(uuid.uuid4()))
    first = user_client.post(reverse("invoicing:invoice_create"), data)
    second = user_client.post(reverse("invoicing:invoice_create"), data, follow=True)
    invoice = Invoice.objects.get()
    assert first.status_code == 302 and second.redirect_chain == [(detail_url(invoice), 302)]
    assert len(wired.snapshot()["bills"]) == 1
    assert any("ya se había enviado" in m for m in messages_of(second))


def test_a_post_without_a_token_creates_nothing_and_keeps_what_was_typed(user_client, bill_range):
    data = form_data(CustomerFactory(), bill_range, observation="escrito a mano")
    del data["form_token"]
    response = user_client.post(reverse("invoicing:invoice_create"), data)
    assert response.status_code == 422 and not Invoice.objects.exists()
    assert "le falta su código de envío" in response.text and "escrito a mano" in response.text
    token = re.search(r'name="form_token" value="([0-9a-f-]{36})"', response.text)[1]
    again = user_client.post(reverse("invoicing:invoice_create"), {**data, "form_token": token})
    assert again.status_code == 302 and Invoice.objects.count() == 1


def test_a_post_with_a_used_token_is_refused_even_with_other_data(user_client, bill_range):
    token = str(uuid.uuid4())
    user_client.post(
        reverse("invoicing:invoice_create"), form_data(CustomerFactory(), bill_range, form_token=token)
    )
    again = form_data(CustomerFactory(), bill_range, form_token=token, observation="otra")
    response = user_client.post(reverse("invoicing:invoice_create"), again)
    assert response.status_code == 302 and Invoice.objects.count() == 1


# --- edit version stamp -------------------------------------------------------------------------------


def _edit_data(invoice, version, **header):
    data = form_data(invoice.customer, invoice.numbering_range, lines=[line(name="Cambiada")], **header)
    data["version"] = version
    return data


def test_an_edit_based_on_an_old_version_is_refused_and_nothing_is_lost(user_client, bill_range):
    invoice = draft()
    url = reverse("invoicing:invoice_update", args=[invoice.pk])
    version = re.search(r'name="version" value="([^"]+)"', user_client.get(url).text)[1]
    first = user_client.post(url, _edit_data(invoice, version, observation="pestaña 1"))
    assert first.status_code == 302
    second = user_client.post(url, _edit_data(invoice, version, observation="pestaña 2"))
    assert second.status_code == 409
    assert "La factura cambió después de abrir este formulario" in second.text
    assert "pestaña 2" in second.text  # what was typed is still on the page
    assert Invoice.objects.get(pk=invoice.pk).observation == "pestaña 1"


def test_a_stale_edit_does_not_ask_to_check_red_fields_when_none_is_red(user_client, bill_range):
    invoice = draft()
    url = reverse("invoicing:invoice_update", args=[invoice.pk])
    version = re.search(r'name="version" value="([^"]+)"', user_client.get(url).text)[1]
    user_client.post(url, _edit_data(invoice, version, observation="pestaña 1"))
    second = user_client.post(url, _edit_data(invoice, version, observation="pestaña 2"))
    assert "marcados en rojo" not in second.text


# --- QR, file names ---------------------------------------------------------------------------------


def test_a_javascript_qr_is_not_a_link(user_client):
    invoice = draft()
    Invoice.objects.filter(pk=invoice.pk).update(
        status=Invoice.Status.VALIDATED, cufe="a" * 96, number="SETP1", qr_url="javascript:alert(1)"
    )
    html = user_client.get(detail_url(invoice)).text
    assert 'href="javascript:' not in html and "Consultar en la DIAN" not in html


def test_an_https_qr_is_a_link(user_client):
    invoice = draft()
    url = "https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey=abc"
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.VALIDATED, cufe="a" * 96, qr_url=url)
    assert f'href="{url}"' in user_client.get(detail_url(invoice)).text


@pytest.mark.parametrize("name", ["SETP1\r\nSet-Cookie: x=1.pdf", '../"evil".pdf', "", "ñandú factura.pdf"])
def test_file_names_from_factus_are_made_safe(user_client, monkeypatch, name):
    from invoicing.services import documents

    class Fake:
        def download_bill_pdf(self, number):
            return DownloadedFile(name, b"%PDF-1.4", "application/pdf")

    monkeypatch.setattr(documents, "get_client", Fake)
    invoice = draft()
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.VALIDATED, number="SETP1")
    response = user_client.get(reverse("invoicing:invoice_pdf", args=[invoice.pk]) + "?download=1")
    header = response["Content-Disposition"]
    assert response.status_code == 200 and header.startswith("attachment; filename=")
    assert not re.search(r"[\r\n\"/\\]", header.split("filename=", 1)[1].strip('"'))
    assert header.endswith('.pdf"')
