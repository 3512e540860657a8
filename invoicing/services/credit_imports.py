"""``credit_notes_import``: bring the account's Factus credit notes into our records, each linked to
the invoice of ours it corrects (by the bill's Factus id, else its number). Idempotent."""

from __future__ import annotations

from contextlib import nullcontext

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from factus.client import get_client
from factus.deadline import budget
from factus.errors import FactusBadResponse, FactusError, FactusRateLimited
from invoicing.models import CreditNote, CreditNoteItem, Invoice
from invoicing.payloads import parse_money, parse_stamp

from . import resolve
from .events import Action, Outcome, record_event
from .figures import lines_with_figures
from .imports import ImportSummary, walk_pages
from .kinds import CREDIT_NOTE
from .submit import apply

Status = CreditNote.Status


def credit_notes_import(*, user=None, client=None, budget_seconds: float | None = None) -> ImportSummary:
    """Walk every page of the Factus credit-note list; create the notes we lack, refresh the others.

    A note whose bill is not one of our invoices is not imported (counted as failed, named).
    """
    client = client or get_client()
    summary = ImportSummary(what="notas crédito")
    with budget(budget_seconds) if budget_seconds is not None else nullcontext():
        walk_pages(client.list_credit_notes, lambda row: _import_row(client, row, user, summary), summary)
    return summary


def _import_row(client, row: dict, user, summary: ImportSummary) -> None:
    summary.seen += 1
    reference, number = row.get("reference_code"), row.get("number")
    match = Q(number=number) if number else Q(pk__in=[])
    if reference:
        match |= Q(reference_code=reference)
    note = CreditNote.objects.filter(match).first()
    try:
        changed = _refresh(client, note, row, user) if note else _create(client, row, user)
    except FactusRateLimited:
        raise
    except FactusError as exc:
        summary.failed += 1
        summary.errors.append(f"{number}: {exc.message}")
        return
    except IntegrityError:
        summary.failed += 1
        summary.errors.append(f"{number}: el número ya está registrado en otra nota crédito.")
        return
    if note is None:
        summary.created += 1
    elif changed:
        summary.updated += 1
    else:
        summary.unchanged += 1


def _refresh(client, note: CreditNote, row: dict, user) -> bool:
    """Bring a known note up to Factus' status; a send in progress and a validated note are left alone."""
    busy = note.status == Status.SUBMITTING and not note.is_stale_submitting
    if busy or note.status == Status.VALIDATED:
        return False
    outcome = resolve.from_row(CREDIT_NOTE, client, row)
    if outcome.status == Status.UNVERIFIED:
        raise FactusBadResponse(outcome.message)
    if outcome.status == note.status:
        return False
    with transaction.atomic():
        locked = CreditNote.objects.select_for_update(of=("self",)).get(pk=note.pk)
        if locked.status == Status.SUBMITTING and not locked.is_stale_submitting:
            return False
        previous = locked.get_status_display()
        apply(locked, outcome)
        locked.save()
        record_event(
            locked,
            user=user,
            action=Action.RECONCILE,
            outcome=outcome.outcome,
            message=f"Estado actualizado desde Factus: {previous} → {locked.get_status_display()}.",
            http_status=200,
            response=row,
        )
    return True


def _corrected_invoice(header: dict) -> Invoice | None:
    bill_id, bill_number = header.get("bill_id"), header.get("number_bill")
    invoices = Invoice.objects.exclude(status=Invoice.Status.DELETED)
    found = invoices.filter(factus_id=bill_id).first() if str(bill_id or "").isdigit() else None
    return found or (invoices.filter(number=str(bill_number)).first() if bill_number else None)


@transaction.atomic
def _create(client, row: dict, user) -> bool:
    # Every note is fetched whole: the list row does not say which bill it corrects.
    data = client.get_credit_note(str(row["number"]))
    outcome = resolve.from_data(CREDIT_NOTE, data, http_status=200, reconciled=True)
    if outcome.status == Status.UNVERIFIED:
        raise FactusBadResponse(outcome.message)
    header = data.get("credit_note") or {}
    invoice = _corrected_invoice(header)
    if invoice is None:
        bill = header.get("number_bill") or header.get("bill_id")
        raise FactusBadResponse(f"corrige la factura {bill}, que no está en la aplicación.")
    concept = str((header.get("correction_concept") or {}).get("code") or CreditNote.Concept.VOID)
    note = CreditNote(
        reference_code=row.get("reference_code") or f"FACTUS-{row['number']}",
        invoice=invoice,
        correction_concept=concept if concept in CreditNote.Concept.values else CreditNote.Concept.VOID,
        payment_method_code=str((header.get("payment_method") or {}).get("code") or "10"),
        observation=(header.get("observation") or "")[:250],
        send_email=bool(row.get("send_email")),
        created_at=parse_stamp(row.get("created_at")) or timezone.now(),
    )
    apply(note, outcome)
    note.total = note.total if note.total is not None else parse_money(row.get("total"))
    note.save()
    items, skipped = _items(note, invoice, data.get("items") or [])
    CreditNoteItem.objects.bulk_create(lines_with_figures(items))  # stored figures: the reports sum them
    skipped_text = (
        f" {skipped} ítem(s) sin línea de la factura que les corresponda no se importaron." if skipped else ""
    )
    record_event(
        note,
        user=user,
        action=Action.IMPORT,
        outcome=Outcome.OK,
        message=f"Importada desde Factus ({note.get_status_display()}).{skipped_text}",
        http_status=200,
        response=row,
    )
    return True


def _items(note: CreditNote, invoice: Invoice, rows: list[dict]) -> tuple[list[CreditNoteItem], int]:
    """The note's items, each linked to the invoice line of the same code (INFERRED: Factus names no
    line; the code, else the name, identifies it). Unit, standard and tribute are the line's."""
    lines = list(invoice.items.order_by("position", "id"))
    created, skipped = [], 0
    for index, row in enumerate(rows):
        code, name = str(row.get("code_reference") or ""), str(row.get("name") or "")
        line = next((li for li in lines if li.code_reference == code), None) or next(
            (li for li in lines if li.name == name), None
        )
        price = parse_money(row.get("price"))
        if line is None or price is None or price <= 0:
            skipped += 1
            continue
        created.append(
            CreditNoteItem(
                credit_note=note,
                invoice_item=line,
                position=index,
                product_id=line.product_id,
                code_reference=code[:50] or line.code_reference,
                name=name[:200] or line.name,
                quantity=max(int(row.get("quantity") or 1), 1),
                price=price,
                discount_rate=parse_money(row.get("discount_rate")) or 0,
                tax_rate=parse_money(row.get("tax_rate")) or 0,
                is_excluded=bool(int(row.get("is_excluded") or 0)),
                unit_id=line.unit_id,
                standard_code_id=line.standard_code_id,
                tribute_id=line.tribute_id,
                withholdings=list(line.withholdings or []),
            )
        )
    return created, skipped
