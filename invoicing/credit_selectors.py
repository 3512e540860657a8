"""What a validated invoice has been credited, and what is left (docs/invoicing.md, "The balance rule").

A credit note counts against its invoice once it is VALIDATED, or while it may exist at Factus
(SUBMITTING, PENDING_DIAN, UNVERIFIED): those may still become validated, so nothing may be credited
on top of them. Drafts, notes refused (INVALID, FAILED: certainly not created), rejected by the DIAN
(kept at Factus but never validated; deleted to be corrected) and deleted ones do not count.

Per line: a return (concepts 1 and 2) takes back units, a price reduction (concepts 3 to 6) takes
value off units the customer keeps. ``quantity_left`` is the invoice line's quantity less the units
returned; ``amount_left`` is the line's total less every credited line total (returns and reductions).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from invoicing.models import CreditNote, CreditNoteItem, Invoice, InvoiceItem
from invoicing.payloads import line_input
from invoicing.totals import ZERO, compute_line, round_cents

Status = CreditNote.Status
# Notes that count against the invoice: validated, or possibly created at Factus.
COUNTING = (Status.VALIDATED, Status.SUBMITTING, Status.PENDING_DIAN, Status.UNVERIFIED)
MAY_EXIST = (Status.SUBMITTING, Status.PENDING_DIAN, Status.UNVERIFIED)
# Concepts whose lines give units back (the rest reduce the price of units kept).
RETURN_CONCEPTS = frozenset({CreditNote.Concept.PARTIAL_RETURN, CreditNote.Concept.VOID})
MONEY = DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class LineBalance:
    item: InvoiceItem
    quantity_left: int
    amount_left: Decimal
    line_total: Decimal  # the invoice line's total (tax included, after its discount)

    @property
    def unit_price(self) -> Decimal:
        """What one unit of the line was billed at, tax included, after the line's discount."""
        return round_cents(self.line_total / self.item.quantity)


@dataclass(frozen=True)
class CreditBalance:
    invoice_total: Decimal
    credited: Decimal  # validated notes' totals (Factus' figures)
    committed: Decimal  # credited + notes that may exist at Factus (their total, or ours before it)
    balance: Decimal  # invoice_total - committed
    is_voided: bool
    lines: tuple[LineBalance, ...]

    def line(self, invoice_item_id: int) -> LineBalance | None:
        return self._by_item.get(invoice_item_id)

    @cached_property
    def _by_item(self) -> dict[int, LineBalance]:
        return {line.item.pk: line for line in self.lines}

    @property
    def has_credit_left(self) -> bool:
        return self.balance > 0 and any(line.amount_left > 0 for line in self.lines)


def note_total(note: CreditNote) -> Decimal:
    """Factus' total once it gave one, ours (estimated) before."""
    value = note.total if note.total is not None else note.estimated_total
    return value if value is not None else ZERO


def invoice_credit_balance(
    invoice: Invoice, *, excluding: int | None = None, items: list[InvoiceItem] | None = None
) -> CreditBalance:
    """What ``invoice`` has been credited and what is left, per line and in total.

    ``excluding``: a note left out of the count (the one being checked before it is sent).
    ``items``: only these lines of the invoice (already read), e.g. the lines a note credits; the
    total and the balance are the invoice's all the same (``invoice.total``: a validated invoice).
    """
    notes = invoice.credit_notes.filter(status__in=COUNTING)
    if excluding is not None:
        notes = notes.exclude(pk=excluding)
    notes = list(notes.only("pk", "status", "total", "estimated_total", "correction_concept"))
    credited = round_cents(sum((note_total(n) for n in notes if n.status == Status.VALIDATED), ZERO))
    committed = round_cents(sum((note_total(n) for n in notes), ZERO))
    concepts = {n.pk: n.correction_concept for n in notes}
    credits: dict[int, list[CreditNoteItem]] = {}
    if concepts:
        credited_lines = CreditNoteItem.objects.filter(credit_note_id__in=list(concepts)).order_by()
        if items is not None:
            credited_lines = credited_lines.filter(invoice_item_id__in=[item.pk for item in items])
        for credit in credited_lines:
            credits.setdefault(credit.invoice_item_id, []).append(credit)
    if items is None:
        items = list(invoice.items.order_by("position", "id"))
    lines = tuple(_line_balance(item, credits.get(item.pk, ()), concepts) for item in items)
    total = _invoice_total(invoice, lines)
    voided = invoice.status == Invoice.Status.VALIDATED and credited > 0 and credited >= total
    return CreditBalance(total, credited, committed, total - committed, voided, lines)


def _line_balance(item: InvoiceItem, credits: Iterable[CreditNoteItem], concepts: dict) -> LineBalance:
    line_total = compute_line(line_input(item)).total
    returned, amount = 0, ZERO
    for credit in credits:
        amount += compute_line(line_input(credit)).total
        if concepts[credit.credit_note_id] in RETURN_CONCEPTS:
            returned += credit.quantity
    return LineBalance(item, max(item.quantity - returned, 0), max(line_total - amount, ZERO), line_total)


def _invoice_total(invoice: Invoice, lines: tuple[LineBalance, ...]) -> Decimal:
    if invoice.total is not None:
        return invoice.total
    return round_cents(sum((line.line_total for line in lines), ZERO))


def _validated_total(outer: str = "pk") -> Subquery:
    return Subquery(
        CreditNote.objects.filter(invoice_id=OuterRef(outer), status=Status.VALIDATED)
        .order_by()
        .values("invoice_id")
        .annotate(sum=Sum("total"))
        .values("sum"),
        output_field=MONEY,
    )


def invoices_with_credit_state(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """``qs`` annotated in the database with ``credited_total`` (validated notes' totals, 0 when none)
    and ``is_voided`` (a validated invoice whose validated notes credit all of it: "Anulada")."""
    return qs.annotate(credited_total=Coalesce(_validated_total(), Value(ZERO), output_field=MONEY)).annotate(
        is_voided=Case(
            When(
                Q(status=Invoice.Status.VALIDATED, credited_total__gt=0, credited_total__gte=F("total")),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
