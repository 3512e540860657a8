"""Credit notes through the API against the emulator as a real HTTP server."""

import pytest

from invoicing.models import CreditNote
from tests.api.test_invoices import documented


@pytest.fixture
def invoice(api, synced):
    """A validated invoice made through the API (the documented body: two lines)."""
    response = api.post_json("/api/v1/invoices", documented(issue=True))
    assert response.json()["status"] == "validated", response.content
    return response.json()


def notes_url(invoice) -> str:
    return f"/api/v1/invoices/{invoice['id']}/credit-notes"


def partial(invoice, quantity=1, **changes) -> dict:
    """A return of ``quantity`` units of the invoice's first line (concept 1)."""
    return {
        "concept": "1",
        "lines": [{"invoice_item_id": item_id(invoice, 0), "quantity": quantity}],
        **changes,
    }


def item_id(invoice, index: int) -> int:
    """The line's id as an integrator reads it: from the invoice the API returned."""
    return invoice["items"][index]["id"]


def test_void_issued_is_201_validated(api, invoice):
    response = api.post_json(notes_url(invoice), {"void": True, "issue": True})
    assert (response.status_code, response.json()["status"]) == (201, "validated")


def test_void_is_concept_2(api, invoice):
    assert api.post_json(notes_url(invoice), {"void": True}).json()["concept"] == "2"


def test_partial_draft_is_201(api, invoice):
    response = api.post_json(notes_url(invoice), partial(invoice))
    assert (response.status_code, response.json()["status"]) == (201, "draft")


def test_over_credit_names_the_line(api, invoice):
    response = api.post_json(notes_url(invoice), partial(invoice, quantity=999))
    assert (response.status_code, [e["path"] for e in response.json()["errors"]]) == (
        422,
        ["lines[0].quantity"],
    )


def test_void_with_lines_is_422(api, invoice):
    body = {**partial(invoice), "void": True}
    response = api.post_json(notes_url(invoice), body)
    assert sorted(e["path"] for e in response.json()["errors"]) == ["concept", "lines"]


def test_partial_without_concept_is_422(api, invoice):
    body = partial(invoice)
    del body["concept"]
    assert [e["path"] for e in api.post_json(notes_url(invoice), body).json()["errors"]] == ["concept"]


def test_note_of_a_draft_invoice_is_422(api, synced):
    draft = api.post_json("/api/v1/invoices", documented()).json()
    response = api.post_json(notes_url(draft), {"void": True})
    assert (response.status_code, response.json()["code"]) == (422, "credit_limit")


def test_note_of_a_missing_invoice_is_404(api, synced):
    assert api.post_json("/api/v1/invoices/999999/credit-notes", {"void": True}).status_code == 404


def test_second_void_after_a_void_is_refused(api, invoice):
    api.post_json(notes_url(invoice), {"void": True, "issue": True})
    assert api.post_json(notes_url(invoice), {"void": True}).status_code == 422


def test_issue_a_draft_later(api, invoice):
    note = api.post_json(notes_url(invoice), partial(invoice)).json()
    response = api.post_json(f"/api/v1/credit-notes/{note['id']}/issue")
    assert (response.status_code, response.json()["status"]) == (200, "validated")


def test_invoice_lists_its_notes(api, invoice):
    note = api.post_json(notes_url(invoice), partial(invoice)).json()
    assert [n["id"] for n in api.get(notes_url(invoice)).json()["items"]] == [note["id"]]


def test_list_filters_by_status(api, invoice):
    api.post_json(notes_url(invoice), partial(invoice))
    validated = api.post_json(notes_url(invoice), partial(invoice, issue=True)).json()
    page = api.get("/api/v1/credit-notes?status=validated&status=pending_dian").json()
    assert [row["id"] for row in page["items"]] == [validated["id"]]


def test_list_pages_by_cursor(api, invoice):
    first = api.post_json(notes_url(invoice), partial(invoice)).json()
    second = api.post_json(notes_url(invoice), partial(invoice)).json()
    page = api.get("/api/v1/credit-notes?limit=1").json()
    rest = api.get(f"/api/v1/credit-notes?limit=1&cursor={page['next_cursor']}").json()
    assert [page["items"][0]["id"], rest["items"][0]["id"]] == [second["id"], first["id"]]


def test_read_has_its_lines(api, invoice):
    note = api.post_json(notes_url(invoice), partial(invoice, quantity=1)).json()
    lines = api.get(f"/api/v1/credit-notes/{note['id']}").json()["items"]
    assert [(line["invoice_item_id"], line["quantity"]) for line in lines] == [(item_id(invoice, 0), 1)]


def test_pdf_has_its_content_type(api, invoice):
    note = api.post_json(notes_url(invoice), {"void": True, "issue": True}).json()
    assert api.get(f"/api/v1/credit-notes/{note['id']}/pdf")["Content-Type"] == "application/pdf"


def test_xml_has_its_content_type(api, invoice):
    note = api.post_json(notes_url(invoice), {"void": True, "issue": True}).json()
    assert api.get(f"/api/v1/credit-notes/{note['id']}/xml")["Content-Type"] == "application/xml"


def test_pdf_of_a_draft_is_409(api, invoice):
    note = api.post_json(notes_url(invoice), {"void": True}).json()
    assert api.get(f"/api/v1/credit-notes/{note['id']}/pdf").status_code == 409


def test_delete_validated_is_refused(api, invoice):
    note = api.post_json(notes_url(invoice), {"void": True, "issue": True}).json()
    assert api.delete(f"/api/v1/credit-notes/{note['id']}").status_code == 409


def test_email(api, invoice):
    note = api.post_json(notes_url(invoice), {"void": True, "issue": True}).json()
    response = api.post_json(f"/api/v1/credit-notes/{note['id']}/email", {"email": "a@example.com"})
    assert response.status_code == 200


def test_same_key_same_body_makes_one_note(api, invoice, synced):
    api.post_json(notes_url(invoice), {"void": True, "issue": True}, HTTP_IDEMPOTENCY_KEY="nc-1")
    api.post_json(notes_url(invoice), {"void": True, "issue": True}, HTTP_IDEMPOTENCY_KEY="nc-1")
    assert len(synced.snapshot()["credit_notes"]) == 1


def test_reader_cannot_create_notes(read_api, invoice):
    assert read_api.post_json(notes_url(invoice), {"void": True}).status_code == 403


def test_reader_reads_notes(api, read_api, invoice):
    api.post_json(notes_url(invoice), {"void": True})
    assert read_api.get("/api/v1/credit-notes").status_code == 200


def test_reader_cannot_issue_a_note(api, read_api, invoice):
    note = api.post_json(notes_url(invoice), {"void": True}).json()
    assert read_api.post_json(f"/api/v1/credit-notes/{note['id']}/issue").status_code == 403


def test_creating_without_issue_permission_cannot_issue(api, clerk, invoice):
    from django.contrib.auth.models import Permission

    clerk.user_permissions.remove(Permission.objects.get(codename="issue_creditnote"))
    response = api.post_json(notes_url(invoice), {"void": True, "issue": True})
    assert (response.status_code, CreditNote.objects.count()) == (403, 0)


def test_a_line_of_another_invoice_is_422_saying_so(api, invoice, synced):
    other = api.post_json("/api/v1/invoices", documented(reference_code="OTRA-9", issue=True)).json()
    body = {"concept": "1", "lines": [{"invoice_item_id": item_id(other, 0), "quantity": 1}]}
    response = api.post_json(notes_url(invoice), body)
    assert (response.status_code, "no pertenece" in response.json()["detail"]) == (422, True)


def test_only_zero_quantities_is_422(api, invoice):
    response = api.post_json(notes_url(invoice), partial(invoice, quantity=0))
    assert response.status_code == 422


def test_a_reduction_above_the_price_names_its_price(api, invoice):
    body = {
        "concept": "3",
        "lines": [{"invoice_item_id": item_id(invoice, 0), "quantity": 1, "price": "99999999.00"}],
    }
    response = api.post_json(notes_url(invoice), body)
    assert [e["path"] for e in response.json()["errors"]] == ["lines[0].price"]


def test_unknown_field_is_422(api, invoice):
    response = api.post_json(notes_url(invoice), {"void": True, "anular": True})
    assert [e["path"] for e in response.json()["errors"]] == ["anular"]


def test_factus_server_error_is_502_naming_the_note(api, invoice, synced):
    synced.configure(fail_rate=1.0)
    try:
        response = api.post_json(notes_url(invoice), {"void": True, "issue": True})
    finally:
        synced.configure(fail_rate=0.0)
    body = response.json()
    assert (response.status_code, body["credit_note_id"]) == (502, CreditNote.objects.get().pk)


def test_factus_rate_limit_is_429_with_retry_after(api, invoice, synced):
    synced.configure(rate_limit=1)
    try:
        api.get(f"/api/v1/invoices/{invoice['id']}/pdf")  # spends the minute's only Factus request
        response = api.post_json(notes_url(invoice), {"void": True, "issue": True})
    finally:
        synced.configure(rate_limit=None)
    assert (response.status_code, response.has_header("Retry-After")) == (429, True)


def test_a_void_takes_back_the_invoices_surcharge_too(api, invoice):
    response = api.post_json(notes_url(invoice), {"void": True, "issue": True})
    assert response.json()["totals"]["total"] == "99000.00"


def test_a_void_of_an_invoice_with_a_surcharge_agrees_with_factus(api, invoice):
    note_id = api.post_json(notes_url(invoice), {"void": True, "issue": True}).json()["id"]
    assert CreditNote.objects.get(pk=note_id).totals_mismatch == {}


def test_an_invoice_with_a_surcharge_is_voided_by_its_void(api, invoice):
    from invoicing.credit_selectors import invoice_credit_balance
    from invoicing.models import Invoice

    api.post_json(notes_url(invoice), {"void": True, "issue": True})
    assert invoice_credit_balance(Invoice.objects.get(pk=invoice["id"])).is_voided


def test_a_partial_note_leaves_the_surcharge_to_the_void(api, invoice):
    api.post_json(notes_url(invoice), partial(invoice, issue=True))
    response = api.post_json(notes_url(invoice), {"void": True, "issue": True})
    assert response.json()["totals"]["total"] == "59000.00"
