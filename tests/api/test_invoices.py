"""Invoices through the API against the emulator as a real HTTP server."""

import json
import threading
from pathlib import Path

import pytest
from django.db import connection

from invoicing.models import Invoice
from tests.api.conftest import ApiClient

FIXTURES = Path("/work/shared/factus/fixtures")
if not FIXTURES.exists():
    FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "factus" / "fixtures"
DOCUMENTED = sorted(FIXTURES.glob("bills-validate-request*.json"))


def documented(name="bills-validate-request.json", **changes) -> dict:
    return {**json.loads((FIXTURES / name).read_text()), **changes}


@pytest.mark.parametrize("path", DOCUMENTED, ids=lambda p: p.name)
def test_documented_factus_bodies_post_as_they_are_and_issue(api, synced, path):
    body = {**json.loads(path.read_text()), "issue": True}
    response = api.post_json("/api/v1/invoices", body)
    assert (response.status_code, response.json()["status"]) == (201, "validated")


def test_the_chosen_range_is_said(api, synced):
    response = api.post_json("/api/v1/invoices", documented(issue=True))
    assert "se usó SETP" in response.json()["warnings"][0]


def test_documented_body_keeps_its_reference(api, synced):
    response = api.post_json("/api/v1/invoices", documented())
    assert response.json()["reference_code"] == "fact0022025"


def test_amounts_are_decimal_strings(api, synced):
    response = api.post_json("/api/v1/invoices", documented(issue=True))
    assert response.json()["totals"]["total"] == "99000.00"


def test_a_draft_estimates_the_documented_surcharge_in_its_total(api, synced):
    response = api.post_json("/api/v1/invoices", documented())
    assert response.json()["estimated_total"] == "99000.00"


def test_the_documented_surcharge_is_in_our_totals_as_in_factus(api, synced):
    invoice_id = api.post_json("/api/v1/invoices", documented(issue=True)).json()["id"]
    assert Invoice.objects.get(pk=invoice_id).totals_mismatch == {}


def test_draft_by_our_ids(api, synced, product):
    customer = api.post_json("/api/v1/invoices", documented()).json()["customer"]["id"]
    body = {"customer_id": customer, "items": [{"product_id": product, "quantity": 2}]}
    response = api.post_json("/api/v1/invoices", body)
    assert (response.status_code, response.json()["items"][0]["price"]) == (201, "1190.00")


def test_unknown_unit_names_its_path(api, synced):
    body = documented()
    body["items"][1]["unit_measure_id"] = 999999
    response = api.post_json("/api/v1/invoices", body)
    assert "items[1].unit_measure_id" in [e["path"] for e in response.json()["errors"]]


def test_reader_cannot_create_invoices(read_api, synced):
    assert read_api.post_json("/api/v1/invoices", documented()).status_code == 403


def test_issue_rejected_by_dian_is_422_naming_the_invoice(api, synced):
    body = documented()
    body["customer"] = {**body["customer"], "identification": "1111111111"}
    response = api.post_json("/api/v1/invoices", {**body, "issue": True})
    assert (response.status_code, response.json()["code"]) == (422, "dian_rejected")


def test_pending_at_dian_is_202(api, synced):
    body = documented()
    body["customer"] = {**body["customer"], "identification": "3333333333"}
    assert api.post_json("/api/v1/invoices", {**body, "issue": True}).status_code == 202


def test_factus_server_error_is_502_saying_the_bill_may_exist(api, synced):
    synced.configure(fail_rate=1.0)
    try:
        response = api.post_json("/api/v1/invoices", documented(issue=True))
    finally:
        synced.configure(fail_rate=0.0)
    assert response.status_code in (502, 504)
    assert response.json()["invoice_id"] == Invoice.objects.get().pk


def test_list_pages_by_cursor(api, synced):
    for number in range(3):
        api.post_json("/api/v1/invoices", documented(reference_code=f"REF-{number}"))
    first = api.get("/api/v1/invoices?limit=2").json()
    second = api.get(f"/api/v1/invoices?limit=2&cursor={first['next_cursor']}").json()
    assert [i["reference_code"] for i in first["items"] + second["items"]] == ["REF-2", "REF-1", "REF-0"]


def test_bad_cursor_is_422(api, synced):
    assert api.get("/api/v1/invoices?cursor=xyz").status_code == 422


def test_pdf_has_its_content_type(api, synced):
    invoice = api.post_json("/api/v1/invoices", documented(issue=True)).json()["id"]
    assert api.get(f"/api/v1/invoices/{invoice}/pdf")["Content-Type"] == "application/pdf"


def test_xml_of_a_draft_is_409(api, synced):
    invoice = api.post_json("/api/v1/invoices", documented()).json()["id"]
    assert api.get(f"/api/v1/invoices/{invoice}/xml").status_code == 409


def test_email(api, synced):
    invoice = api.post_json("/api/v1/invoices", documented(issue=True)).json()["id"]
    response = api.post_json(f"/api/v1/invoices/{invoice}/email", {"email": "cliente@example.com"})
    assert response.status_code == 200


def test_delete_pending_at_factus(api, synced):
    body = documented()
    body["customer"] = {**body["customer"], "identification": "3333333333"}
    invoice = api.post_json("/api/v1/invoices", {**body, "issue": True}).json()["id"]
    assert api.delete(f"/api/v1/invoices/{invoice}").json()["status"] == "deleted"


def test_delete_validated_is_refused(api, synced):
    invoice = api.post_json("/api/v1/invoices", documented(issue=True)).json()["id"]
    assert api.delete(f"/api/v1/invoices/{invoice}").status_code == 409


# --- idempotency ---------------------------------------------------------------------------------


def test_same_key_same_body_replays_and_bills_once(api, synced):
    first = api.post_json("/api/v1/invoices", documented(issue=True), HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post_json("/api/v1/invoices", documented(issue=True), HTTP_IDEMPOTENCY_KEY="k-1")
    assert (again.json()["id"], len(synced.snapshot()["bills"])) == (first.json()["id"], 1)


def test_replay_is_marked(api, synced):
    api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="k-2")
    again = api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="k-2")
    assert again["Idempotent-Replayed"] == "true"


def test_same_key_other_body_is_409(api, synced):
    api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="k-3")
    other = api.post_json("/api/v1/invoices", documented(observation="otra"), HTTP_IDEMPOTENCY_KEY="k-3")
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")


def test_a_body_that_failed_the_schema_does_not_hold_its_key(api, synced):
    api.post_json("/api/v1/invoices", {"items": "none"}, HTTP_IDEMPOTENCY_KEY="k-schema")
    fixed = api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="k-schema")
    assert fixed.status_code == 201


def test_a_body_that_is_not_json_does_not_hold_its_key(api, synced):
    api.post("/api/v1/invoices", "{not json", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-json")
    fixed = api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="k-json")
    assert fixed.status_code == 201


def test_a_refusal_of_our_services_holds_its_key(api, synced):
    body = documented()
    body["items"][1]["unit_measure_id"] = 999999
    api.post_json("/api/v1/invoices", body, HTTP_IDEMPOTENCY_KEY="k-service")
    other = api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="k-service")
    assert other.json()["code"] == "idempotency_key_reused"


def test_keys_belong_to_their_user(api, read_api, clerk, synced):
    from api.services import token_create
    from tests.api.conftest import BILLING, make_user

    other = make_user(type(clerk), "otro", BILLING)
    other_api = ApiClient(token_create(user=other, name="x").secret)
    api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="k-4")
    second = other_api.post_json(
        "/api/v1/invoices", documented(reference_code="OTRA-1"), HTTP_IDEMPOTENCY_KEY="k-4"
    )
    assert second.status_code == 201


@pytest.mark.django_db(transaction=True)
def test_two_threads_one_key_bill_once(clerk, synced):
    """Two concurrent POSTs with one key on PostgreSQL: one runs, the other gets 409 or the same result."""
    from api.services import token_create

    secret = token_create(user=clerk, name="hilos").secret
    synced_body = documented(issue=True)
    start = threading.Barrier(2)
    answers = []

    def post():
        start.wait()
        try:
            response = ApiClient(secret).post_json(
                "/api/v1/invoices", synced_body, HTTP_IDEMPOTENCY_KEY="hilo"
            )
            answers.append((response.status_code, response.json().get("id") or response.json().get("code")))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(status for status, _ in answers) in ([201, 201], [201, 409])
    assert len(synced.snapshot()["bills"]) == 1


def test_list_filters_by_status(api, synced):
    api.post_json("/api/v1/invoices", documented())
    validated = api.post_json("/api/v1/invoices", documented(reference_code="OTRA-2", issue=True)).json()
    page = api.get("/api/v1/invoices?status=validated&status=pending_dian").json()
    assert [row["id"] for row in page["items"]] == [validated["id"]]


def _die_mid_way(key: str, *, ago) -> None:
    """What a request killed after its work leaves behind: its key claimed ``ago``, no answer stored."""
    from django.utils import timezone

    from api.models import IdempotencyRecord

    IdempotencyRecord.objects.filter(key=key).update(
        status_code=None, body=None, content_type="", created=timezone.now() - ago
    )


def test_a_dead_request_frees_its_key_after_the_lease(api, synced):
    from api.idempotency import lease

    first = api.post_json("/api/v1/invoices", documented(issue=True), HTTP_IDEMPOTENCY_KEY="muerta")
    _die_mid_way("muerta", ago=lease() * 2)
    again = api.post_json("/api/v1/invoices", documented(issue=True), HTTP_IDEMPOTENCY_KEY="muerta")
    assert (again.status_code, again.json()["id"]) == (201, first.json()["id"])


def test_a_dead_request_retried_bills_once(api, synced):
    from api.idempotency import lease

    api.post_json("/api/v1/invoices", documented(issue=True), HTTP_IDEMPOTENCY_KEY="muerta-2")
    _die_mid_way("muerta-2", ago=lease() * 2)
    api.post_json("/api/v1/invoices", documented(issue=True), HTTP_IDEMPOTENCY_KEY="muerta-2")
    assert len(synced.snapshot()["bills"]) == 1


def test_a_request_within_its_lease_still_holds_the_key(api, synced):
    from datetime import timedelta

    api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="viva")
    _die_mid_way("viva", ago=timedelta(seconds=1))
    again = api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="viva")
    assert (again.status_code, again.json()["code"]) == (409, "idempotency_in_progress")


def test_a_lapsed_lease_is_not_taken_by_another_body(api, synced):
    from api.idempotency import lease

    api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="muerta-3")
    _die_mid_way("muerta-3", ago=lease() * 2)
    other = api.post_json("/api/v1/invoices", documented(observation="otra"), HTTP_IDEMPOTENCY_KEY="muerta-3")
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")


def test_permission_is_checked_before_the_body(read_api, synced):
    response = read_api.post("/api/v1/invoices", "{not json", content_type="application/json")
    assert response.status_code == 403


def test_issue_needs_its_permission(api, read_api, synced):
    draft = api.post_json("/api/v1/invoices", documented()).json()
    assert read_api.post_json(f"/api/v1/invoices/{draft['id']}/issue").status_code == 403


def test_a_key_older_than_24_hours_is_new_again(api, synced):
    from datetime import timedelta

    from django.utils import timezone

    from api.models import IdempotencyRecord

    api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="vieja")
    IdempotencyRecord.objects.filter(key="vieja").update(created=timezone.now() - timedelta(hours=25))
    other = api.post_json(
        "/api/v1/invoices", documented(reference_code="OTRA-3"), HTTP_IDEMPOTENCY_KEY="vieja"
    )
    assert (other.status_code, other.json()["reference_code"]) == (201, "OTRA-3")


def drafts(api, synced, product, count: int) -> list[int]:
    customer = api.post_json("/api/v1/invoices", documented()).json()["customer"]["id"]
    body = {"customer_id": customer, "items": [{"product_id": product, "quantity": 1}]}
    return [api.post_json("/api/v1/invoices", body).json()["id"] for _ in range(count)]


def test_bulk_issue_enqueues_each_draft(api, synced, product, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queued, not run
    ids = drafts(api, synced, product, 2)
    response = api.post_json("/api/v1/invoices/issue", {"ids": ids})
    assert (response.status_code, response.json()["added"]) == (202, 2)


def test_bulk_issue_twice_adds_nothing(api, synced, product, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ids = drafts(api, synced, product, 2)
    api.post_json("/api/v1/invoices/issue", {"ids": ids})
    again = api.post_json("/api/v1/invoices/issue", {"ids": ids}).json()
    assert (again["added"], again["already_queued"]) == (0, 2)


def test_bulk_issue_needs_the_issue_permission(read_api, synced):
    assert read_api.post_json("/api/v1/invoices/issue", {"ids": [1]}).status_code == 403


def test_bulk_issue_of_no_ids_is_a_validation_problem(api, synced):
    assert api.post_json("/api/v1/invoices/issue", {"ids": []}).status_code == 422


@pytest.mark.parametrize("huge", [2**63, -(2**90)])
def test_bulk_issue_of_an_id_no_database_holds_names_it(api, synced, huge):
    response = api.post_json("/api/v1/invoices/issue", {"ids": [1, huge]})
    assert [e["path"] for e in response.json()["errors"]] == ["ids[1]"]


def test_a_line_naming_a_product_id_no_database_holds_is_a_validation_problem(api, synced):
    body = {"customer_id": 1, "items": [{"product_id": 2**64}]}
    assert api.post_json("/api/v1/invoices", body).status_code == 422


# --- cost ----------------------------------------------------------------------------------------

# A Factus body with "issue": true and an Idempotency-Key, its customer already ours, by a user of
# the role. 28 = token, the user's permissions (2), the key claimed, every id the body names (its
# catalogues, the invoice its key already made, its reference) at once, usable ranges, customer,
# draft (invoice, items, event), the submission (6), the answer (invoice, items, events), the key's
# answer stored, and the savepoints of the test's transaction (8). bench/api.py prints each query.
CREATE_AND_ISSUE_QUERIES = 28


def test_create_and_issue_stays_within_its_queries(api, synced, django_assert_max_num_queries):
    api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="coste-0")  # the customer
    with django_assert_max_num_queries(CREATE_AND_ISSUE_QUERIES):
        response = api.post_json(
            "/api/v1/invoices",
            documented(reference_code="COSTE-1", issue=True),
            HTTP_IDEMPOTENCY_KEY="coste-1",
        )
    assert response.status_code == 201


def test_a_create_that_lost_the_race_for_its_key_answers_the_first_invoice(api, synced, monkeypatch):
    """A retry that took a lapsed lease over while the first request still ran: its insert meets
    the first one's form token (unique), and it answers with the first invoice."""
    from api.idempotency import lease
    from invoicing.services import api_intake

    first = api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="carrera")
    _die_mid_way("carrera", ago=lease() * 2)
    monkeypatch.setattr(api_intake, "_existing", lambda known, **lookups: (None, None))
    again = api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="carrera")
    assert again.json()["id"] == first.json()["id"]


def test_a_create_that_lost_the_race_makes_no_second_invoice(api, synced, monkeypatch):
    from api.idempotency import lease
    from invoicing.services import api_intake

    api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="carrera-2")
    _die_mid_way("carrera-2", ago=lease() * 2)
    monkeypatch.setattr(api_intake, "_existing", lambda known, **lookups: (None, None))
    api.post_json("/api/v1/invoices", documented(), HTTP_IDEMPOTENCY_KEY="carrera-2")
    assert Invoice.objects.count() == 1
