"""The Factus document types, each a small spec of the one submission machinery (submit.py, resolve.py).

A document type says what differs: its model (a FactusDocument, with ``events``), how it is named in
messages ("la factura" / "la nota crédito"), its payload builder and our totals, the FactusClient
methods of its family, the parser of its answer, and an optional check made in the claim phase with
the row locked. Everything else (the three phases, the lookup by reference, the fault mapping, the
outcome type, the events and the messages) exists once. Support documents and adjustment notes will
be two more specs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from invoicing.models import (
    CreditNote,
    FactusDocument,
    Invoice,
    new_credit_note_reference_code,
    new_reference_code,
)
from invoicing.payloads import (
    BILL_SHAPE,
    CREDIT_NOTE_SHAPE,
    Shape,
    allowance_amounts,
    bill_charges,
    bill_payload,
    credit_note_payload,
    document_fields,
    line_input,
)
from invoicing.totals import InvoiceTotals, compute_invoice

from .credit_limits import load_items, note_totals, recheck


@dataclass(frozen=True)
class ClientMethods:
    """The names of the FactusClient methods of one document family."""

    validate: str
    find_by_reference: str
    get: str
    list: str
    delete: str
    send_email: str
    pdf: str
    xml: str


@dataclass(frozen=True)
class DocumentKind:
    model: type[FactusDocument]
    title: str  # "Factura": a sentence starts with it ("Factura SETP1 validada por la DIAN.")
    noun: str  # "la factura"
    a_noun: str  # "una factura"
    plural: str  # "facturas"
    id_key: str  # "invoice_id": how a blocking document of ours is named in ``Resolution.blocking``
    other: str  # "otra factura": where a number is already recorded
    shape: Shape  # where the answer keeps the document and its CUFE/CUDE
    client: ClientMethods
    build: Callable[[FactusDocument], tuple[dict, InvoiceTotals]]  # payload and our totals
    new_reference: Callable[[], str]
    # After "no se puede enviar": what to do with a document that can never be sent again.
    resend_hint: str
    # What the claim reads with the row, in one query: the related rows ``build`` names
    # (``select_related``) and the document's columns ``build`` and the recording read (``only``: the
    # rest, its QR image or Factus answer, stays deferred).
    send_related: tuple[str, ...] = ("numbering_range",)
    send_fields: tuple[str, ...] = ()
    # Related rows the claim locks with the document's row in that read (``FOR UPDATE OF``), for
    # its ``claim_check``: a note's invoice.
    send_locks: tuple[str, ...] = ()
    # Phase (a), in the claim's transaction, for a document not yet at Factus (a draft, a 422, a
    # failure); raises InvoiceActionError to refuse the send (the claim is rolled back).
    claim_check: Callable[[FactusDocument], None] | None = None
    # Columns a deletion at Factus clears when the document is reopened as a draft.
    result_fields: dict = field(default_factory=dict)
    # A 422's Factus field paths ("items.0.quantity") as the document's form names its fields.
    form_errors: Callable[[FactusDocument, dict], dict] | None = None

    @property
    def subject(self) -> str:
        """The noun capitalised, to start a sentence: "La factura"."""
        return self.noun[:1].upper() + self.noun[1:]

    def fields(self, data, *, reference: str | None = None) -> dict:
        return document_fields(data, self.shape, reference=reference)

    def call(self, client, method: str, *args, **kwargs):
        return getattr(client, getattr(self.client, method))(*args, **kwargs)


def _result_fields(code: str) -> dict:
    return {
        "factus_id": None,
        "number": "",
        "prefix": "",
        code: "",
        "qr_url": "",
        "qr_image": "",
        "validated_at": None,
        "gross_value": None,
        "taxable_amount": None,
        "tax_amount": None,
        "discount_amount": None,
        "surcharge_amount": None,
        "total": None,
        "withholdings": [],
        "totals_mismatch": {},
        "field_errors": {},
    }


# What ``item_payload`` and ``line_input`` read of an item (the rest of its row stays unread), and
# its invoice (the related manager sets it on every item).
ITEM_FIELDS = (
    "invoice",
    "code_reference",
    "name",
    "quantity",
    "discount_rate",
    "price",
    "tax_rate",
    "is_excluded",
    "withholdings",
    "unit__factus_id",
    "standard_code__factus_id",
    "tribute__factus_id",
)


def _build_bill(invoice: Invoice) -> tuple[dict, InvoiceTotals]:
    """The bill's payload and our totals: the claim read the invoice with its customer and range
    (``send_related``); its items are one more query, whatever their number.

    The items are ordered by position only: the model's default ordering (``invoice`` first) would
    join the invoice table again just to sort rows that all belong to the same invoice.
    """
    items = list(
        invoice.items.select_related("unit", "standard_code", "tribute")
        .only(*ITEM_FIELDS)
        .order_by("position", "id")
    )
    lines = [line_input(item) for item in items]
    return bill_payload(invoice, items), compute_invoice(lines, *allowance_amounts(bill_charges(invoice)))


def _build_credit_note(note: CreditNote) -> tuple[dict, InvoiceTotals]:
    """The note's payload and totals. What the claim read (the invoice, with the note) and what the
    claim check read (the items with their unit, standard and tribute) is reused, not read again."""
    items = load_items(note)
    return credit_note_payload(note, items), note_totals(
        items, invoice=note.invoice, concept=note.correction_concept
    )


# What the check and the payload read of the invoice (check_invoice, the balance, factus_extra:
# the allowance charges a void takes back): not its Factus answer, QR image...
LIMIT_FIELDS = ("status", "factus_id", "total", "factus_extra")


def _credit_note_limits(note: CreditNote) -> None:
    """A note not yet at Factus still fits what is left of its invoice, the invoice row locked
    (``SELECT ... FOR UPDATE OF`` the invoice, in the claim's read of the note: ``send_locks``) until
    the note is SUBMITTING: a second note claimed at the same time waits, then counts this one. (A
    note that may already exist at Factus, pending, por verificar or a stale send, already counts: it
    is looked up / resent, never checked here; submit.py.)

    The items read for the check are kept on ``note`` (``credit_limits.load_items``) for the payload
    builder: the submission reads them once, whatever the number of lines.

    Raises: CreditLimitError.
    """
    recheck(note, note.invoice)


def _credit_note_form_errors(note: CreditNote, errors: dict) -> dict:
    """``items.<n>.<field>`` (the n-th item sent) -> ``lines-<i>-<field>``, ``i`` the row of the form
    that posted it (the item's ``position``); header paths keep their Factus name
    (docs/invoicing-contract.md).
    """
    positions = list(note.items.order_by("position", "id").values_list("position", flat=True))
    mapped: dict = {}
    for path, messages in errors.items():
        key = str(path)
        parts = key.split(".", 2)
        if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit():
            index = int(parts[1])
            row = positions[index] if index < len(positions) else index
            key = f"lines-{row}-{parts[2]}"
        mapped.setdefault(key, []).extend([messages] if isinstance(messages, str) else list(messages))
    return mapped


# What every document's payload and its recording read (``DocumentKind.send_fields``).
SUBMISSION_FIELDS = (
    "status",
    "submitting_since",
    "updated_at",
    "reference_code",
    "observation",
    "payment_method_code",
    "send_email",
    "numbering_range__factus_id",
)

INVOICE = DocumentKind(
    model=Invoice,
    title="Factura",
    noun="la factura",
    a_noun="una factura",
    plural="facturas",
    id_key="invoice_id",
    other="otra factura",
    shape=BILL_SHAPE,
    client=ClientMethods(
        validate="validate_bill",
        find_by_reference="find_bill_by_reference",
        get="get_bill",
        list="list_bills",
        delete="delete_bill",
        send_email="send_bill_email",
        pdf="download_bill_pdf",
        xml="download_bill_xml",
    ),
    build=_build_bill,
    send_related=(
        "numbering_range",
        "customer__identification_document",
        "customer__legal_organization",
        "customer__tribute",
        "customer__municipality",
    ),
    send_fields=(
        *SUBMISSION_FIELDS,
        "payment_form",
        "payment_due_date",
        "customer",
        "factus_extra",
    ),
    new_reference=new_reference_code,
    resend_hint="duplíquela para emitirla de nuevo",
    result_fields=_result_fields("cufe"),
)

CREDIT_NOTE = DocumentKind(
    model=CreditNote,
    title="Nota crédito",
    noun="la nota crédito",
    a_noun="una nota crédito",
    plural="notas crédito",
    id_key="credit_note_id",
    other="otra nota crédito",
    shape=CREDIT_NOTE_SHAPE,
    client=ClientMethods(
        validate="validate_credit_note",
        find_by_reference="find_credit_note_by_reference",
        get="get_credit_note",
        list="list_credit_notes",
        delete="delete_credit_note",
        send_email="send_credit_note_email",
        pdf="download_credit_note_pdf",
        xml="download_credit_note_xml",
    ),
    build=_build_credit_note,
    send_related=("numbering_range", "invoice"),
    send_fields=(*SUBMISSION_FIELDS, "correction_concept", *(f"invoice__{name}" for name in LIMIT_FIELDS)),
    send_locks=("invoice",),
    new_reference=new_credit_note_reference_code,
    resend_hint="cree otra nota desde la factura",
    claim_check=_credit_note_limits,
    result_fields=_result_fields("cude"),
    form_errors=_credit_note_form_errors,
)
