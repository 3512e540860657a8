"""Credit-note pages against the emulator core (``responses``, no sockets): void, partial notes, live
totals, every submit outcome (PRG), the one-time form token, documents, e-mail, delete and correct."""

import re
import uuid
from decimal import Decimal

import pytest
import requests
import responses
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factus_emulator import Sandbox
from factus_emulator.testing import register
from invoicing.models import CreditNote, Invoice
from invoicing.services import invoice_submit
from tests.catalog.factories import CustomerFactory, NumberingRangeFactory
from tests.invoicing.factories import InvoiceFactory, InvoiceItemFactory

BASE = "http://factus.cn-views.test"
NOTES = f"{BASE}/v1/credit-notes/validate"
pytestmark = pytest.mark.django_db
Status = CreditNote.Status


@pytest.fixture
def sandbox():
    return Sandbox(seed=13)


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
def ranges(note_range):
    """The emulator's bill range (SETP, 8) and credit-note range (NC, 9: conftest's ``note_range``)."""
    return NumberingRangeFactory()


@pytest.fixture
def issuer(user, client):
    for codename in ("delete_at_factus",):  # Facturación makes and issues notes; deleting is Administración's
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    return client


def validated(user, lines=((2, "50000.00"), (1, "119000.00"))) -> Invoice:
    """An invoice validated by the emulator: one line per (quantity, price), 19 % IVA."""
    invoice = InvoiceFactory(customer=CustomerFactory(names="Andrea Gómez", email="andrea@example.com"))
    for position, (quantity, price) in enumerate(lines):
        InvoiceItemFactory(invoice=invoice, position=position, quantity=quantity, price=Decimal(price))
    assert invoice_submit(invoice_id=invoice.pk, user=user).outcome == "validated"
    return Invoice.objects.get(pk=invoice.pk)


@pytest.fixture
def invoice(wired, ranges, user):
    return validated(user)


def partial(invoice, quantities=None, prices=None, concept="1", action="issue", token=None, **extra) -> dict:
    """The partial-note form as the page posts it: every invoice line is a row."""
    items = list(invoice.items.order_by("position", "id"))
    data = {
        "concept": concept,
        "observation": "",
        "action": action,
        "form_token": str(token or uuid.uuid4()),
        "lines-TOTAL_FORMS": str(len(items)),
        "lines-INITIAL_FORMS": "0",
    }
    for index, item in enumerate(items):
        data[f"lines-{index}-invoice_item"] = str(item.pk)
        data[f"lines-{index}-quantity"] = (quantities or {}).get(index, "")
        data[f"lines-{index}-price"] = (prices or {}).get(index, "")
    data.update(extra)
    return data


def create_url(invoice):
    return reverse("invoicing:credit_note_create", args=[invoice.pk])


def void_url(invoice):
    return reverse("invoicing:credit_note_void", args=[invoice.pk])


def detail(client, note) -> str:
    return client.get(reverse("credit_notes:detail", args=[note.pk])).text


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- "Anular factura" ------------------------------------------------------------------------------


def test_void_confirmation_shows_what_is_credited_and_the_total(issuer, invoice):
    html = issuer.get(void_url(invoice)).text
    assert 'id="void-total">$ 219.000,00' in html
    assert html.count('<td class="num money">') == 2
    assert "Emitir nota crédito</button>" in html


def test_void_issues_a_full_note_and_the_invoice_reads_anulada(issuer, invoice, wired):
    response = issuer.post(void_url(invoice), {"form_token": str(uuid.uuid4()), "observation": "Cancelada"})
    note = CreditNote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("credit_notes:detail", args=[note.pk])
    assert (note.status, note.correction_concept, note.total) == (Status.VALIDATED, "2", invoice.total)
    html = issuer.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).text
    assert "data-voided>Anulada</span>" in html
    assert "data-balance>$ 0,00" in html
    assert "Anular factura</a>" not in html and "Nota crédito parcial</a>" not in html


def test_the_same_void_form_posted_twice_makes_one_note(issuer, invoice, wired):
    data = {"form_token": str(uuid.uuid4()), "observation": ""}
    issuer.post(void_url(invoice), data)
    again = issuer.post(void_url(invoice), data, follow=True)
    assert CreditNote.objects.count() == 1
    assert len(wired.snapshot()["credit_notes"]) == 1
    assert any("ya se había enviado" in m for m in messages_of(again))


def test_a_void_form_without_its_token_saves_nothing(issuer, invoice, wired):
    response = issuer.post(void_url(invoice), {"observation": ""})
    assert response.status_code == 422
    assert "le falta su código de envío" in response.text
    assert not CreditNote.objects.exists()


def test_an_invoice_not_validated_cannot_be_voided(issuer, wired, ranges):
    draft = InvoiceFactory()
    InvoiceItemFactory(invoice=draft)
    response = issuer.get(void_url(draft), follow=True)
    assert any("facturas validadas" in m for m in messages_of(response))
    assert issuer.post(void_url(draft), {"form_token": str(uuid.uuid4())}).status_code == 302
    assert not CreditNote.objects.exists()


# --- partial note ----------------------------------------------------------------------------------


def test_the_partial_form_lists_each_line_with_what_is_left(issuer, invoice):
    html = issuer.get(create_url(invoice)).text
    assert "Queda por acreditar: 2 de 2 · $ 100.000,00" in html
    assert "Queda por acreditar: 1 de 1 · $ 119.000,00" in html
    assert 'name="concept"' in html and '<option value="2"' not in html


def test_a_partial_return_of_one_line_is_validated_and_leaves_the_balance(issuer, invoice, wired):
    response = issuer.post(create_url(invoice), partial(invoice, {0: "1"}))
    note = CreditNote.objects.get()
    assert response["Location"] == reverse("credit_notes:detail", args=[note.pk])
    assert note.status == Status.VALIDATED and note.total == Decimal("50000.00")
    html = issuer.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).text
    assert "data-balance>$ 169.000,00" in html
    assert "data-voided" not in html


def test_an_over_credit_is_refused_next_to_its_line_and_nothing_is_sent(issuer, invoice, wired):
    response = issuer.post(create_url(invoice), partial(invoice, {0: "3"}))
    assert response.status_code == 422
    assert re.search(r'id="id_lines-0-quantity_error">Quedan 2 unidad\(es\)', response.text)
    assert 'value="3"' in response.text
    assert not CreditNote.objects.exists()
    assert wired.snapshot()["credit_notes"] == []


def test_a_reduction_needs_its_price(issuer, invoice):
    response = issuer.post(create_url(invoice), partial(invoice, {1: "1"}, concept="3"))
    assert response.status_code == 422
    assert 'id="id_lines-1-price_error">Escriba la rebaja por unidad' in response.text


def test_a_reduction_over_the_largest_price_says_so_as_a_reduction(issuer, invoice):
    response = issuer.post(
        create_url(invoice), partial(invoice, {1: "1"}, {1: "9.999.999.999.999"}, concept="3")
    )
    assert 'id="id_lines-1-price_error">La rebaja máxima es $ 999.999.999.999,99 por unidad.' in response.text


def test_a_reduction_of_one_line_is_issued(issuer, invoice, wired):
    issuer.post(create_url(invoice), partial(invoice, {1: "1"}, {1: "11.900,00"}, concept="3"))
    note = CreditNote.objects.get()
    assert (note.status, note.total) == (Status.VALIDATED, Decimal("11900.00"))


def test_a_note_without_any_line_is_refused(issuer, invoice):
    response = issuer.post(create_url(invoice), partial(invoice))
    assert response.status_code == 422
    assert "Escriba la cantidad de al menos una línea." in response.text


def test_a_draft_is_saved_then_issued_from_its_page(issuer, invoice, wired):
    response = issuer.post(create_url(invoice), partial(invoice, {0: "2"}, action="save"))
    note = CreditNote.objects.get()
    assert response["Location"] == reverse("credit_notes:detail", args=[note.pk])
    assert note.status == Status.DRAFT and not wired.snapshot()["credit_notes"]
    assert ">Emitir</button>" in detail(issuer, note)
    issuer.post(reverse("credit_notes:submit", args=[note.pk]))
    assert CreditNote.objects.get().status == Status.VALIDATED


def _edited_in_two_tabs(issuer, invoice):
    """A draft opened in two tabs; the first saves 2 units: the second tab's form is now stale."""
    issuer.post(create_url(invoice), partial(invoice, {0: "1"}, action="save"))
    note = CreditNote.objects.get()
    url = reverse("credit_notes:update", args=[note.pk])
    form = issuer.get(url).text
    version = re.search(r'name="version" value="([^"]+)"', form).group(1)
    issuer.post(url, partial(invoice, {0: "2"}, action="save", version=version))
    return issuer.post(url, partial(invoice, {0: "3"}, action="save", version=version)), note


def test_a_note_edited_meanwhile_in_another_tab_is_not_overwritten(issuer, invoice, wired):
    _response, note = _edited_in_two_tabs(issuer, invoice)
    assert note.items.get().quantity == 2


def test_the_stale_tab_is_told_and_keeps_what_was_typed(issuer, invoice, wired):
    response, _note = _edited_in_two_tabs(issuer, invoice)
    assert response.status_code == 409
    assert "La nota crédito cambió después de abrir este formulario" in response.text
    assert 'name="lines-0-quantity" value="3"' in response.text


def test_a_draft_over_credited_meanwhile_is_refused_when_sent_and_opens_its_form(issuer, invoice, wired):
    issuer.post(create_url(invoice), partial(invoice, {0: "2"}, action="save"))
    draft = CreditNote.objects.get()
    issuer.post(create_url(invoice), partial(invoice, {0: "1"}))  # another tab credits one unit
    response = issuer.post(reverse("credit_notes:submit", args=[draft.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("credit_notes:update", args=[draft.pk])
    assert any("quedan 1 unidad(es)" in m for m in messages_of(response))
    assert CreditNote.objects.get(pk=draft.pk).status == Status.DRAFT
    assert len(wired.snapshot()["credit_notes"]) == 1
    live = totals(issuer, invoice, partial(invoice, {0: "2"}))
    assert re.search(r'id="lines-0-feedback" hx-swap-oob="true">\s*<div[^>]*>Quedan 1 unidad', live)


def test_the_partial_form_posted_twice_makes_one_note(issuer, invoice, wired):
    data = partial(invoice, {0: "1"})
    issuer.post(create_url(invoice), data)
    again = issuer.post(create_url(invoice), data, follow=True)
    assert CreditNote.objects.count() == 1
    assert any("ya se había enviado" in m for m in messages_of(again))


def test_issuing_a_total_the_page_did_not_show_is_refused(issuer, invoice, wired):
    response = issuer.post(create_url(invoice), partial(invoice, {0: "2"}, shown_total="50000.00"))
    assert response.status_code == 422
    assert "El total cambió: esta nota crédito suma $ 100.000,00." in response.text
    assert not CreditNote.objects.exists()
    again = issuer.post(create_url(invoice), partial(invoice, {0: "2"}, shown_total="100000.00"))
    assert again.status_code == 302 and CreditNote.objects.get().status == Status.VALIDATED


def test_a_void_whose_total_moved_since_the_page_was_shown_is_refused(issuer, invoice, wired):
    issuer.post(create_url(invoice), partial(invoice, {0: "1"}))  # another note, from another tab
    response = issuer.post(void_url(invoice), {"form_token": str(uuid.uuid4()), "shown_total": "219000.00"})
    assert response.status_code == 422
    assert "El total cambió: esta nota crédito suma $ 169.000,00." in response.text
    assert CreditNote.objects.count() == 1


# --- live totals -----------------------------------------------------------------------------------


def totals(client, invoice, data):
    return client.post(reverse("invoicing:credit_note_totals", args=[invoice.pk]), data).text


def test_live_totals_use_the_invoice_arithmetic(issuer, invoice):
    html = totals(issuer, invoice, partial(invoice, {0: "1", 1: "1"}))
    assert 'id="credit-note-total">$ 169.000,00' in html
    assert 'name="shown_total" value="169000.00"' in html
    assert 'id="lines-0-line-total" class="money line-total" hx-swap-oob="true">$ 50.000,00' in html


def test_live_totals_put_an_over_credit_on_its_line(issuer, invoice):
    html = totals(issuer, invoice, partial(invoice, {0: "5"}))
    assert 'id="credit-note-total">—' in html
    assert re.search(r'id="lines-0-feedback" hx-swap-oob="true">\s*<div[^>]*>Quedan 2 unidad', html)


def test_live_totals_say_what_cannot_be_read(issuer, invoice):
    html = totals(issuer, invoice, partial(invoice, {0: "1,5", 1: "1"}))
    assert 'id="id_lines-0-quantity_error">' in html
    assert 'id="credit-note-total">$ 119.000,00' in html


# --- outcomes --------------------------------------------------------------------------------------


def test_pending_at_the_dian_offers_retry(issuer, invoice, wired):
    issuer.post(create_url(invoice), partial(invoice, {0: "1"}, observation="emulator:pendiente"))
    note = CreditNote.objects.get()
    html = detail(issuer, note)
    assert note.status == Status.PENDING_DIAN
    assert "Pendiente en la DIAN" in html and ">Reintentar</button>" in html
    issuer.post(reverse("credit_notes:submit", args=[note.pk]))
    assert CreditNote.objects.get().status == Status.VALIDATED


def test_409_names_the_blocking_note_and_offers_its_actions(issuer, invoice, wired):
    issuer.post(create_url(invoice), partial(invoice, {0: "1"}, observation="emulator:pendiente"))
    pending = CreditNote.objects.get()
    response = issuer.post(create_url(invoice), partial(invoice, {1: "1"}))
    blocked = CreditNote.objects.exclude(pk=pending.pk).get()
    assert response["Location"] == reverse("credit_notes:detail", args=[blocked.pk])
    html = detail(issuer, blocked)
    assert "Documento pendiente en Factus (409)" in html
    assert "Nota crédito que bloquea" in html and pending.reference_code in html
    assert reverse("credit_notes:submit", args=[pending.pk]) in html


def test_a_timeout_offers_to_verify_or_retry(issuer, invoice, emulator):
    rsps, _sandbox = emulator
    rsps.add(responses.POST, NOTES, body=requests.exceptions.ReadTimeout("lento"))
    issuer.post(create_url(invoice), partial(invoice, {0: "1"}))
    note = CreditNote.objects.get()
    html = detail(issuer, note)
    assert 'data-attempt-kind="timeout"' in html
    assert ">Verificar en Factus</button>" in html or ">Reintentar</button>" in html


def test_a_server_error_is_a_page_not_a_500(issuer, invoice, emulator):
    rsps, _sandbox = emulator
    rsps.add(responses.POST, NOTES, status=503, json={"message": "Service Unavailable"})
    response = issuer.post(create_url(invoice), partial(invoice, {0: "1"}), follow=True)
    assert response.status_code == 200
    assert "Error del servidor de Factus" in response.text


def test_a_rate_limit_says_when_to_retry(issuer, invoice, emulator):
    rsps, _sandbox = emulator
    rsps.add(responses.POST, NOTES, status=429, headers={"Retry-After": "42"}, json={"message": "Too Many"})
    response = issuer.post(create_url(invoice), partial(invoice, {0: "1"}), follow=True)
    assert response.text.count("Intente de nuevo después de las") == 1
    assert "No: la nota crédito no se creó en Factus." in response.text


def test_a_factus_422_lands_on_the_edit_form_next_to_the_line(issuer, invoice, emulator):
    rsps, _sandbox = emulator
    rsps.add(
        responses.POST,
        NOTES,
        status=422,
        json={
            "message": "Datos inválidos",
            "errors": {"items.0.quantity": ["El campo items.0.quantity es inválido."], "foo": ["Raro."]},
        },
    )
    response = issuer.post(create_url(invoice), partial(invoice, {1: "1"}))
    note = CreditNote.objects.get()
    assert response["Location"] == reverse("credit_notes:update", args=[note.pk])
    html = issuer.get(response["Location"]).text
    assert 'id="id_lines-1-quantity_error">El campo cantidad es inválido.' in html
    assert 'id="id_lines-0-quantity_error"' not in html
    assert "foo: Raro." in html


def test_a_rejected_note_is_deleted_at_factus_and_corrected(issuer, invoice, wired):
    issuer.post(create_url(invoice), partial(invoice, {0: "1"}, observation="emulator:rechazo"))
    note = CreditNote.objects.get()
    assert note.status == Status.REJECTED
    assert "Eliminar en Factus y corregir</button>" in detail(issuer, note)
    response = issuer.post(reverse("credit_notes:delete", args=[note.pk]), {"reopen": "1"})
    assert response["Location"] == reverse("credit_notes:update", args=[note.pk])
    form = issuer.get(response["Location"]).text
    assert 'name="lines-0-quantity" value="1"' in form
    assert 'name="shown_total" value="50000.00"' in form  # its total from the first paint
    data = partial(invoice, {0: "1"}, observation="Devolución")
    issuer.post(reverse("credit_notes:update", args=[note.pk]), data)
    assert CreditNote.objects.get().status == Status.VALIDATED


# --- documents, e-mail -----------------------------------------------------------------------------


@pytest.fixture
def voided(issuer, invoice, wired):
    issuer.post(void_url(invoice), {"form_token": str(uuid.uuid4())})
    return CreditNote.objects.get()


def test_pdf_inline_and_xml_download(issuer, voided):
    pdf = issuer.get(reverse("credit_notes:pdf", args=[voided.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("inline;") and pdf["X-Frame-Options"] == "SAMEORIGIN"
    xml = issuer.get(reverse("credit_notes:xml", args=[voided.pk]))
    assert xml["Content-Disposition"].startswith("attachment;")


def test_the_pdf_of_a_draft_is_a_message_not_a_500(issuer, invoice, wired):
    issuer.post(create_url(invoice), partial(invoice, {0: "1"}, action="save"))
    response = issuer.get(reverse("credit_notes:pdf", args=[CreditNote.objects.get().pk]))
    assert response.status_code == 502
    assert "Volver a la nota crédito" in response.text


def test_email_goes_to_the_typed_address(issuer, voided, wired):
    assert 'value="andrea@example.com"' in detail(issuer, voided)
    url = reverse("credit_notes:email", args=[voided.pk])
    issuer.post(url, {"email": "contabilidad@example.com"})
    assert wired.outbox[-1]["to"] == "contabilidad@example.com"
    bad = issuer.post(url, {"email": "no-es-correo"})
    assert bad.status_code == 422 and "Escriba un correo válido." in bad.text


def test_a_validated_note_cannot_be_deleted(issuer, voided):
    response = issuer.post(reverse("credit_notes:delete", args=[voided.pk]), follow=True)
    assert CreditNote.objects.get().status == Status.VALIDATED
    assert any("Solo se pueden eliminar en Factus notas crédito" in m for m in messages_of(response))


# --- the invoice list ------------------------------------------------------------------------------


def test_the_invoice_list_filters_invoices_with_notes_and_voided(issuer, wired, ranges, user):
    voided_invoice, returned, plain = validated(user), validated(user), validated(user)
    issuer.post(void_url(voided_invoice), {"form_token": str(uuid.uuid4())})
    issuer.post(create_url(returned), partial(returned, {0: "1"}))

    def listed(params):
        html = issuer.get(reverse("invoicing:invoice_list"), params).text
        return {i.number for i in (voided_invoice, returned, plain) if f">{i.number}</a>" in html}

    assert listed({"credit": "with_notes"}) == {voided_invoice.number, returned.number}
    assert listed({"credit": "voided"}) == {voided_invoice.number}
    assert "data-voided>Anulada</span>" in issuer.get(reverse("invoicing:invoice_list")).text


# --- bad input -------------------------------------------------------------------------------------

junk = st.one_of(
    st.text(max_size=20), st.sampled_from(["", "0", "-1", "1e9", "NaN", "٣", "1,5", "99999999999"])
)
FIELDS = [
    "concept",
    "observation",
    "action",
    "form_token",
    "lines-TOTAL_FORMS",
    "lines-0-invoice_item",
    "lines-0-quantity",
    "lines-0-price",
    "lines-1-quantity",
    "lines-7-price",
]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(FIELDS), junk, max_size=len(FIELDS)))
def test_bad_post_data_never_gives_a_500(issuer, invoice, data):
    for url in (create_url(invoice), reverse("invoicing:credit_note_totals", args=[invoice.pk])):
        assert issuer.post(url, {**partial(invoice), **data}).status_code in (200, 302, 422)
