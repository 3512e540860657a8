"""Submission faults and odd answers through injected client fakes: UNVERIFIED, lookups retried with
backoff, FAILED retried directly, bill data checked before it is recorded, stale SUBMITTING rows."""

import copy
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from factus.deadline import budget
from factus.errors import (
    FactusBadResponse,
    FactusConnectionError,
    FactusRateLimited,
    FactusServerError,
    FactusTimeout,
)
from invoicing.models import Invoice
from invoicing.payloads import BillDataError, bill_fields
from invoicing.services import invoice_submit, invoice_update_draft, resolve
from invoicing.services.events import InvoiceActionError
from invoicing.services.kinds import INVOICE

pytestmark = pytest.mark.django_db
Status = Invoice.Status
SHARED = Path(__file__).resolve().parents[1] / "factus_emulator" / "fixtures"
HERE = Path(__file__).resolve().parent / "fixtures"


def documented() -> dict:
    return json.loads((SHARED / "bills-validate-response.json").read_text(encoding="utf-8"))["data"]


def real_sandbox() -> dict:
    return json.loads((HERE / "real-sandbox-bills-validate-data-2025-01.json").read_text(encoding="utf-8"))


class FakeFactus:
    """A client whose answers are scripted: each attribute is a list of results or exceptions."""

    token_manager = None

    def __init__(self, validate=(), find=(), show=None):
        self.validate, self.find, self.show = list(validate), list(find), show
        self.sent, self.looked_up = 0, 0

    @staticmethod
    def _next(script):
        value = script.pop(0) if len(script) > 1 else script[0]
        if isinstance(value, Exception):
            raise value
        return copy.deepcopy(value)

    reference = None

    @staticmethod
    def _ours(data, reference):
        """The bill carries the reference it was sent or looked up with, as Factus' does."""
        bill = data.get("bill") if isinstance(data, dict) else None
        if isinstance(bill, dict) and bill.get("reference_code") == "fact0022025":
            bill["reference_code"] = reference
        return data

    def validate_bill(self, payload):
        self.sent += 1
        return self._ours(self._next(self.validate), payload.get("reference_code"))

    def find_bill_by_reference(self, reference):
        self.looked_up += 1
        self.reference = reference
        row = self._next(self.find)
        if isinstance(row, dict) and row.get("reference_code") == "x":  # the client matches exactly
            row["reference_code"] = reference
        return row

    def get_bill(self, number):
        return self._ours(copy.deepcopy(self.show or documented()), self.reference)

    def list_bills(self, **filters):
        raise FactusServerError()


ROW = {"id": 820, "number": "SETP990000493", "reference_code": "x", "status": 1, "errors": []}


def submit(invoice, user, client):
    result = invoice_submit(invoice_id=invoice.pk, user=user, client=client)
    invoice.refresh_from_db()
    return result


# --- bill data ------------------------------------------------------------------------------------


def test_documented_shape_is_read():
    fields = bill_fields(documented())
    assert fields["number"] == "SETP990000493" and fields["prefix"] == "SETP"
    assert fields["total"] == Decimal("99000.00") and fields["surcharge_amount"] == Decimal("9000.00")
    assert fields["discount_amount"] == Decimal("0.00") and len(fields["cufe"]) == 96


def test_real_sandbox_shape_is_read():
    data = real_sandbox()
    fields = bill_fields(data)
    assert fields["number"] == "SETP990009126" and fields["total"] == Decimal("1335000.00")
    assert fields["discount_amount"] == Decimal("0.00")  # bill-level "discount", no "discount_amount"
    assert fields["raw_response"]["bill"]["public_url"].startswith("http")
    assert fields["withholdings"] == [{"code": "06", "name": "ReteRenta", "value": "78529.41"}]


def _odd(path: str, value):
    data = documented()
    target = data
    *parents, leaf = path.split(".")
    for name in parents:
        target = target[name]
    target[leaf] = value
    return data


ODD = [
    pytest.param(_odd("bill.number", "SETP" + "9" * 37), id="number-41"),
    pytest.param(_odd("bill.cufe", "a" * 129), id="cufe-129"),
    pytest.param(_odd("bill.total", "NaN"), id="total-NaN-text"),
    pytest.param(_odd("bill.total", float("nan")), id="total-nan-float"),
    pytest.param(_odd("bill.total", "Infinity"), id="total-infinity"),
    pytest.param(_odd("bill.total", "1e20"), id="total-out-of-bounds"),
    pytest.param(_odd("bill.total", {"value": 1}), id="total-object"),
    pytest.param(_odd("bill.total", "-5"), id="total-negative"),
    pytest.param(_odd("bill.tax_amount", -0.01), id="tax-negative"),
    pytest.param(_odd("bill.status", "validado"), id="status-validado"),
    pytest.param(_odd("bill.id", "abc"), id="id-text"),
    pytest.param(_odd("bill.number", "SETP\x00990000493"), id="number-nul"),
    pytest.param(_odd("bill.cufe", "abc\r\ndef"), id="cufe-crlf"),
    pytest.param(_odd("numbering_range.prefix", "P" * 21), id="prefix-21"),
    pytest.param(_odd("bill.qr", "https://x/" + "q" * 500), id="qr-501"),
    pytest.param(_odd("bill.cufe", ""), id="validated-without-cufe"),
    pytest.param([], id="data-empty-list"),
    pytest.param({"bill": []}, id="bill-list"),
]


@pytest.mark.parametrize("data", ODD)
def test_odd_bill_data_is_refused_by_the_reader(data):
    with pytest.raises(BillDataError):
        bill_fields(data)


@pytest.mark.parametrize("data", ODD)
def test_odd_answer_is_recorded_as_unverified_never_a_500(make_invoice, staff, data):
    invoice = make_invoice()
    result = submit(invoice, staff, FakeFactus(validate=[data]))
    assert result.outcome == "unverified" and invoice.status == Status.UNVERIFIED
    assert "no tienen sentido" in result.message and "Por verificar" in result.message
    assert invoice.number == "" and invoice.total is None and not invoice.is_editable
    event = invoice.events.get()
    assert event.outcome == "unverified" and event.detail["kind"] == "bad_response"
    assert event.detail["may_exist"] == "maybe"


def test_odd_values_outside_our_columns_are_stored_safely(make_invoice, staff):
    data = documented()
    data["items"][0]["total"] = float("nan")
    data["bill"]["errors"] = ["Notificación: texto con \x00 NUL"]
    invoice = make_invoice()
    result = submit(invoice, staff, FakeFactus(validate=[data]))
    assert result.outcome == "validated" and invoice.status == Status.VALIDATED
    assert invoice.raw_response["items"][0]["total"] == "nan"
    assert invoice.dian_messages == ["Notificación: texto con  NUL"]


@pytest.mark.parametrize(
    "image", ["javascript:alert(1)", "https://tracker.test/pixel.png", '"><script>alert(1)</script>', 5]
)
def test_a_qr_image_that_is_not_a_data_image_is_not_kept(make_invoice, staff, image):
    invoice = make_invoice()
    result = submit(invoice, staff, FakeFactus(validate=[_odd("bill.qr_image", image)]))
    assert result.outcome == "validated"
    assert invoice.qr_image == ""


def test_a_data_image_qr_is_kept():
    data = _odd("bill.qr_image", "data:image/png;base64, iVBORw0KGgo=")
    assert bill_fields(data)["qr_image"] == "data:image/png;base64, iVBORw0KGgo="


# --- uncertain attempts: lookups with backoff -----------------------------------------------------


def test_lookup_after_a_500_is_retried_with_backoff(make_invoice, staff, no_backoff_sleep):
    invoice = make_invoice()
    fake = FakeFactus(
        validate=[FactusServerError(status_code=500)],
        find=[FactusServerError(status_code=500), FactusTimeout(), ROW],
    )
    result = submit(invoice, staff, fake)
    assert result.outcome == "validated" and invoice.status == Status.VALIDATED
    assert fake.looked_up == 3 and no_backoff_sleep == [0.5, 1.0]
    event = invoice.events.get()
    assert event.action == "reconcile" and event.detail["lookup"] == "found"
    assert event.detail["kind"] == "server_error" and event.detail["lookup_tries"] == 3


def test_a_validate_answer_for_another_reference_is_not_recorded_as_ours(make_invoice, staff):
    invoice = make_invoice()
    result = submit(invoice, staff, FakeFactus(validate=[_odd("bill.reference_code", "FAC-SOMEONEELSE")]))
    assert result.outcome == "unverified" and invoice.status == Status.UNVERIFIED
    assert invoice.number == "" and invoice.cufe == ""
    assert "FAC-SOMEONEELSE" in invoice.events.get().detail["problem"]


def test_a_looked_up_bill_that_shows_another_reference_is_not_adopted(make_invoice, staff):
    invoice = make_invoice()
    other = _odd("bill.reference_code", "FAC-SOMEONEELSE")
    fake = FakeFactus(validate=[FactusServerError(status_code=500)], find=[ROW], show=other)
    result = submit(invoice, staff, fake)
    assert result.outcome == "unverified" and invoice.status == Status.UNVERIFIED
    assert invoice.number == ""


def test_when_the_budget_is_spent_no_lookup_is_claimed(make_invoice, staff):
    from invoicing.selectors import last_attempt

    invoice = make_invoice()
    fake = FakeFactus(validate=[FactusTimeout()], find=[ROW])
    with budget(resolve.LOOKUP_MIN_WINDOW / 2):  # the validate timeout spent the rest of it
        result = submit(invoice, staff, fake)
    assert result.outcome == "unverified" and fake.looked_up == 0
    assert "no quedó tiempo para consultar" in result.message
    assert "intento" not in result.message
    event = invoice.events.get()
    assert event.detail["lookup"] == "skipped" and event.detail["lookup_tries"] == 0
    assert last_attempt(invoice)["lookup_text"].startswith("No quedó tiempo")


@pytest.mark.parametrize(
    "row",
    [
        {"number": {"a": 1}, "reference_code": ["x"], "errors": "Rechazo"},
        {"number": "N" * 41, "reference_code": "R\r\nX"},
    ],
)
def test_a_blocking_row_that_makes_no_sense_is_not_quoted(make_invoice, staff, row):
    from factus.errors import FactusConflict
    from factus.types import Page

    class Blocked(FakeFactus):
        def list_bills(self, **filters):
            return Page(items=[row], total=1, per_page=10, current_page=1, last_page=1)

    invoice = make_invoice()
    result = submit(invoice, staff, Blocked(validate=[FactusConflict("Hay un documento pendiente.")]))
    assert result.outcome == "conflict"
    assert result.blocking == {
        "number": None,
        "reference_code": None,
        "ours": False,
        "invoice_id": None,
        "rejected": False,
    }
    assert "uno sin número legible (referencia sin referencia" in result.message


def test_lookup_that_never_answers_leaves_it_unverified_then_verify_adopts_it(make_invoice, staff):
    invoice = make_invoice()
    down = FakeFactus(validate=[FactusTimeout()], find=[FactusServerError(status_code=503)])
    result = submit(invoice, staff, down)
    assert result.outcome == "unverified" and invoice.status == Status.UNVERIFIED
    assert down.looked_up == len(resolve.LOOKUP_DELAYS) + 1
    assert invoice.events.get().detail == {
        "reference": invoice.reference_code,
        "kind": "timeout",
        "may_exist": "maybe",
        "note": "",  # the panel's rows say it all
        "lookup": "failed",
        "lookup_tries": len(resolve.LOOKUP_DELAYS) + 1,
    }
    back = FakeFactus(validate=[AssertionError("must not resend")], find=[ROW])
    again = submit(invoice, staff, back)
    assert again.outcome == "validated" and back.sent == 0 and back.looked_up == 1


@pytest.mark.parametrize(
    "row", [["not", "a", "row"], {"status": 1, "reference_code": "x"}, {"status": "validado", "number": "S1"}]
)
def test_an_odd_lookup_row_leaves_it_unverified(make_invoice, staff, row):
    invoice = make_invoice()
    result = submit(invoice, staff, FakeFactus(validate=[FactusTimeout()], find=[row]))
    assert result.outcome == "unverified" and invoice.status == Status.UNVERIFIED
    detail = invoice.events.get().detail
    assert (detail["lookup"], detail["may_exist"]) == ("found", "yes")


def test_two_bills_under_our_reference_leave_it_unverified_after_one_lookup(make_invoice, staff):
    import responses

    from tests.invoicing.conftest import BASE, make_client

    invoice = make_invoice()
    row = {**ROW, "reference_code": invoice.reference_code}
    rows = [row, {**row, "id": 821, "number": "SETP990000494"}]
    token = {"token_type": "Bearer", "expires_in": 3600, "access_token": "t", "refresh_token": "r"}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.post(f"{BASE}/oauth/token", json=token)
        rsps.post(f"{BASE}/v1/bills/validate", status=500, json={"message": "Server Error"})
        listed = rsps.get(f"{BASE}/v1/bills", json={"status": "OK", "data": {"data": rows}})
        result = submit(invoice, staff, make_client(BASE))
    assert result.outcome == "unverified" and invoice.status == Status.UNVERIFIED
    assert invoice.number == ""
    assert "2 documentos con la referencia" in result.message
    assert listed.call_count == 1  # the same nonsense is not asked for again


def test_a_lookup_answer_that_makes_no_sense_is_not_retried(no_backoff_sleep):
    fake = FakeFactus(find=[FactusBadResponse("dos facturas"), ROW])
    found = resolve.look_up(INVOICE, fake, "FAC-X")
    assert (found.state, found.tries, no_backoff_sleep) == ("failed", 1, [])


def test_the_lookup_stops_when_the_request_budget_runs_out(make_invoice, staff, no_backoff_sleep):
    fake = FakeFactus(find=[FactusServerError(status_code=500)])
    with budget(resolve.LOOKUP_DELAYS[0] + resolve.LOOKUP_MIN_WINDOW - 0.1):
        found = resolve.look_up(INVOICE, fake, "FAC-X")
    assert found.state == "failed" and found.tries == 1 and no_backoff_sleep == []


def test_not_found_after_a_timeout_does_not_claim_it_was_not_created(make_invoice, staff):
    invoice = make_invoice()
    result = submit(invoice, staff, FakeFactus(validate=[FactusTimeout()], find=[None]))
    assert result.outcome == "failed" and invoice.status == Status.FAILED
    assert "no se creó" not in result.message and "aún no aparece en Factus" in result.message
    detail = invoice.events.get().detail
    assert (detail["lookup"], detail["may_exist"]) == ("not_found", "not_yet")


def test_registered_reference_on_retry_is_adopted(make_invoice, staff):
    from factus.errors import FactusValidationError

    invoice = make_invoice()
    submit(invoice, staff, FakeFactus(validate=[FactusTimeout()], find=[None]))
    taken = FactusValidationError(errors={"reference_code": ["El reference_code ya ha sido registrado."]})
    retry = FakeFactus(validate=[taken], find=[ROW])
    result = submit(invoice, staff, retry)
    assert result.outcome == "validated" and "se adoptó" in result.message


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (FactusRateLimited(status_code=429, retry_after=42), "rate_limited"),
        (FactusConnectionError(may_have_reached_server=False), "refused"),
    ],
)
def test_certain_failures_are_failed_and_retried_by_sending_directly(make_invoice, staff, error, kind):
    invoice = make_invoice()
    fake = FakeFactus(validate=[error])
    result = submit(invoice, staff, fake)
    assert invoice.status == Status.FAILED and fake.looked_up == 0
    assert invoice.events.get().detail["kind"] == kind and invoice.events.get().detail["may_exist"] == "no"
    assert "No hubo respuesta" not in result.message
    retry = FakeFactus(validate=[documented()], find=[AssertionError("no lookup for FAILED")])
    assert submit(invoice, staff, retry).outcome == "validated" and retry.looked_up == 0


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (FactusTimeout(), "timeout"),
        (FactusServerError(status_code=500), "server_error"),
        (FactusConnectionError(may_have_reached_server=True), "dropped"),
        (FactusBadResponse(status_code=201), "bad_response"),
    ],
)
def test_each_uncertain_fault_is_named_and_looked_up(make_invoice, staff, error, kind):
    invoice = make_invoice()
    fake = FakeFactus(validate=[error], find=[None])
    submit(invoice, staff, fake)
    assert fake.looked_up == 1 and invoice.events.get().detail["kind"] == kind


def test_unverified_invoice_cannot_be_edited(make_invoice, staff):
    invoice = make_invoice()
    submit(invoice, staff, FakeFactus(validate=[[]]))
    with pytest.raises(InvoiceActionError):
        invoice_update_draft(invoice_id=invoice.pk, user=staff, items=[], customer_id=invoice.customer_id)


# --- stale SUBMITTING ------------------------------------------------------------------------------


def test_submitting_is_stale_once_the_request_budget_and_margin_have_passed(make_invoice, settings):
    settings.FACTUS_REQUEST_BUDGET = 40
    start = timezone.now()
    invoice = make_invoice()
    Invoice.objects.filter(pk=invoice.pk).update(status=Status.SUBMITTING, submitting_since=start)
    invoice.refresh_from_db()
    with time_machine.travel(start + timedelta(seconds=44), tick=False):
        assert not invoice.is_stale_submitting and not invoice.can_retry
    with time_machine.travel(start + timedelta(seconds=45), tick=False):
        assert invoice.is_stale_submitting and invoice.can_retry and invoice.needs_lookup


def test_a_stale_row_is_looked_up_before_anything_is_sent(make_invoice, staff, settings):
    settings.FACTUS_REQUEST_BUDGET = 40
    invoice = make_invoice()
    Invoice.objects.filter(pk=invoice.pk).update(
        status=Status.SUBMITTING, submitting_since=timezone.now() - timedelta(seconds=46)
    )
    fake = FakeFactus(validate=[AssertionError("must not resend")], find=[ROW])
    result = submit(invoice, staff, fake)
    assert result.outcome == "validated" and fake.sent == 0


def test_a_row_within_its_budget_is_busy(make_invoice, staff, settings):
    settings.FACTUS_REQUEST_BUDGET = 40
    invoice = make_invoice()
    Invoice.objects.filter(pk=invoice.pk).update(
        status=Status.SUBMITTING, submitting_since=timezone.now() - timedelta(seconds=30)
    )
    fake = FakeFactus(validate=[documented()])
    assert submit(invoice, staff, fake).outcome == "busy" and fake.sent == 0


def test_an_outcome_that_cannot_be_stored_never_leaves_the_row_submitting(make_invoice, staff, monkeypatch):
    from invoicing.services import submit as module

    real, calls = module.record_event, []

    def failing_once(*args, **kwargs):
        calls.append(kwargs["outcome"])
        if len(calls) == 1:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "record_event", failing_once)
    invoice = make_invoice()
    with pytest.raises(RuntimeError):
        submit(invoice, staff, FakeFactus(validate=[documented()]))
    invoice.refresh_from_db()
    assert invoice.status == Status.UNVERIFIED and invoice.events.get().outcome == "unverified"


# --- one bill number, one of our invoices --------------------------------------------------------


def _holder(make_invoice, number="SETP990000493", status=Status.VALIDATED):
    holder = make_invoice()
    Invoice.objects.filter(pk=holder.pk).update(status=status, number=number, prefix="SETP")
    return holder


def test_a_bill_number_already_on_another_invoice_is_not_recorded_twice(make_invoice, staff):
    holder = _holder(make_invoice)
    invoice = make_invoice()
    result = submit(invoice, staff, FakeFactus(validate=[documented()]))
    assert result.outcome == "unverified" and invoice.status == Status.UNVERIFIED
    assert invoice.number == "" and invoice.cufe == ""
    assert f"ya está registrado en otra factura (referencia {holder.reference_code})" in result.message
    assert list(Invoice.objects.filter(number="SETP990000493").values_list("pk", flat=True)) == [holder.pk]


def test_the_number_of_a_bill_deleted_at_factus_can_be_given_again(make_invoice, staff):
    _holder(make_invoice, status=Status.DELETED)
    invoice = make_invoice()
    result = submit(invoice, staff, FakeFactus(validate=[documented()]))
    assert result.outcome == "validated" and invoice.number == "SETP990000493"


def test_a_number_recorded_by_another_request_during_the_factus_call_is_unverified_not_a_500(
    make_invoice, staff
):
    invoice = make_invoice()
    holders = []

    class Racing(FakeFactus):
        def validate_bill(self, payload):  # another request records the same number meanwhile
            holders.append(_holder(make_invoice))
            return super().validate_bill(payload)

    result = submit(invoice, staff, Racing(validate=[documented()]))
    assert result.outcome == "unverified"
    assert invoice.status == Status.UNVERIFIED
    assert result.invoice.number == ""
    assert f"(referencia {holders[0].reference_code})" in result.message
    assert Invoice.objects.filter(number="SETP990000493").get().pk == holders[0].pk


def test_import_does_not_record_a_number_twice(make_invoice, staff):
    from factus.types import Page
    from invoicing.services import invoices_import

    _holder(make_invoice, number="SETP990000493")
    pending = make_invoice()
    Invoice.objects.filter(pk=pending.pk).update(status=Status.PENDING_DIAN)
    row = {**ROW, "reference_code": pending.reference_code}

    class Lister(FakeFactus):
        def list_bills(self, **filters):
            return Page([row], total=1, per_page=10, current_page=1, last_page=1)

    fake = Lister(show=_odd("bill.reference_code", pending.reference_code))
    summary = invoices_import(user=staff, client=fake)
    assert summary.failed == 1 and "ya está registrado en otra factura" in summary.errors[0]
    pending.refresh_from_db()
    assert pending.number == ""


def test_import_counts_an_odd_bill_as_failed_and_goes_on(staff):
    from factus.types import Page
    from invoicing.services import invoices_import

    odd = {**ROW, "number": "SETP" + "9" * 40, "reference_code": "OTRA-1", "status": "validado"}

    class Lister(FakeFactus):
        def list_bills(self, **filters):
            return Page([odd], total=1, per_page=10, current_page=1, last_page=1)

    summary = invoices_import(user=staff, client=Lister())
    assert (summary.created, summary.failed) == (0, 1) and "no tienen sentido" in summary.errors[0]
    assert not Invoice.objects.exists()


def test_a_pending_bill_without_a_number_is_named_without_a_gap():
    from invoicing.services import resolve

    outcome = resolve.from_data(INVOICE, {"bill": {"id": 7, "status": 0, "errors": []}}, http_status=201)
    assert outcome.message.startswith("La factura quedó pendiente")
