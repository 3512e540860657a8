"""``invoices_import``: bring the Factus bill list into our records (new ones and status changes)."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from catalog.models import (
    Customer,
    CustomerTribute,
    IdentificationDocumentType,
    LegalOrganization,
    MeasurementUnit,
    Municipality,
    NumberingRange,
    StandardCode,
    Tribute,
)
from factus.client import get_client
from factus.deadline import budget
from factus.errors import FactusBadResponse, FactusError, FactusRateLimited
from invoicing.models import Invoice, InvoiceItem
from invoicing.payloads import (
    NIT_DOCUMENT_ID,
    BillDataError,
    bill_charges,
    bill_status,
    parse_money,
    parse_stamp,
    shown_charges,
)

from . import resolve
from .drafts import items_total
from .events import Action, Outcome, record_event
from .figures import lines_with_figures
from .kinds import INVOICE
from .submit import apply

logger = logging.getLogger(__name__)
Status = Invoice.Status
CC_DOCUMENT_ID = 3


@dataclass
class ImportSummary:
    seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    interrupted: str = ""
    what: str = "facturas"

    def __str__(self) -> str:
        line = (
            f"Factus: {self.seen} {self.what} revisadas, {self.created} nuevas, {self.updated} "
            f"actualizadas, {self.unchanged} sin cambios, {self.failed} con error."
        )
        return line + (f" Interrumpido: {self.interrupted}" if self.interrupted else "")


def invoices_import(*, user=None, client=None, budget_seconds: float | None = None) -> ImportSummary:
    """Walk every page of the Factus bill list; create unknown bills, refresh known ones.

    Idempotent: running it again changes nothing. Stops early (and says so) on a 429, or when
    ``budget_seconds`` (a web request's ``FACTUS_REQUEST_BUDGET``; None from the command line)
    run out: what was imported stays, and running it again continues.
    """
    with budget(budget_seconds) if budget_seconds is not None else nullcontext():
        return _import_all(client or get_client(), user)


def _import_all(client, user) -> ImportSummary:
    summary = ImportSummary()
    walk_pages(client.list_bills, lambda row: _import_row(client, row, user, summary), summary)
    return summary


def walk_pages(list_page, import_row, summary: ImportSummary) -> None:
    """Every row of every page of a Factus list (``list_page(page=N)``), given to ``import_row``;
    a Factus error ends the walk and is recorded as ``summary.interrupted``. Shared by the bill and
    the credit-note imports."""
    page = 1
    while True:
        try:
            current = list_page(page=page)
            for row in current.items:
                import_row(row)
        except FactusError as exc:
            summary.interrupted = exc.message
            return
        if not current.has_next or not current.items:
            return
        page += 1


def _import_row(client, row: dict, user, summary: ImportSummary) -> None:
    summary.seen += 1
    reference, number = row.get("reference_code"), row.get("number")
    match = Q(number=number) if number else Q(pk__in=[])
    if reference:
        match |= Q(reference_code=reference)
    invoice = Invoice.objects.filter(match).first()
    try:
        changed = _refresh(client, invoice, row, user) if invoice else _create(client, row, user)
    except FactusRateLimited:
        raise
    except FactusError as exc:
        summary.failed += 1
        summary.errors.append(f"{number}: {exc.message}")
        return
    except IntegrityError:  # its number is already on another of our invoices: not recorded twice
        summary.failed += 1
        summary.errors.append(f"{number}: el número ya está registrado en otra factura.")
        return
    if invoice is None:
        summary.created += 1
    elif changed:
        summary.updated += 1
    else:
        summary.unchanged += 1


def _target(row: dict) -> str:
    try:
        status = bill_status({"bill": row})
    except BillDataError:
        return ""  # never equal to a status: from_row reports it
    if status == 1:
        return Status.VALIDATED
    return Status.REJECTED if resolve.is_rejection(row.get("errors")) else Status.PENDING_DIAN


def _refresh(client, invoice: Invoice, row: dict, user) -> bool:
    """Bring a known invoice up to Factus' status; a send in progress is left alone."""
    busy = invoice.status == Status.SUBMITTING and not invoice.is_stale_submitting
    if busy or invoice.status == _target(row) or invoice.status == Status.VALIDATED:
        return False
    outcome = resolve.from_row(INVOICE, client, row)
    if outcome.status == Status.UNVERIFIED:  # Factus' row makes no sense: ours is left as it is
        raise FactusBadResponse(outcome.message)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
        if locked.status == Status.SUBMITTING and not locked.is_stale_submitting:
            return False
        previous = locked.get_status_display()
        apply(locked, outcome)
        items, skipped = [], 0
        # Imported while pending, it came with no lines (a list row has none): the shown bill has them.
        if locked.status == Status.VALIDATED and not locked.items.exists():
            items, skipped = _lines_from(locked, locked.raw_response or {})
        locked.save()
        InvoiceItem.objects.bulk_create(lines_with_figures(items))
        record_event(
            locked,
            user=user,
            action=Action.RECONCILE,
            outcome=outcome.outcome,
            message=f"Estado actualizado desde Factus: {previous} → {locked.get_status_display()}."
            + _skipped_note(skipped),
            http_status=200,
            response=row,
        )
    return True


@transaction.atomic
def _create(client, row: dict, user) -> bool:
    data = client.get_bill(row["number"]) if _target(row) == Status.VALIDATED else _row_data(row)
    outcome = resolve.from_data(INVOICE, data, http_status=200, reconciled=True)
    if outcome.status == Status.UNVERIFIED:  # a bill we cannot record: not imported
        raise FactusBadResponse(outcome.message)
    bill = data.get("bill") or {}
    invoice = Invoice(
        reference_code=row.get("reference_code") or f"FACTUS-{row['number']}",
        customer=_customer(data.get("customer") or {}, row),
        numbering_range=NumberingRange.objects.filter(
            prefix=outcome.fields["prefix"] or "-", document="21"
        ).first(),
        payment_form=str((bill.get("payment_form") or row.get("payment_form") or {}).get("code") or "1"),
        payment_method_code=str((bill.get("payment_method") or {}).get("code") or "10"),
        observation=(bill.get("observation") or "")[:250],
        send_email=bool(row.get("send_email")),
        created_at=parse_stamp(row.get("created_at")) or timezone.now(),
    )
    apply(invoice, outcome)
    invoice.total = invoice.total if invoice.total is not None else parse_money(row.get("total"))
    items, skipped = _lines_from(invoice, data)
    invoice.save()
    InvoiceItem.objects.bulk_create(lines_with_figures(items))
    note = _skipped_note(skipped)
    record_event(
        invoice,
        user=user,
        action=Action.IMPORT,
        outcome=Outcome.OK,
        message=f"Importada desde Factus ({invoice.get_status_display()}).{note}",
        http_status=200,
        response=row,
    )
    return True


def _lines_from(invoice: Invoice, data: dict) -> tuple[list[InvoiceItem], int]:
    """What a shown bill (``data``) gives the invoice that records it: the surcharges Factus shows, in
    ``factus_extra`` unless it has its own (in our total, and taken back by its void), its lines
    (unsaved) and our total of them; and how many lines were skipped (catalogue rows we lack)."""
    charges = shown_charges(data.get("allowance_charges"))
    if charges and not bill_charges(invoice):
        invoice.factus_extra = {**(invoice.factus_extra or {}), "allowance_charges": charges}
    items, skipped = _items(invoice, data.get("items") or [])
    # Ours only when every line came across: a partial sum would understate the bill.
    invoice.estimated_total = items_total(items, invoice.factus_extra) if items and not skipped else None
    return items, skipped


def _skipped_note(skipped: int) -> str:
    return f" {skipped} ítem(s) sin unidad, estándar o tributo conocidos no se importaron." if skipped else ""


def _row_data(row: dict) -> dict:
    """A show-like ``data`` from a list row (unvalidated bills cannot be rendered by Factus)."""
    bill = {k: row.get(k) for k in ("id", "number", "status", "errors", "total", "payment_form")}
    customer = {k: row.get(k) for k in ("identification", "names", "company", "trade_name", "email")}
    return {"bill": bill, "customer": customer, "numbering_range": {}}


def _customer(block: dict, row: dict) -> Customer:
    """Match a customer by identification, or create it from what Factus shows (INFERRED type)."""
    identification = str(block.get("identification") or row.get("identification") or "").strip()
    found = Customer.objects.filter(identification=identification).order_by("pk").first()
    if found:
        return found
    dv = block.get("dv")
    document_id = NIT_DOCUMENT_ID if dv not in (None, "") else CC_DOCUMENT_ID
    legal_id = (block.get("legal_organization") or {}).get("id") or (1 if block.get("company") else 2)
    tribute_id = (block.get("tribute") or {}).get("id") or 21
    municipality_id = (block.get("municipality") or {}).get("id")
    return Customer.objects.create(
        identification_document=IdentificationDocumentType.objects.get(factus_id=document_id),
        identification=identification,
        dv=int(dv) if dv not in (None, "") else None,
        company=block.get("company") or row.get("company") or "",
        names=block.get("names") or row.get("names") or "",
        trade_name=block.get("trade_name") or "",
        address=block.get("address") or "",
        email=block.get("email") or row.get("email") or "",
        phone=str(block.get("phone") or ""),
        legal_organization=LegalOrganization.objects.get(factus_id=legal_id),
        tribute=CustomerTribute.objects.get(factus_id=tribute_id),
        municipality=Municipality.objects.filter(factus_id=municipality_id).first()
        if municipality_id
        else None,
    )


def _fid(row: dict, key: str) -> int | None:
    """The Factus id of the catalogue object ``row[key]`` ({id, code, name}), numeric strings too."""
    value = (row.get(key) or {}).get("id")
    return int(value) if str(value).isascii() and str(value).isdigit() else None


def _by_factus_id(model, rows: list[dict], key: str) -> dict:
    """The catalogue rows the bill's items name under ``key``, by Factus id: one query per catalogue."""
    ids = {_fid(row, key) for row in rows} - {None}
    return {obj.factus_id: obj for obj in model.objects.filter(factus_id__in=ids)} if ids else {}


def _items(invoice: Invoice, rows: list[dict]) -> tuple[list[InvoiceItem], int]:
    """The bill's items, unsaved, and how many rows were skipped (catalogue entries we lack)."""
    created, skipped = [], 0
    units, standards, tributes = (
        _by_factus_id(model, rows, key)
        for model, key in (
            (MeasurementUnit, "unit_measure"),
            (StandardCode, "standard_code"),
            (Tribute, "tribute"),
        )
    )
    for index, row in enumerate(rows):
        unit = units.get(_fid(row, "unit_measure"))
        standard = standards.get(_fid(row, "standard_code"))
        tribute = tributes.get(_fid(row, "tribute"))
        if not (unit and standard and tribute):
            skipped += 1
            continue
        created.append(
            InvoiceItem(
                invoice=invoice,
                position=index,
                code_reference=str(row.get("code_reference") or "")[:50],
                name=str(row.get("name") or "")[:200],
                quantity=int(row.get("quantity") or 1),
                price=parse_money(row.get("price")),
                discount_rate=parse_money(row.get("discount_rate")) or 0,
                tax_rate=parse_money(row.get("tax_rate")) or 0,
                is_excluded=bool(int(row.get("is_excluded") or 0)),
                unit=unit,
                standard_code=standard,
                tribute=tribute,
                withholdings=[
                    {"code": w.get("tribute_code"), "rate": (w.get("rates") or [{}])[0].get("rate")}
                    for w in row.get("withholding_taxes") or []
                ],
            )
        )
    return created, skipped
