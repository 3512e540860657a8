"""PostgreSQL with server-bound statements (prepared when run again): Django's own statements stay
under the 65,535 parameters such a statement takes."""

import pytest
from django.db import connection

from invoicing.models import Invoice, InvoiceEvent
from tests.invoicing.factories import InvoiceFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the limit is PostgreSQL's protocol"),
]
MANY = 70_000  # more ids than one server-bound statement can name


def test_deleting_more_invoices_than_a_statement_has_parameters_for_works():
    seed = InvoiceFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO invoicing_invoice (reference_code, payment_form, payment_method_code, observation,"
            " send_email, status, number, prefix, cufe, qr_url, qr_image, withholdings, dian_messages,"
            " field_errors, totals_mismatch, raw_response, factus_extra, created_at, updated_at,"
            " customer_id, numbering_range_id)"
            " SELECT 'MANY-' || g, '1', '10', '', false, 'draft', '', '', '', '', '', '[]', '[]', '{}', '{}',"
            " '{}', '{}', now(), now(), %s, %s FROM generate_series(1, %s) AS g",
            [seed.customer_id, seed.numbering_range_id, MANY],
        )
    InvoiceEvent.objects.create(
        invoice=Invoice.objects.get(reference_code="MANY-1"), action="submit", outcome="ok"
    )
    _, per_model = Invoice.objects.filter(reference_code__startswith="MANY-").delete()
    assert per_model["invoicing.Invoice"] == MANY
