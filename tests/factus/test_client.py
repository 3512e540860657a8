"""FactusClient against the emulator core (responses transport): every endpoint, one password grant."""

import copy

import pytest
import responses

from factus.auth import TokenManager
from factus.client import FactusClient
from factus.conf import FactusSettings
from factus.errors import FactusConflict, FactusNotFound, FactusRejected, FactusValidationError
from factus.http import build_session
from factus.types import DownloadedFile, Page
from factus_emulator.core import Sandbox
from factus_emulator.testing import register
from tests.factus.conftest import BASE, load_fixture


@pytest.fixture
def sandbox():
    return Sandbox()


@pytest.fixture
def emulated(sandbox, cache):
    conf = FactusSettings(
        base_url=BASE,
        client_id="emulator-client-id",
        client_secret="emulator-client-secret",
        username="demo@emulador-factus.com",
        password="emulador-demo",
        timeout=5,
        connect_timeout=1,
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, sandbox, BASE)
        session = build_session(conf)
        yield FactusClient(BASE, TokenManager(conf, session=session, cache=cache), session)


def bill_payload(reference: str, **customer) -> dict:
    payload = copy.deepcopy(load_fixture("bills-validate-request.json"))
    payload.update(reference_code=reference, numbering_range_id=8)
    payload["customer"].update(customer)
    return payload


def test_bill_lifecycle_through_every_bill_endpoint(emulated, sandbox):
    created = emulated.validate_bill(bill_payload("REF-100"))
    number = created["bill"]["number"]
    assert number.startswith("SETP") and created["bill"]["status"] == 1
    assert emulated.get_bill(number)["bill"]["reference_code"] == "REF-100"
    page = emulated.list_bills(reference_code="REF-100")
    assert isinstance(page, Page) and page.total == 1 and page.current_page == page.last_page == 1
    assert emulated.find_bill_by_reference("REF-100")["number"] == number
    assert emulated.find_bill_by_reference("REF-10") is None
    pdf = emulated.download_bill_pdf(number)
    assert isinstance(pdf, DownloadedFile) and pdf.file_name.endswith(".pdf")
    assert pdf.content.startswith(b"%PDF") and pdf.content_type == "application/pdf"
    xml = emulated.download_bill_xml(number)
    assert xml.file_name.endswith(".xml") and xml.content.lstrip().startswith(b"<")
    assert "enviada" in emulated.send_bill_email(number, "cliente@example.co")
    assert set(emulated.get_bill_email_content(number)) >= {"subject", "attached_document"}
    assert isinstance(emulated.list_bill_events(number), list)
    with pytest.raises(FactusConflict):
        emulated.delete_bill("REF-100")
    assert sandbox.stats()["token_grants"] == {"password": 1}


def test_dian_rejection_then_delete_and_retry(emulated):
    with pytest.raises(FactusRejected) as info:
        emulated.validate_bill(
            bill_payload("REF-200", identification_document_id=6, identification="900825759", dv="1")
        )
    assert [code for code, _ in info.value.rejections] == ["FAK24"]
    assert emulated.find_bill_by_reference("REF-200")["status"] == 0
    with pytest.raises(FactusConflict, match="pendiente"):
        emulated.validate_bill(bill_payload("REF-201"))
    assert "eliminado" in emulated.delete_bill("REF-200")
    assert emulated.find_bill_by_reference("REF-200") is None
    assert emulated.validate_bill(bill_payload("REF-201"))["bill"]["status"] == 1


def test_field_validation_errors_reach_the_caller(emulated):
    payload = bill_payload("")
    payload["items"][0].pop("quantity")
    with pytest.raises(FactusValidationError) as info:
        emulated.validate_bill(payload)
    assert "reference_code" in info.value.errors
    assert "items.0.quantity" in info.value.errors


def test_iter_bills_walks_every_page(emulated, sandbox):
    for n in range(12):
        emulated.validate_bill(bill_payload(f"PAGE-{n}"))
    first = emulated.list_bills()
    assert (first.total, first.per_page, first.last_page) == (12, 10, 2)
    assert sorted(row["reference_code"] for row in emulated.iter_bills()) == sorted(
        f"PAGE-{n}" for n in range(12)
    )
    assert emulated.list_bills(page=2).items and not emulated.list_bills(page=3).items


def test_unknown_filter_is_refused_before_any_call(emulated):
    with pytest.raises(TypeError, match="customer"):
        emulated.list_bills(customer="x")


def test_lookups(emulated):
    assert any(m["name"] == "San Gil" for m in emulated.list_municipalities(name="San Gil"))
    assert {t["code"] for t in emulated.list_product_tributes()} >= {"01", "04"}
    assert any(u["id"] == 70 for u in emulated.list_measurement_units())
    assert any(c["code"] == "CO" for c in emulated.list_countries(name="Colombia"))
    ranges = list(emulated.iter_numbering_ranges(document="21"))
    assert 8 in {r["id"] for r in ranges}
    assert emulated.list_numbering_ranges(is_active=1).total >= 1
    assert emulated.get_numbering_range(8)["prefix"] == "SETP"
    assert set(emulated.get_acquirer(3, "1399995")) >= {"name", "email"}
    assert emulated.get_company()["nit"]


def test_missing_bill_is_not_found(emulated):
    with pytest.raises(FactusNotFound):
        emulated.get_bill("SETP1")


def test_revoked_token_is_replaced_transparently(emulated, sandbox):
    emulated.get_company()
    sandbox.state.access_tokens.clear()  # Factus forgot our token before it expired
    emulated.get_company()
    assert sandbox.stats()["token_grants"] == {"password": 1, "refresh_token": 1}


def test_get_client_builds_from_settings_and_shares_one_session_per_process(sandbox, settings):
    from django.core.cache import cache

    from factus.client import get_client

    settings.FACTUS_BASE_URL = BASE
    settings.FACTUS_CLIENT_ID, settings.FACTUS_CLIENT_SECRET = "emulator-client-id", "emulator-client-secret"
    settings.FACTUS_USERNAME, settings.FACTUS_PASSWORD = "demo@emulador-factus.com", "emulador-demo"
    cache.clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        register(rsps, sandbox, BASE)
        first, second = get_client(), get_client()
        assert first.session is second.session
        assert first.get_company() == second.get_company()
    assert sandbox.stats()["token_grants"] == {"password": 1}
    cache.clear()
