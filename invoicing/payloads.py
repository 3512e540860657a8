"""Factus API v1 wire format: Invoice / CreditNote -> request JSON, response JSON -> field values.

Pure functions (no I/O, no queries beyond the related objects handed in). Everything that is
specific to v1 (tax-inclusive prices, Factus ids instead of DIAN codes, the ``dd-mm-YYYY hh:mm:ss
AM`` dates) lives here, so a v2 module can sit beside this one.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from factus.codes import (
    CORRECTION_VOID,
    CREDIT_NOTE_REFERENCES_BILL,
    NIT_DOCUMENT_ID,
    PAYMENT_FORM_CREDIT,
    REJECTION_WORD,
)
from invoicing.totals import LineInput, to_decimal

BILL_DOCUMENT = "01"
# Keys of ``Invoice.factus_extra`` (an API caller's Factus body) copied into the bill as they came.
FACTUS_EXTRA_KEYS = frozenset(
    {
        "document",
        "establishment",
        "related_documents",
        "allowance_charges",
        "billing_period",
        "order_reference",
        "operation_type",
    }
)
BOGOTA = ZoneInfo("America/Bogota")
FACTUS_STAMP = "%d-%m-%Y %I:%M:%S %p"
MONEY_FIELDS = ("gross_value", "taxable_amount", "tax_amount", "discount_amount", "surcharge_amount", "total")
# Where the real sandbox (Jan 2025) puts a money field the documented shape names otherwise:
# bill-level ``discount`` instead of ``discount_amount`` (see tests/invoicing/fixtures/).
MONEY_ALIASES = {"discount_amount": ("discount_amount", "discount")}
# Our columns (invoicing.models.FactusDocument): what an answer must fit before it is recorded.
MAX_LENGTHS = {"number": 40, "prefix": 20, "cufe": 128, "cude": 128, "qr_url": 500}
MONEY_LIMIT = Decimal(10) ** 14  # DecimalField(max_digits=16, decimal_places=2)
MAX_FACTUS_ID = 2**63 - 1  # PositiveBigIntegerField
BILL_STATUSES = {0, 1}
CENT = Decimal("0.01")


class DocumentDataError(ValueError):
    """Factus' document data makes no sense or does not fit our columns; ``str()`` is Spanish.

    Not recorded: the submission becomes UNVERIFIED (the document may exist at Factus).
    """


BillDataError = DocumentDataError  # the name the bill code and its tests know


def _fixed(value) -> str:
    return f"{to_decimal(value):.2f}"


def customer_payload(customer) -> dict:
    """The ``customer`` block: Factus ids, ``dv`` only for NIT, municipality only when known."""
    document_id = customer.identification_document.factus_id
    block = {
        "identification_document_id": document_id,
        "identification": customer.identification,
        "company": customer.company,
        "trade_name": customer.trade_name,
        "names": customer.names,
        "address": customer.address,
        "email": customer.email,
        "phone": customer.phone,
        "legal_organization_id": customer.legal_organization.factus_id,
        "tribute_id": customer.tribute.factus_id,
    }
    if document_id == NIT_DOCUMENT_ID and customer.dv is not None:
        block["dv"] = str(customer.dv)
    if customer.municipality_id:
        block["municipality_id"] = customer.municipality.factus_id
    return block


def item_payload(item) -> dict:
    return {
        "code_reference": item.code_reference,
        "name": item.name,
        "quantity": int(item.quantity),
        "discount_rate": _fixed(item.discount_rate),
        "price": _fixed(item.price),
        "tax_rate": _fixed(0 if item.is_excluded else item.tax_rate),
        "unit_measure_id": item.unit.factus_id,
        "standard_code_id": item.standard_code.factus_id,
        "is_excluded": int(item.is_excluded),
        "tribute_id": item.tribute.factus_id,
        "withholding_taxes": [
            {"code": str(w["code"]), "withholding_tax_rate": _fixed(w["rate"])}
            for w in item.withholdings or []
        ],
    }


def bill_payload(invoice, items=None) -> dict:
    """The ``POST /v1/bills/validate`` body of ``invoice`` (items in position order)."""
    items = list(items if items is not None else invoice.items.all())
    payload = {
        "document": BILL_DOCUMENT,
        "reference_code": invoice.reference_code,
        "observation": invoice.observation or "",
        "payment_form": invoice.payment_form,
        "payment_method_code": invoice.payment_method_code,
        "send_email": bool(invoice.send_email),
        "customer": customer_payload(invoice.customer),
        "items": [item_payload(item) for item in items],
    }
    if invoice.numbering_range_id:
        payload["numbering_range_id"] = invoice.numbering_range.factus_id
    if invoice.payment_form == PAYMENT_FORM_CREDIT and invoice.payment_due_date:
        payload["payment_due_date"] = invoice.payment_due_date.isoformat()
    extra = getattr(invoice, "factus_extra", None) or {}
    payload.update({key: value for key, value in extra.items() if key in FACTUS_EXTRA_KEYS})
    return payload


def credit_note_payload(note, items=None) -> dict:
    """The ``POST /v1/credit-notes/validate`` body of ``note`` (customization 20: it references our
    bill by its Factus id). Items name the invoice line's unit, standard, tribute, tax and withholdings.

    INFERRED: no ``customer`` block. Factus copies the bill's customer when it is omitted (API.md
    §4.1), and the note must name the acquirer the bill named, even if our customer was edited since.
    """
    items = list(items if items is not None else note.items.all())
    payload = {
        "correction_concept_code": int(note.correction_concept),
        "customization_id": int(CREDIT_NOTE_REFERENCES_BILL),
        "bill_id": note.invoice.factus_id,
        "reference_code": note.reference_code,
        "observation": note.observation or "",
        "payment_method_code": note.payment_method_code,
        "send_email": bool(note.send_email),
        "items": [item_payload(item) for item in items],
    }
    if note.numbering_range_id:
        payload["numbering_range_id"] = note.numbering_range.factus_id
    charges = void_charges(note.invoice, note.correction_concept)
    if charges:
        payload["allowance_charges"] = charges
    return payload


def line_input(item) -> LineInput:
    """The totals input of an InvoiceItem (or anything with the same attributes)."""
    return LineInput(
        quantity=int(item.quantity),
        price=to_decimal(item.price),
        discount_rate=to_decimal(item.discount_rate),
        tax_rate=to_decimal(item.tax_rate),
        is_excluded=bool(item.is_excluded),
        withholdings=tuple((str(w["code"]), to_decimal(w["rate"])) for w in item.withholdings or []),
    )


# --- responses ---------------------------------------------------------------------------------


def parse_stamp(value) -> datetime | None:
    """Factus' ``"09-01-2025 01:56:16 PM"`` (Bogotá time) as an aware datetime; None if absent."""
    if not value:
        return None
    try:
        return datetime.strptime(str(value).strip(), FACTUS_STAMP).replace(tzinfo=BOGOTA)
    except ValueError:
        return None


def parse_money(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return to_decimal(value if not isinstance(value, float) else repr(value))
    except InvalidOperation:
        return None


def allowance_amounts(charges) -> tuple[list[Decimal], list[Decimal]]:
    """The surcharges and discounts of a Factus body's document-level ``allowance_charges`` (an API
    caller's, kept in ``Invoice.factus_extra``): Factus adds the surcharges to the total and takes
    the discounts off (API.md §5: total = Σ item totals + surcharges − discounts). An amount that is
    not a finite number counts for nothing here (Factus answers it with a 422)."""
    surcharges: list[Decimal] = []
    discounts: list[Decimal] = []
    for charge in charges if isinstance(charges, list) else []:
        if not isinstance(charge, dict):
            continue
        amount = parse_money(charge.get("amount"))
        if amount is None or not amount.is_finite():
            continue
        (surcharges if _is_surcharge(charge) else discounts).append(amount)
    return surcharges, discounts


def _is_surcharge(charge: dict) -> bool:
    """``is_surcharge`` is a boolean in Factus' bodies (API.md); a caller's 1 or "true" counts too."""
    return charge.get("is_surcharge") in (True, 1, "1", "true")


def bill_charges(invoice) -> list:
    """The document-level allowance charges of ``invoice`` (an API caller's Factus body)."""
    extra = getattr(invoice, "factus_extra", None)
    charges = extra.get("allowance_charges") if isinstance(extra, dict) else None
    return charges if isinstance(charges, list) else []


def shown_charges(blocks) -> list:
    """A shown bill's ``allowance_charges`` (``concept_type`` an object, amounts as text) in the
    request's shape, as an imported bill keeps them in ``Invoice.factus_extra``: its void takes them
    back like an API caller's. A block without a concept code or a finite amount is left out."""
    charges = []
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, dict):
            continue
        concept = block.get("concept_type")
        code = concept.get("code") if isinstance(concept, dict) else concept
        amount, base = parse_money(block.get("amount")), parse_money(block.get("base_amount"))
        if not code or amount is None or not amount.is_finite():
            continue
        charges.append(
            {
                "concept_type": str(code),
                "is_surcharge": _is_surcharge(block),
                "reason": str(block.get("reason") or "")[:250],
                "base_amount": _fixed(base if base is not None and base.is_finite() else amount),
                "amount": _fixed(amount),
            }
        )
    return charges


def void_charges(invoice, concept) -> list:
    """What a note of ``concept`` takes back of ``invoice``'s allowance charges: a void (concept 2)
    takes back the whole invoice, its surcharges too (as they were sent); other notes credit lines."""
    return bill_charges(invoice) if str(concept) == CORRECTION_VOID else []


def is_rejection(messages) -> bool:
    """A status-0 bill is rejected (not merely pending) when a DIAN message says "Rechazo"."""
    return any(REJECTION_WORD in str(m) for m in messages or [])


def json_safe(value):
    """A copy storable in PostgreSQL's jsonb: non-finite floats as text ("nan"), NUL characters
    removed (jsonb refuses both; Python's json module produces them from an odd answer).

    A value that has neither (every sane answer) is copied by the C encoder and decoder: the walk
    below visits each of a bill's ~400 values in Python, several times slower."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):  # not plain JSON, or NaN/Infinity: the walk
        return _json_safe(value)
    return _json_safe(value) if "\\u0000" in text else json.loads(text)


def _json_safe(value):
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_json_safe(k) if isinstance(k, str) else k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _object(value, what: str) -> dict:
    if not isinstance(value, dict):
        raise DocumentDataError(f"{what} no es un objeto ({type(value).__name__}).")
    return value


def _text(value, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise DocumentDataError(f"el campo {name} no es un texto.")
    text = str(value).strip()
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise DocumentDataError(f"el campo {name} contiene caracteres de control.")
    limit = MAX_LENGTHS.get(name)
    if limit and len(text) > limit:
        raise DocumentDataError(f"el campo {name} tiene {len(text)} caracteres (máximo {limit}).")
    return text


def _money_of(bill: dict, name: str) -> Decimal | None:
    """A money field rounded to the cent; absent is None; odd ("NaN", "abc", 1e20) is an error."""
    keys = MONEY_ALIASES.get(name, (name,))
    raw = next((bill[key] for key in keys if bill.get(key) not in (None, "")), None)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise DocumentDataError(f"el valor {name} no es un número.")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise DocumentDataError(f"el valor {name} no es un número finito.")
    value = parse_money(raw)
    if value is None or not value.is_finite():
        raise DocumentDataError(f"el valor {name} («{raw}») no es un número.")
    if abs(value) >= MONEY_LIMIT:
        raise DocumentDataError(f"el valor {name} ({raw}) está fuera de los límites.")
    if value < 0:  # every MONEY_FIELDS figure of a bill is a sum of non-negative amounts
        raise DocumentDataError(f"el valor {name} ({raw}) es negativo.")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


QR_IMAGE_PREFIX = "data:image/"
QR_IMAGE_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=:;,-. \r\n"
)  # the real sandbox writes "base64, <data>"


def _qr_image(value) -> str:
    """The QR as a ``data:image/...`` URI (what Factus sends), or "" when it is anything else.

    INFERRED: it is rendered as an ``<img src>``; a remote URL would make every reader's browser
    call a third party, and ``javascript:`` or markup has no business there. The bill stays valid
    without its picture (the QR link and the CUFE identify it), so an odd one is dropped, not fatal.
    """
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if not value.lower().startswith(QR_IMAGE_PREFIX) or not QR_IMAGE_CHARS.issuperset(value):
        return ""
    return value


def _factus_id(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise DocumentDataError(f"el id de Factus («{value}») no es un número entero.") from exc
    if isinstance(value, bool | float) or not 0 <= number <= MAX_FACTUS_ID:
        raise DocumentDataError(f"el id de Factus ({value}) está fuera de los límites.")
    return number


def _messages(value) -> list[str]:
    """``errors``: a list of texts, or an object of rule → text (both seen)."""
    if value in (None, "", [], {}):
        return []
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, list):
        raise DocumentDataError("los mensajes de la DIAN no son una lista.")
    return [str(m) for m in value]


def _withholdings(value) -> list[dict]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(w, dict) for w in value):
        raise DocumentDataError("las retenciones no son una lista de objetos.")
    return [{"code": w.get("tribute_code"), "name": w.get("name"), "value": w.get("value")} for w in value]


def bill_fields(data, *, reference: str | None = None) -> dict:
    """Invoice field values from a bill validate/show ``data`` object (see ``document_fields``)."""
    return document_fields(data, BILL_SHAPE, reference=reference)


def credit_note_fields(data, *, reference: str | None = None) -> dict:
    """CreditNote field values from a credit-note validate/show ``data`` object (CUDE, number, QR,
    totals), with the checks of bills (``document_fields``)."""
    return document_fields(data, CREDIT_NOTE_SHAPE, reference=reference)


@dataclass(frozen=True)
class Shape:
    """Where a document family's answer keeps its document, and what its unique code is called."""

    key: str  # "bill" | "credit_note": the object inside ``data``
    code: str  # "cufe" | "cude": the key in the answer and our column
    noun: str  # "la factura" | "la nota crédito"


BILL_SHAPE = Shape("bill", "cufe", "la factura")
CREDIT_NOTE_SHAPE = Shape("credit_note", "cude", "la nota crédito")


def document_fields(data, shape: Shape, *, reference: str | None = None) -> dict:
    """Field values from a validate/show ``data`` object, checked to make sense and to fit our
    columns. Reads both the documented shape and the real Jan-2025 sandbox one.

    ``reference``: the reference_code the document must carry (ours). A document that names another
    one is someone else's: recording its number and CUFE/CUDE on ours would be a lie. INFERRED: one
    without ``reference_code`` is accepted (the documented answers always carry it).

    Raises: DocumentDataError (``data: []``, unknown status, a value too long or not a finite number,
    another reference...).
    """
    data = _object(data, "La respuesta de Factus")
    what = shape.noun[:1].upper() + shape.noun[1:]
    doc = _object(data.get(shape.key), f"{what} de la respuesta")
    theirs = doc.get("reference_code")
    if reference is not None and theirs not in (None, "") and str(theirs).strip() != reference:
        raise DocumentDataError(
            f"{shape.noun} de la respuesta tiene otra referencia («{str(theirs)[:64]}»), no «{reference}»."
        )
    status = document_status(data, shape.key)
    numbering = data.get("numbering_range") or {}
    fields = {
        "factus_id": _factus_id(doc.get("id")),
        "number": _text(doc.get("number"), "number"),
        "prefix": _text(_object(numbering, "El rango de numeración").get("prefix"), "prefix"),
        shape.code: _text(doc.get(shape.code), shape.code),
        "qr_url": _text(doc.get("qr"), "qr_url"),
        "qr_image": _qr_image(doc.get("qr_image")),
        "validated_at": parse_stamp(doc.get("validated")),
        "withholdings": json_safe(_withholdings(data.get("withholding_taxes"))),
        "dian_messages": json_safe(_messages(doc.get("errors"))),
        "raw_response": json_safe(
            {k: v for k, v in data.items() if k != shape.key}
            | {shape.key: {k: v for k, v in doc.items() if k != "qr_image"}}
        ),
    }
    fields.update({name: _money_of(doc, name) for name in MONEY_FIELDS})
    if status == 1 and not (fields["number"] and fields[shape.code]):
        raise DocumentDataError(
            f"Factus dice que {shape.noun} está validada pero no da su número o su {shape.code.upper()}."
        )
    return fields


def bill_status(data: dict) -> int:
    """``bill.status`` (0 not validated, 1 validated). Raises: DocumentDataError (absent or unknown)."""
    return document_status(data, "bill")


def document_status(data: dict, key: str) -> int:
    """``data[key].status`` (or ``data.status`` for a list row): 0 not validated, 1 validated.

    Raises: DocumentDataError (absent or unknown).
    """
    data = _object(data, "La respuesta de Factus")
    doc = data.get(key) if isinstance(data.get(key), dict) else data
    status = doc.get("status")
    if isinstance(status, bool) or str(status).strip() not in {str(s) for s in BILL_STATUSES}:
        raise DocumentDataError(f"estado de documento desconocido («{status}»).")
    return int(str(status).strip())


def factus_totals(fields: dict) -> dict:
    """The document totals Factus reported (``bill_fields`` output), as strings, to compare with ours."""
    return {name: f"{fields[name]:.2f}" for name in MONEY_FIELDS if fields.get(name) is not None}
