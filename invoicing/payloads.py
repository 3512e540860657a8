"""Factus API v1 wire format for bills: Invoice -> request JSON, response JSON -> field values.

Pure functions (no I/O, no queries beyond the related objects handed in). Everything that is
specific to v1 (tax-inclusive prices, Factus ids instead of DIAN codes, the ``dd-mm-YYYY hh:mm:ss
AM`` dates) lives here, so a v2 module can sit beside this one.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from invoicing.totals import LineInput, to_decimal

NIT_DOCUMENT_ID = 6
BILL_DOCUMENT = "01"
CREDIT = "2"
BOGOTA = ZoneInfo("America/Bogota")
FACTUS_STAMP = "%d-%m-%Y %I:%M:%S %p"
MONEY_FIELDS = ("gross_value", "taxable_amount", "tax_amount", "discount_amount", "surcharge_amount", "total")


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
    if invoice.payment_form == CREDIT and invoice.payment_due_date:
        payload["payment_due_date"] = invoice.payment_due_date.isoformat()
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


def is_rejection(messages) -> bool:
    """A status-0 bill is rejected (not merely pending) when a DIAN message says "Rechazo"."""
    return any("Rechazo" in str(m) for m in messages or [])


def bill_fields(data: dict) -> dict:
    """Invoice field values from a validate/show ``data`` object (defensive about drift)."""
    bill = data.get("bill") or {}
    fields = {
        "factus_id": bill.get("id"),
        "number": bill.get("number") or "",
        "prefix": (data.get("numbering_range") or {}).get("prefix") or "",
        "cufe": bill.get("cufe") or "",
        "qr_url": bill.get("qr") or "",
        "qr_image": bill.get("qr_image") or "",
        "validated_at": parse_stamp(bill.get("validated")),
        "withholdings": [
            {"code": w.get("tribute_code"), "name": w.get("name"), "value": w.get("value")}
            for w in data.get("withholding_taxes") or []
        ],
        "dian_messages": [str(m) for m in bill.get("errors") or []],
        "raw_response": {k: v for k, v in data.items() if k != "bill"}
        | {"bill": {k: v for k, v in bill.items() if k != "qr_image"}},
    }
    fields.update({name: parse_money(bill.get(name)) for name in MONEY_FIELDS})
    return fields


def bill_status(data: dict) -> int | None:
    status = (data.get("bill") or data).get("status")
    return None if status is None else int(status)


def factus_totals(data: dict) -> dict:
    """The document totals Factus reported, as strings, for comparison with ours."""
    bill = data.get("bill") or {}
    return {name: bill.get(name) for name in MONEY_FIELDS if bill.get(name) is not None}
