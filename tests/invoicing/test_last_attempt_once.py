"""Every fact of the "Último intento" panel is said once on the invoice page.

The panel's rows say what happened, whether the bill may exist and what the app did; its paragraph
only what the rows do not say; the status box under it only the action. The history keeps each
event's whole message (the audit record), so the counts are of the page above the history unless a
sentence is the panel's own wording.
"""

import re
import uuid

import pytest
import responses
from django.urls import reverse

from factus.client import FactusClient
from factus.errors import FactusTimeout
from factus_emulator.testing import register
from invoicing.models import Invoice
from tests.catalog.factories import CustomerFactory
from tests.invoicing import test_views
from tests.invoicing.test_views import BASE, draft, form_data

pytestmark = pytest.mark.django_db
sandbox, emulator, wired, bill_range = (
    test_views.sandbox,
    test_views.emulator,
    test_views.wired,
    test_views.bill_range,
)


def text_of(html: str) -> str:
    """The page's text, tags dropped, so a sentence split by markup still counts."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def above_history(html: str) -> str:
    return text_of(html.split('id="timeline-title"')[0])


def submitted(user_client, invoice) -> str:
    return user_client.post(reverse("invoicing:invoice_submit", args=[invoice.pk]), follow=True).text


@pytest.fixture
def conflict_page(user_client, wired, bill_range):
    blocked = draft(identification="3333333333")  # the emulator leaves it pending at the DIAN
    user_client.post(reverse("invoicing:invoice_submit", args=[blocked.pk]))
    blocked.refresh_from_db()
    data = form_data(CustomerFactory(), bill_range, action="issue", form_token=str(uuid.uuid4()))
    location = user_client.post(reverse("invoicing:invoice_create"), data)["Location"]
    return blocked, user_client.get(location).text


def test_conflict_panel_does_not_repeat_the_blocking_table(conflict_page):
    _, html = conflict_page
    assert 'data-attempt-kind="conflict"' in html
    assert above_history(html).count("El documento que bloquea") == 0


def test_conflict_names_the_blocking_bill_once_above_the_history(conflict_page):
    blocked, html = conflict_page
    assert above_history(html).count(blocked.number) == 1


def test_conflict_says_once_that_this_bill_was_not_created(conflict_page):
    _, html = conflict_page
    assert above_history(html).count("no se creó") == 1


def test_conflict_says_once_why_factus_refuses(conflict_page):
    _, html = conflict_page
    assert (
        above_history(html).count("Factus no acepta otra factura hasta que esa se valide o se elimine") == 1
    )


def test_conflict_history_keeps_the_whole_message(conflict_page):
    blocked, html = conflict_page
    history = text_of(html.split('id="timeline-title"')[1])
    assert f"El documento que bloquea es {blocked.number}" in history


@pytest.fixture
def unverified_page(user_client, wired, monkeypatch):
    """Factus slower than FACTUS_TIMEOUT on validate and on every lookup."""

    def slow(self, *args, **kwargs):
        raise FactusTimeout()

    monkeypatch.setattr(FactusClient, "validate_bill", slow)
    monkeypatch.setattr(FactusClient, "find_bill_by_reference", slow)
    invoice = draft()
    html = submitted(user_client, invoice)
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.UNVERIFIED
    return html


@pytest.mark.parametrize("sentence", ["Puede que sí", "no fue posible comprobarlo"])
def test_unverified_says_the_bill_may_exist_once_on_the_page(unverified_page, sentence):
    assert text_of(unverified_page).count(sentence) == 1


def test_unverified_says_the_action_once_above_the_history(unverified_page):
    assert above_history(unverified_page).count("Verificar en Factus»") == 1


def test_unverified_panel_has_no_paragraph_repeating_its_rows(unverified_page):
    assert "data-attempt-message" not in unverified_page


@pytest.fixture
def bad_answer_page(user_client, wired, monkeypatch):
    """Factus validates the bill but answers a number that does not fit our column."""
    validate = FactusClient.validate_bill

    def odd(self, payload):
        data = validate(self, payload)
        data["bill"]["number"] = "SETP" + "9" * 40
        return data

    monkeypatch.setattr(FactusClient, "validate_bill", odd)
    html = submitted(user_client, draft())
    assert 'data-attempt-kind="bad_response"' in html
    return html


@pytest.mark.parametrize("sentence", ["Puede que sí", "Respuesta sin sentido de Factus"])
def test_a_bad_answer_says_each_fact_once_on_the_page(bad_answer_page, sentence):
    assert text_of(bad_answer_page).count(sentence) == 1


def test_a_bad_answer_says_the_action_once_above_the_history(bad_answer_page):
    assert above_history(bad_answer_page).count("Verificar en Factus»") == 1


def test_a_bad_answer_panel_says_what_made_no_sense(bad_answer_page):
    paragraph = re.search(r"data-attempt-message>([^<]*)<", bad_answer_page)[1]
    assert paragraph and "Factus" not in paragraph  # the problem itself, not the label again


@pytest.fixture
def rate_limited_page(user_client, emulator):
    rsps, sandbox = emulator
    rsps.add(
        responses.POST,
        f"{BASE}/v1/bills/validate",
        status=429,
        headers={"Retry-After": "42"},
        json={"message": "Too Many Attempts."},
    )
    register(rsps, sandbox, BASE)
    return submitted(user_client, draft())


@pytest.mark.parametrize("sentence", ["no se creó", "429", "Intente de nuevo después de las"])
def test_rate_limited_says_each_fact_once_above_the_history(rate_limited_page, sentence):
    assert above_history(rate_limited_page).count(sentence) == 1


def test_rate_limited_panel_has_no_paragraph_repeating_its_rows(rate_limited_page):
    assert "data-attempt-message" not in rate_limited_page


@pytest.fixture
def server_error_page(user_client, emulator):
    """A 500 on validate; the lookup by reference answers that Factus does not have it."""
    rsps, sandbox = emulator
    rsps.add(responses.POST, f"{BASE}/v1/bills/validate", status=500, json={"message": "Server Error"})
    register(rsps, sandbox, BASE)
    html = submitted(user_client, draft())
    assert 'data-may-exist="not_yet"' in html
    return html


@pytest.mark.parametrize(
    "sentence", ["Error del servidor de Factus", "No aparece en Factus por ahora", "misma referencia"]
)
def test_server_error_says_each_fact_once_above_the_history(server_error_page, sentence):
    assert above_history(server_error_page).count(sentence) == 1


def test_server_error_panel_has_no_paragraph_repeating_its_rows(server_error_page):
    assert "data-attempt-message" not in server_error_page


@pytest.fixture
def rejected_page(user_client, wired):
    return submitted(user_client, draft(identification="1111111111"))


@pytest.mark.parametrize(
    "sentence", ["Rechazada por la DIAN", "existe en Factus", "no aceptará otra hasta que se elimine"]
)
def test_rejected_says_each_fact_once_above_the_history(rejected_page, sentence):
    assert above_history(rejected_page).count(sentence) == 1


def test_rejected_panel_has_no_paragraph_repeating_its_rows(rejected_page):
    assert "data-attempt-message" not in rejected_page


@pytest.fixture
def pending_page(user_client, wired):
    return submitted(user_client, draft(identification="3333333333"))


@pytest.mark.parametrize("sentence", ["existe en Factus", "Reintentar»", "misma referencia"])
def test_pending_says_each_fact_once_above_the_history(pending_page, sentence):
    assert above_history(pending_page).count(sentence) == 1


def test_pending_panel_has_no_paragraph_repeating_its_rows(pending_page):
    assert "data-attempt-message" not in pending_page
