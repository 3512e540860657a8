import pytest

from factus.errors import FactusError
from invoicing.models import Invoice
from invoicing.services import (
    InvoiceActionError,
    invoice_delete_at_factus,
    invoice_document,
    invoice_send_email,
    invoice_submit,
)
from tests.invoicing.conftest import bills

pytestmark = pytest.mark.django_db


@pytest.fixture
def validated(make_invoice, staff, factus):
    invoice = make_invoice()
    assert invoice_submit(invoice_id=invoice.pk, user=staff, client=factus).ok
    return invoice


def test_pdf_and_xml_are_downloaded_and_recorded(validated, staff, factus):
    pdf = invoice_document(invoice_id=validated.pk, user=staff, kind="pdf", client=factus)
    xml = invoice_document(invoice_id=validated.pk, user=staff, kind="xml", client=factus)
    assert pdf.content.startswith(b"%PDF") and pdf.file_name.endswith(".pdf")
    assert b"<" in xml.content and xml.content_type == "application/xml"
    assert list(validated.events.values_list("action", flat=True))[:2] == ["xml", "pdf"]


def test_documents_only_for_validated(make_invoice, staff, factus):
    with pytest.raises(InvoiceActionError):
        invoice_document(invoice_id=make_invoice().pk, user=staff, kind="pdf", client=factus)


def test_email_is_sent_and_recorded(validated, staff, factus, sandbox):
    message = invoice_send_email(invoice_id=validated.pk, user=staff, email="otro@example.com", client=factus)
    assert message and sandbox.outbox[-1]["to"] == "otro@example.com"
    event = validated.events.first()
    assert (event.action, event.outcome, event.user) == ("email", "ok", staff)
    assert "otro@example.com" in event.message


def test_failed_email_is_recorded_then_raised(validated, staff, factus, sandbox):
    sandbox.configure(fail_rate=1)
    with pytest.raises(FactusError):
        invoice_send_email(invoice_id=validated.pk, user=staff, email="x@example.com", client=factus)
    assert validated.events.first().outcome == "failed"


def test_delete_refuses_validated_invoices(validated, staff, factus, sandbox):
    with pytest.raises(InvoiceActionError):
        invoice_delete_at_factus(invoice_id=validated.pk, user=staff, client=factus)
    assert len(bills(sandbox)) == 1


def test_delete_without_reopen_marks_deleted(make_invoice, staff, factus, sandbox):
    invoice = make_invoice("3333333333")
    invoice_submit(invoice_id=invoice.pk, user=staff, client=factus)
    deleted = invoice_delete_at_factus(invoice_id=invoice.pk, user=staff, reopen=False, client=factus)
    assert deleted.status == Invoice.Status.DELETED and not deleted.is_editable
    assert bills(sandbox) == []
    assert invoice_submit(invoice_id=invoice.pk, user=staff, client=factus).outcome == "failed"
