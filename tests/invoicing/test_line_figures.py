"""Every way a line is written stores its figures (reports sum them: invoicing.services.figures)."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from invoicing import services
from invoicing.models import InvoiceItem
from invoicing.payloads import line_input
from invoicing.totals import compute_line
from tests.invoicing.factories import CustomerFactory, InvoiceItemFactory, item_dict

pytestmark = pytest.mark.django_db


def _expected(item):
    return compute_line(line_input(item))


@pytest.fixture
def draft(user):
    return services.invoice_create_draft(
        user=user,
        customer_id=CustomerFactory().pk,
        items=[item_dict(), item_dict(tax_rate=Decimal("0"), withholdings=[{"code": "05", "rate": "15.00"}])],
    )


def test_a_new_draft_line_stores_its_tax_as_factus_computes_it(draft):
    item = draft.items.first()
    assert item.line_tax_amount == _expected(item).tax_amount


def test_a_new_draft_line_stores_its_rete_renta(draft):
    item = draft.items.first()
    assert item.line_rete_renta == _expected(item).withholdings["06"]


def test_a_line_without_a_withholding_stores_zero_for_it(draft):
    item = draft.items.first()
    assert item.line_rete_ica == Decimal("0.00")


def test_an_edited_draft_line_stores_its_new_total(draft, user):
    services.invoice_update_draft(
        invoice_id=draft.pk, user=user, customer_id=draft.customer_id, items=[item_dict(quantity=3)]
    )
    item = draft.items.get()
    assert item.line_total == _expected(item).total


def test_a_duplicated_line_stores_its_figures(draft, user):
    copy = services.invoice_duplicate(invoice_id=draft.pk, user=user)
    assert [i.line_total for i in copy.items.all()] == [i.line_total for i in draft.items.all()]


def test_the_backfill_fills_lines_written_before_the_columns_existed():
    item = InvoiceItemFactory(quantity=2, discount_rate=Decimal("11"))
    InvoiceItem.objects.filter(pk=item.pk).update(line_total=None, line_tax_amount=None)
    importlib.import_module("invoicing.migrations.0012_fill_line_figures").fill(apps, None)
    item.refresh_from_db()
    assert item.line_tax_amount == _expected(item).tax_amount
