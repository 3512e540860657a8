"""invoice_submit: every outcome through the emulator core wired with ``responses``."""

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from factus.errors import FactusConnectionError
from factus_emulator.totals import check_digit
from invoicing.models import Invoice, InvoiceEvent
from invoicing.payloads import bill_payload
from invoicing.services import invoice_delete_at_factus, invoice_submit
from tests.invoicing.conftest import BASE, bills, make_client
from tests.invoicing.factories import InvoiceItemFactory

pytestmark = pytest.mark.django_db
Status = Invoice.Status


def submit(invoice, user, client):
    return invoice_submit(invoice_id=invoice.pk, user=user, client=client)


def test_validated_stores_factus_results_and_an_event(make_invoice, staff, factus, sandbox):
    invoice = make_invoice()
    result = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert result.outcome == "validated" and result.ok and "validada" in result.message
    assert invoice.status == Status.VALIDATED and invoice.number.startswith("SETP")
    assert len(invoice.cufe) == 96 and invoice.qr_url.endswith(invoice.cufe)
    assert invoice.qr_image.startswith("data:image/png;base64")
    assert invoice.total == Decimal("1335000.00") and invoice.tax_amount == Decimal("213151.26")
    assert invoice.withholdings == [{"code": "06", "name": "ReteRenta", "value": "78529.41"}]
    assert invoice.totals_mismatch == {} and invoice.validated_at and invoice.submitting_since is None
    event = invoice.events.get()
    assert (event.action, event.outcome, event.user, event.http_status) == ("submit", "validated", staff, 201)
    assert event.request["reference_code"] == invoice.reference_code and event.duration_ms is not None
    assert "qr_image" not in json.dumps(event.response)
    assert len(bills(sandbox)) == 1


def test_notification_is_kept_on_a_validated_bill(make_invoice, staff, factus):
    invoice = make_invoice("2222222222")
    result = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert result.outcome == "validated" and "notificación" in result.message
    assert invoice.dian_messages and "Notificación" in invoice.dian_messages[0]


def test_pending_at_dian_then_retry_validates_the_same_bill(make_invoice, staff, factus, sandbox):
    invoice = make_invoice("3333333333")
    result = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert result.outcome == "pending" and invoice.status == Status.PENDING_DIAN and invoice.can_retry
    number, reference = invoice.number, invoice.reference_code
    assert number and invoice.validated_at is None
    retry = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert retry.outcome == "validated" and invoice.number == number and invoice.reference_code == reference
    assert len(bills(sandbox)) == 1
    timeline = list(invoice.events.values_list("action", "outcome"))
    assert timeline == [("retry", "validated"), ("submit", "pending")]


@pytest.mark.parametrize(
    "customer",
    [
        {
            "identification": "900825759",
            "dv": (check_digit("900825759") + 1) % 10,
            "company": "Empresa SAS",
            "identification_document_id": 6,
        },
        {"identification": "1111111111"},
    ],
)
def test_rejection_then_delete_and_reopen(make_invoice, staff, factus, sandbox, customer):
    invoice = make_invoice(**_customer_kwargs(customer))
    result = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert result.outcome == "rejected" and invoice.status == Status.REJECTED
    assert invoice.dian_messages and "Rechazo" in invoice.dian_messages[0] and "Elimínela" in result.message
    assert not invoice.is_editable and invoice.can_delete_at_factus
    kept = bills(sandbox)[0]  # Factus keeps the rejected bill under a consecutive of its own
    assert (invoice.number, invoice.factus_id) == (kept["number"], kept["id"])
    old = invoice.reference_code
    reopened = invoice_delete_at_factus(invoice_id=invoice.pk, user=staff, client=factus)
    assert reopened.status == Status.DRAFT and reopened.reference_code != old and reopened.is_editable
    assert reopened.number == "" and reopened.factus_id is None
    assert bills(sandbox) == []
    assert reopened.events.first().action == "delete"


def _customer_kwargs(customer: dict) -> dict:
    from catalog.models import IdentificationDocumentType, LegalOrganization

    kwargs = dict(customer)
    if kwargs.pop("identification_document_id", None) == 6:
        kwargs["identification_document"] = IdentificationDocumentType.objects.get(factus_id=6)
        kwargs["legal_organization"] = LegalOrganization.objects.get(factus_id=1)
    return kwargs


def test_field_errors_are_keyed_by_dotted_path(make_invoice, staff, factus, sandbox):
    invoice = make_invoice(items=2)
    InvoiceItemFactory(invoice=invoice, position=5, name="")
    result = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert result.outcome == "invalid" and invoice.status == Status.INVALID and invoice.is_editable
    assert "items.2.name" in result.field_errors and invoice.field_errors == result.field_errors
    assert bills(sandbox) == []


def test_conflict_names_the_blocking_bill_and_whether_it_is_ours(make_invoice, staff, factus):
    rejected = make_invoice("1111111111")
    submit(rejected, staff, factus)
    rejected.refresh_from_db()
    other = make_invoice()
    result = submit(other, staff, factus)
    other.refresh_from_db()
    assert result.outcome == "conflict" and other.status == Status.FAILED and other.is_editable
    assert result.blocking["reference_code"] == rejected.reference_code
    assert result.blocking["ours"] is True and result.blocking["invoice_id"] == rejected.pk
    assert "creada desde esta aplicación" in result.message


def test_conflict_with_a_bill_made_elsewhere(make_invoice, staff, factus):
    outsider = make_invoice("1111111111")
    submit(outsider, staff, factus)
    Invoice.objects.filter(pk=outsider.pk).update(reference_code="OTRO-SISTEMA-1")
    result = submit(make_invoice(), staff, factus)
    assert result.blocking["ours"] is False and "fuera de esta aplicación" in result.message


def test_timeout_after_factus_created_it_is_reconciled(make_invoice, staff, factus, sandbox, faults):
    faults.add("POST", "/v1/bills/validate", "timeout_after")
    invoice = make_invoice()
    result = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert result.outcome == "validated" and invoice.status == Status.VALIDATED
    assert len(invoice.cufe) == 96 and invoice.total == Decimal("1335000.00")
    assert invoice.events.get().action == "reconcile"
    assert len(bills(sandbox)) == 1


def test_timeout_before_factus_saw_it_keeps_the_draft(make_invoice, staff, factus, sandbox, faults):
    faults.add("POST", "/v1/bills/validate", "timeout_before")
    invoice = make_invoice()
    result = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert result.outcome == "failed" and invoice.status == Status.FAILED and invoice.can_retry
    assert "no aparece" in result.message and invoice.events.get().outcome == "not_found"
    assert bills(sandbox) == []
    again = submit(invoice, staff, factus)
    assert again.outcome == "validated" and len(bills(sandbox)) == 1


def test_server_errors_then_recovery_without_duplicates(make_invoice, staff, factus, sandbox):
    sandbox.configure(fail_rate=1)
    invoice = make_invoice()
    result = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert result.outcome == "failed" and invoice.status == Status.FAILED
    sandbox.configure(fail_rate=0)
    assert submit(invoice, staff, factus).outcome == "validated"
    assert len(bills(sandbox)) == 1


def test_server_error_after_login(make_invoice, staff, factus, sandbox):
    factus.token_manager.get_token()
    sandbox.configure(fail_rate=1)
    invoice = make_invoice()
    result = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert result.outcome == "unverified" and invoice.status == Status.UNVERIFIED
    assert "Por verificar" in result.message and not invoice.is_editable
    sandbox.configure(fail_rate=0)
    assert submit(invoice, staff, factus).outcome == "validated"
    assert InvoiceEvent.objects.filter(invoice=invoice).count() == 2


def test_rate_limited_keeps_the_draft_and_says_when(make_invoice, staff, factus, sandbox):
    sandbox.configure(rate_limit=1)
    factus.token_manager.get_token()
    factus.get_company()  # uses the only request of this minute
    invoice = make_invoice()
    result = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert result.outcome == "rate_limited" and result.retry_after and result.retry_after > 0
    assert invoice.status == Status.FAILED and invoice.is_editable
    event = invoice.events.get()
    assert event.http_status == 429 and event.detail["kind"] == "rate_limited"
    assert event.detail["retry_at"] and event.detail["may_exist"] == "no"


def test_auth_error_is_clear(make_invoice, staff, factus):
    from factus.auth import TokenManager
    from factus.conf import FactusSettings

    conf = FactusSettings(base_url=BASE, client_id="x", client_secret="y", username="u", password="p")
    factus.token_manager = TokenManager(conf, session=factus.session, namespace="bad")
    invoice = make_invoice()
    result = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert result.outcome == "failed" and "no se envió" in result.message and invoice.status == Status.FAILED


def test_a_recent_submitting_row_is_busy(make_invoice, staff, factus, sandbox):
    invoice = make_invoice()
    Invoice.objects.filter(pk=invoice.pk).update(status=Status.SUBMITTING, submitting_since=timezone.now())
    result = submit(invoice, staff, factus)
    assert result.outcome == "busy" and bills(sandbox) == [] and not invoice.events.exists()


def test_a_stale_submitting_row_is_reconciled_before_any_resend(make_invoice, staff, factus, sandbox, faults):
    invoice = make_invoice()
    faults.add("POST", "/v1/bills/validate", "timeout_after")
    with pytest.raises(FactusConnectionError):  # Factus created it; the answer was lost
        factus.validate_bill(bill_payload(invoice))
    Invoice.objects.filter(pk=invoice.pk).update(
        status=Status.SUBMITTING, submitting_since=timezone.now() - timedelta(minutes=10)
    )
    result = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert result.outcome == "validated" and invoice.events.get().action == "reconcile"
    assert len(bills(sandbox)) == 1


def test_validated_invoices_are_not_sent_again(make_invoice, staff, factus, sandbox):
    invoice = make_invoice()
    submit(invoice, staff, factus)
    again = submit(invoice, staff, factus)
    assert again.outcome == "validated" and "ya está validada" in again.message
    assert len(bills(sandbox)) == 1 and invoice.events.count() == 1


def test_totals_mismatch_is_recorded_and_flagged(make_invoice, staff, factus, monkeypatch):
    from invoicing.services import kinds as module
    from invoicing.totals import LineInput

    monkeypatch.setattr(
        module, "line_input", lambda item: LineInput(1, Decimal("1500000"), Decimal("10"), Decimal("19"))
    )
    invoice = make_invoice()
    result = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert invoice.totals_mismatch["total"] == {"ours": "1350000.00", "factus": "1335000.00"}
    assert "Atención" in result.message


def test_a_bug_never_leaves_the_row_submitting(make_invoice, staff, factus, monkeypatch):
    from invoicing.services import resolve

    monkeypatch.setattr(resolve, "attempt", lambda *a, **k: 1 / 0)
    invoice = make_invoice()
    with pytest.raises(ZeroDivisionError):
        submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert invoice.status == Status.UNVERIFIED and invoice.events.get().outcome == "unverified"


def test_no_secret_reaches_the_events(make_invoice, staff, factus):
    invoice = make_invoice()
    submit(invoice, staff, factus)
    token = factus.token_manager.get_token()
    dumped = json.dumps(list(InvoiceEvent.objects.values("request", "response", "message")))
    assert token not in dumped


def test_real_http_latency_beyond_the_read_timeout_never_makes_two_bills(make_invoice, staff, sandbox):
    from factus_emulator.server import run_in_thread

    server, _, url = run_in_thread(sandbox)
    try:
        client = make_client(url, timeout=0.3)
        client.token_manager.get_token()
        sandbox.configure(latency_ms=600)
        invoice = make_invoice()
        first = submit(invoice, staff, client)
        assert first.outcome == "unverified"  # no answer, and the lookups timed out too
        sandbox.configure(latency_ms=0)
        time.sleep(0.5)  # the first request finishes at the emulator
        second = submit(invoice, staff, client)
        assert second.outcome == "validated" and len(bills(sandbox)) == 1
    finally:
        server.shutdown()
        server.server_close()


def _queries_of_one_submit(invoice, user, client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = submit(invoice, user, client)
    assert result.outcome == "validated", result.message
    return len(ctx.captured_queries)


def test_query_count_of_a_submit_does_not_grow_with_the_items(
    make_invoice, staff, factus, django_assert_max_num_queries
):
    factus.token_manager.get_token()  # the token comes from the cache, never from the database
    one = _queries_of_one_submit(make_invoice(items=1), staff, factus)
    ten = _queries_of_one_submit(make_invoice(items=10), staff, factus)
    assert one == ten
    # SUBMITTING (one conditional UPDATE), the invoice with its customer and range (one SELECT), the
    # items; outcome (savepoint, UPDATE, event INSERT, release): the unique constraint, not a query,
    # checks that the number is not already ours
    invoice = make_invoice(items=3)
    with django_assert_max_num_queries(8):
        submit(invoice, staff, factus)


@pytest.mark.parametrize(("mode", "kind"), [("500_after", "server_error"), ("drop_after", "dropped")])
def test_an_answer_lost_after_factus_created_the_bill_is_adopted(
    make_invoice, staff, factus, sandbox, faults, mode, kind
):
    faults.add("POST", "/v1/bills/validate", mode)
    invoice = make_invoice()
    result = submit(invoice, staff, factus)
    invoice.refresh_from_db()
    assert result.outcome == "validated" and invoice.status == Status.VALIDATED
    event = invoice.events.get()
    assert event.action == "reconcile" and event.detail["kind"] == kind and event.detail["lookup"] == "found"
    assert len(bills(sandbox)) == 1
