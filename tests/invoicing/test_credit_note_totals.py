"""Our totals of a credit note equal the emulator's to the cent, on hypothesis-generated invoices and
notes (returns and price reductions, with discounts, excluded lines and withholdings)."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from invoicing.models import CreditNote
from invoicing.payloads import line_input
from invoicing.services import CreditLine, credit_note_create_partial, credit_note_submit, invoice_submit
from invoicing.totals import compute_line
from tests.invoicing.factories import CustomerFactory, InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

lines = st.lists(
    st.fixed_dictionaries(
        {
            "quantity": st.integers(1, 9),
            "price": st.decimals(Decimal("0.01"), Decimal("9999999.99"), places=2),
            "discount_rate": st.sampled_from([Decimal(0), Decimal("2.5"), Decimal(11), Decimal(50)]),
            "tax_rate": st.sampled_from([Decimal(0), Decimal(5), Decimal(19)]),
            "is_excluded": st.booleans(),
            "withholdings": st.sampled_from(
                [[], [{"code": "06", "rate": "7.00"}], [{"code": "05", "rate": "15"}]]
            ),
        }
    ),
    min_size=1,
    max_size=3,
)


CENT_LINE_HALVED = {
    "quantity": 2,
    "price": Decimal("0.01"),
    "discount_rate": Decimal(50),
    "tax_rate": Decimal(0),
    "is_excluded": False,
    "withholdings": [],
}


@FUZZ
@given(invoice_lines=lines, percent=st.integers(1, 100), reduce=st.booleans())
@example(invoice_lines=[CENT_LINE_HALVED], percent=100, reduce=True)  # costs $ 0,01 for two units
def test_note_totals_equal_the_emulators(factus, staff, note_range, invoice_lines, percent, reduce):
    invoice = InvoiceFactory(customer=CustomerFactory())
    for position, line in enumerate(invoice_lines):
        InvoiceItemFactory(invoice=invoice, position=position, **line)
    assert invoice_submit(invoice_id=invoice.pk, user=staff, client=factus).ok
    credit = []
    for item in invoice.items.order_by("position"):
        units = max(1, item.quantity * percent // 100)
        unit_paid = (item.price * (100 - item.discount_rate) / 100).quantize(Decimal("0.01"))
        reduction = (
            max(Decimal("0.01"), (unit_paid * percent / 100).quantize(Decimal("0.01"))) if reduce else None
        )
        if reduction is not None:  # never more than the line cost (a cent line halved rounds up)
            units = min(units, int(compute_line(line_input(item)).total / reduction))
        if units:
            credit.append(CreditLine(item.pk, units, reduction))
    assume(credit)
    concept = CreditNote.Concept.DISCOUNT if reduce else CreditNote.Concept.PARTIAL_RETURN
    note = credit_note_create_partial(invoice_id=invoice.pk, user=staff, concept=concept, lines=credit)
    result = credit_note_submit(credit_note_id=note.pk, user=staff, client=factus)
    assert result.ok, result.message
    note.refresh_from_db()
    assert note.totals_mismatch == {}
    assert note.estimated_total == note.total
