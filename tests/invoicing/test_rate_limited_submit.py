"""A person issuing while the fleet's Factus budget is spent: told when to try again, nothing sent."""

import pytest
import responses

from factus import ratelimit
from factus.client import get_client
from factus_emulator.testing import register
from invoicing.models import Invoice
from invoicing.services import invoice_submit
from tests.invoicing.conftest import BASE, bills


@pytest.fixture
def paused(db, sandbox, settings, monkeypatch):
    settings.FACTUS_BASE_URL = BASE
    settings.FACTUS_RATE_LIMIT = 80
    monkeypatch.setattr(ratelimit, "sleep", lambda seconds: None)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, sandbox, BASE)
        get_client().token_manager.get_token()  # the token is in the cache, as on a busy site
        ratelimit.pause(600)  # a 429 asked the whole fleet to wait ten minutes
        yield sandbox


def test_the_page_says_when_to_try_again(paused, make_invoice, staff):
    result = invoice_submit(invoice_id=make_invoice().pk, user=staff)
    assert result.outcome == "rate_limited"


def test_the_wait_is_said(paused, make_invoice, staff):
    result = invoice_submit(invoice_id=make_invoice().pk, user=staff)
    assert result.retry_after >= 590


def test_nothing_reaches_factus(paused, make_invoice, staff):
    invoice_submit(invoice_id=make_invoice().pk, user=staff)
    assert bills(paused) == []


def test_the_invoice_can_be_sent_again(paused, make_invoice, staff):
    invoice = make_invoice()
    invoice_submit(invoice_id=invoice.pk, user=staff)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.FAILED
