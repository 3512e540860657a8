"""Generated invoices and credit notes, validated with the figures Factus computes (invoicing.totals)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.utils import timezone

from invoicing.models import CreditNote, CreditNoteItem, DocumentStatus, Invoice
from invoicing.payloads import line_input
from invoicing.services.figures import with_figures
from invoicing.totals import compute_invoice
from tests.invoicing.factories import CustomerFactory, InvoiceFactory, InvoiceItemFactory

RATES = (Decimal("19.00"), Decimal("5.00"), Decimal("0.00"))
WITHHOLDINGS = (
    [],
    [{"code": "06", "rate": "2.50"}],
    [{"code": "05", "rate": "15.00"}, {"code": "07", "rate": "0.97"}],
)


def _factus_figures(document, lines) -> None:
    """Set the document's totals and withholdings as Factus returns them for these lines."""
    computed = compute_invoice([line_input(line) for line in lines])
    for name, value in computed.as_factus().items():
        setattr(document, name, value)
    document.withholdings = [
        {"code": code, "name": code, "value": f"{value:.2f}"} for code, value in computed.withholdings.items()
    ]


def validate(document, lines, *, at: datetime) -> None:
    _factus_figures(document, lines)
    document.status = DocumentStatus.VALIDATED
    document.validated_at = at
    document.save()


def make_invoice(rng: random.Random, customer, *, at: datetime, status=DocumentStatus.VALIDATED) -> Invoice:
    invoice = InvoiceFactory(customer=customer, created_at=at, numbering_range=None, created_by=None)
    lines = [
        InvoiceItemFactory(
            invoice=invoice,
            code_reference=f"P-{rng.randint(1, 6)}",
            name="Producto",
            quantity=rng.randint(1, 7),
            price=Decimal(rng.randint(100, 9_999_999)) / 100,
            discount_rate=Decimal(rng.choice([0, 0, 5, 11, 12.5])).quantize(Decimal("0.01")),
            tax_rate=rng.choice(RATES),
            is_excluded=rng.random() < 0.15,
            withholdings=rng.choice(WITHHOLDINGS),
        )
        for _ in range(rng.randint(1, 4))
    ]
    if status == DocumentStatus.VALIDATED:
        validate(invoice, lines, at=at)
    else:
        invoice.status = status
        invoice.save()
    return invoice


def make_note(invoice: Invoice, *, at: datetime, share: int, status=DocumentStatus.VALIDATED) -> CreditNote:
    """A note returning ``share`` units of each line (``0``: every unit, a void)."""
    note = CreditNote.objects.create(invoice=invoice, send_email=False)
    lines = []
    for item in invoice.items.all():
        quantity = item.quantity if share == 0 else min(share, item.quantity)
        line = CreditNoteItem(
            credit_note=note,
            invoice_item=item,
            product=item.product,
            code_reference=item.code_reference,
            name=item.name,
            quantity=quantity,
            price=item.price,
            discount_rate=item.discount_rate,
            tax_rate=item.tax_rate,
            is_excluded=item.is_excluded,
            unit=item.unit,
            standard_code=item.standard_code,
            tribute=item.tribute,
            withholdings=item.withholdings,
        )
        lines.append(with_figures(line))
    CreditNoteItem.objects.bulk_create(lines)
    if status == DocumentStatus.VALIDATED:
        validate(note, lines, at=at)
    else:
        note.status = status
        note.save()
    return note


def generate(*, seed: int, start: datetime, days: int, invoices: int) -> dict:
    """``invoices`` invoices over ``days`` days from ``start`` (most validated), and notes on some."""
    rng = random.Random(seed)
    customers = [CustomerFactory() for _ in range(4)]
    made = []
    for _ in range(invoices):
        at = start + timedelta(days=rng.randrange(days), minutes=rng.randrange(24 * 60))
        status = rng.choice([DocumentStatus.VALIDATED] * 6 + [DocumentStatus.REJECTED, DocumentStatus.DRAFT])
        made.append(make_invoice(rng, rng.choice(customers), at=at, status=status))
    notes = []
    for invoice in made:
        if invoice.status == DocumentStatus.VALIDATED and rng.random() < 0.35:
            later = min(
                invoice.validated_at + timedelta(days=rng.randrange(3)), start + timedelta(days=days - 1)
            )
            note_status = DocumentStatus.VALIDATED if rng.random() < 0.85 else DocumentStatus.REJECTED
            notes.append(make_note(invoice, at=later, share=rng.choice([0, 1]), status=note_status))
    return {"customers": customers, "invoices": made, "notes": notes}


def grant(user, *codenames: str):
    """Give ``user`` these invoicing permissions (view_invoice, view_reports...)."""
    permissions = Permission.objects.filter(content_type__app_label="invoicing", codename__in=codenames)
    user.user_permissions.add(*permissions)
    return user


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))
