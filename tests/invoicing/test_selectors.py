from datetime import timedelta

import pytest
from django.utils import timezone

from invoicing.models import Invoice
from invoicing.selectors import invoice_detail, invoice_list
from tests.invoicing.factories import CustomerFactory, InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoices():
    ana = CustomerFactory(names="Ana Gómez", identification="52000111")
    now = timezone.now()
    return [
        InvoiceFactory(customer=ana, status="validated", number="SETP990000001", created_at=now),
        InvoiceFactory(status="draft", created_at=now - timedelta(days=3)),
        InvoiceFactory(
            status="rejected",
            number="SETP990000002",
            created_at=now - timedelta(days=10),
            observation="pedido urgente",
        ),
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, [0, 1, 2]),
        ({"status": "validated"}, [0]),
        ({"status": ["draft", "rejected"]}, [1, 2]),
        ({"number": "setp990000002"}, [2]),
        ({"number": "SETP99"}, [0, 2]),
        ({"q": "gómez"}, [0]),
        ({"q": "52000"}, [0]),
        ({"q": "setp990000001"}, [0]),
    ],
)
def test_filters(invoices, filters, expected):
    assert list(invoice_list(filters=filters)) == [invoices[i] for i in expected]


def test_date_range_customer_and_reference(invoices):
    today = timezone.localdate()
    assert list(invoice_list(filters={"date_from": today - timedelta(days=5)})) == invoices[:2]
    assert list(invoice_list(filters={"date_to": str(today - timedelta(days=5))})) == invoices[2:]
    assert list(invoice_list(filters={"customer": invoices[0].customer_id})) == invoices[:1]
    assert list(invoice_list(filters={"reference": invoices[1].reference_code[:10]})) == invoices[1:2]


@pytest.mark.parametrize("size", [5, 50])
def test_list_query_count_does_not_grow_with_page_size(django_assert_num_queries, size):
    InvoiceFactory.create_batch(size)
    with django_assert_num_queries(1):
        rows = list(invoice_list(filters={"status": "draft"})[:size])
        assert [(r.customer.names, r.numbering_range.prefix, r.created_by.username) for r in rows]


def test_text_search_costs_one_extra_query(invoices, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert list(invoice_list(filters={"q": "Ana"})) == invoices[:1]


def test_detail_has_items_and_events_in_three_queries(django_assert_num_queries):
    invoice = InvoiceFactory()
    InvoiceItemFactory.create_batch(3, invoice=invoice)
    invoice.events.create(action="create", outcome="ok")
    with django_assert_num_queries(3):
        found = invoice_detail(invoice_id=invoice.pk)
        assert [i.unit.code for i in found.items.all()] and found.events.all()[0].action == "create"
        assert found.customer.identification_document.name


def test_detail_raises_does_not_exist():
    with pytest.raises(Invoice.DoesNotExist):
        invoice_detail(invoice_id=999)
