"""Credit-note methods of FactusClient (API.md §4.1): against the emulator core, and each documented
credit-note error envelope (fixtures copied from the Factus docs) through ``responses``."""

import copy
import json

import pytest

from factus.errors import FactusConflict, FactusNotFound, FactusRejected, FactusValidationError
from factus.types import DownloadedFile, Page
from tests.factus.conftest import BASE, bill_payload, load_fixture

NOTES = f"{BASE}/v1/credit-notes"
CREDIT_NOTE_RANGE_ID = 9  # the emulator's "NC" range (document 22), as in the shared sandbox


@pytest.fixture
def bill(emulated):
    """A validated bill at Factus, the one the notes correct."""
    return emulated.validate_bill(bill_payload("BILL-1"))["bill"]


def note_payload(bill: dict, reference: str, **changes) -> dict:
    payload = copy.deepcopy(load_fixture("credit-notes-validate-request.json"))
    payload.update(reference_code=reference, numbering_range_id=CREDIT_NOTE_RANGE_ID, bill_id=bill["id"])
    payload.update(changes)
    return payload


# -- against the emulator ----------------------------------------------------------------------


def test_validate_returns_the_validated_note_with_its_cude(emulated, bill):
    note = emulated.validate_credit_note(note_payload(bill, "NC-REF-1"))["credit_note"]
    assert (note["number"][:2], note["status"], len(note["cude"])) == ("NC", 1, 96)


def test_the_note_is_read_back_by_number(emulated, bill):
    number = emulated.validate_credit_note(note_payload(bill, "NC-REF-1"))["credit_note"]["number"]
    assert emulated.get_credit_note(number)["credit_note"]["reference_code"] == "NC-REF-1"


def test_list_filters_by_reference_code(emulated, bill):
    emulated.validate_credit_note(note_payload(bill, "NC-REF-1"))
    page = emulated.list_credit_notes(reference_code="NC-REF-1")
    assert isinstance(page, Page) and [row["reference_code"] for row in page.items] == ["NC-REF-1"]


def test_find_by_reference_returns_only_an_exact_match(emulated, bill):
    number = emulated.validate_credit_note(note_payload(bill, "NC-REF-1"))["credit_note"]["number"]
    assert emulated.find_credit_note_by_reference("NC-REF-1")["number"] == number
    assert emulated.find_credit_note_by_reference("NC-REF") is None


def test_iter_credit_notes_walks_every_page(emulated, bill):
    for n in range(11):
        emulated.validate_credit_note(note_payload(bill, f"NC-PAGE-{n}"))
    assert emulated.list_credit_notes().last_page == 2
    assert sorted(row["reference_code"] for row in emulated.iter_credit_notes()) == sorted(
        f"NC-PAGE-{n}" for n in range(11)
    )


def test_downloads_are_decoded_files_with_their_extension(emulated, bill):
    number = emulated.validate_credit_note(note_payload(bill, "NC-REF-1"))["credit_note"]["number"]
    pdf, xml = emulated.download_credit_note_pdf(number), emulated.download_credit_note_xml(number)
    assert (
        isinstance(pdf, DownloadedFile) and pdf.file_name.startswith("nc") and pdf.file_name.endswith(".pdf")
    )
    assert pdf.content.startswith(b"%PDF")
    assert xml.file_name.endswith(".xml") and b"CreditNote" in xml.content


def test_email_and_email_content(emulated, bill):
    number = emulated.validate_credit_note(note_payload(bill, "NC-REF-1"))["credit_note"]["number"]
    assert emulated.send_credit_note_email(number, "cliente@example.co") == (
        "Nota crédito enviada al cliente con éxito"
    )
    assert f";{number};91;" in emulated.get_credit_note_email_content(number)["subject"]


def test_a_pending_note_blocks_the_next_until_deleted(emulated, bill):
    pending = emulated.validate_credit_note(note_payload(bill, "NC-SLOW", observation="emulator:pendiente"))[
        "credit_note"
    ]
    assert pending["status"] == 0
    with pytest.raises(FactusConflict, match="nota crédito pendiente"):
        emulated.validate_credit_note(note_payload(bill, "NC-NEXT"))
    with pytest.raises(FactusConflict, match="no ha sido validad"):
        emulated.download_credit_note_pdf(pending["number"])
    assert "eliminado" in emulated.delete_credit_note("NC-SLOW")
    assert emulated.validate_credit_note(note_payload(bill, "NC-NEXT"))["credit_note"]["status"] == 1


def test_a_dian_rejection_is_rejected_with_its_credit_note_rule(emulated, bill):
    with pytest.raises(FactusRejected) as info:
        emulated.validate_credit_note(note_payload(bill, "NC-BAD", observation="emulator:rechazo"))
    assert [code for code, _ in info.value.rejections] == ["CAB05b"]


def test_a_validated_note_cannot_be_deleted(emulated, bill):
    emulated.validate_credit_note(note_payload(bill, "NC-REF-1"))
    with pytest.raises(FactusConflict, match="se encuentra validado"):
        emulated.delete_credit_note("NC-REF-1")


def test_a_note_on_an_unknown_bill_is_a_field_error(emulated, bill):
    with pytest.raises(FactusValidationError) as info:
        emulated.validate_credit_note(note_payload(bill, "NC-REF-1", bill_id=99999))
    assert info.value.errors["bill_id"] == ["La factura seleccionada no existe."]


def test_an_unknown_note_is_not_found(emulated):
    with pytest.raises(FactusNotFound):
        emulated.get_credit_note("NC72232")


def test_unknown_filter_is_refused_before_any_call(emulated):
    with pytest.raises(TypeError, match="customer"):
        emulated.list_credit_notes(customer="x")


# -- the documented envelopes, verbatim (API.md §1.4, [D:notas-credito/*]) ----------------------

DOCUMENTED = [
    (
        "GET",
        f"{NOTES}/NC72232",
        lambda c: c.get_credit_note("NC72232"),
        404,
        "credit-notes-error-404-show.json",
    ),
    (
        "GET",
        f"{NOTES}/download-pdf/NC7222",
        lambda c: c.download_credit_note_pdf("NC7222"),
        404,
        "credit-notes-error-404-download.json",
    ),
    (
        "DELETE",
        f"{NOTES}/reference/644",
        lambda c: c.delete_credit_note("644"),
        404,
        "credit-notes-error-404-delete.json",
    ),
    (
        "DELETE",
        f"{NOTES}/reference/5",
        lambda c: c.delete_credit_note("5"),
        409,
        "credit-notes-error-409-delete-validated.json",
    ),
    (
        "GET",
        f"{NOTES}/download-pdf/NC82",
        lambda c: c.download_credit_note_pdf("NC82"),
        409,
        "credit-notes-error-409-download-pdf-not-validated.json",
    ),
    (
        "GET",
        f"{NOTES}/download-xml/NC82",
        lambda c: c.download_credit_note_xml("NC82"),
        409,
        "credit-notes-error-409-download-xml-not-validated.json",
    ),
    (
        "POST",
        f"{NOTES}/validate",
        lambda c: c.validate_credit_note({"reference_code": "5"}),
        409,
        "credit-notes-error-409.json",
    ),
]
EXCEPTION = {404: FactusNotFound, 409: FactusConflict}
IDS = [row[4].removesuffix(".json") for row in DOCUMENTED]


def factus_message(body: dict) -> str:
    return body["errors"][0]["message"] if "errors" in body else body["message"]


@pytest.mark.parametrize(("method", "url", "call", "status", "fixture"), DOCUMENTED, ids=IDS)
def test_documented_envelope_raises_its_exception(rsps, factus, method, url, call, status, fixture):
    rsps.add(method, url, status=status, json=load_fixture(fixture))
    with pytest.raises(EXCEPTION[status]):
        call(factus)


@pytest.mark.parametrize(("method", "url", "call", "status", "fixture"), DOCUMENTED, ids=IDS)
def test_documented_envelope_shows_factus_message(rsps, factus, method, url, call, status, fixture):
    body = load_fixture(fixture)
    rsps.add(method, url, status=status, json=body)
    with pytest.raises(EXCEPTION[status]) as info:
        call(factus)
    assert info.value.message == factus_message(body)


def test_documented_422_maps_every_field_error(rsps, factus):
    body = load_fixture("credit-notes-error-422.json")
    rsps.post(f"{NOTES}/validate", status=422, json=body)
    with pytest.raises(FactusValidationError) as info:
        factus.validate_credit_note({"reference_code": "5"})
    assert info.value.errors == body["errors"]


def test_send_email_posts_the_address_and_the_custom_pdf(rsps, factus):
    rsps.post(f"{NOTES}/send-email/NC76", json=load_fixture("credit-notes-send-email-response.json"))
    factus.send_credit_note_email("NC76", "cliente@example.co", pdf_base64="JVBERi0=")
    assert json.loads(rsps.calls[-1].request.body) == {
        "email": "cliente@example.co",
        "pdf_base_64_encoded": "JVBERi0=",
    }
