"""The documented ``data`` of credit notes, support documents and adjustment notes.

Built from the bill pieces of ``render.py`` (company, customer, items, totals, key, QR).
"""

from __future__ import annotations

import copy
from datetime import datetime

from . import documents
from .catalogues import Catalogues
from .render import (
    company_block,
    customer_block,
    document_key,
    establishment_block,
    lines,
    municipality_ref,
    range_block,
    stamp,
)
from .totals import check_digit, money

NOT_BILL_ITEM = ("scheme_id", "mandate")
NOT_SUPPORT_ITEM = ("scheme_id", "note", "tribute", "mandate")
CREDIT_CREATE = ("company", "establishment", "customer", "credit_note", "items", "withholding_taxes")
SUPPORT_SHOW_ONLY = ("discount_rate", "discount")


def _header(
    cat: Catalogues,
    payload: dict,
    *,
    doc_id: int,
    number: str,
    now: datetime,
    totals: dict,
    key_name: str,
    key: str,
    qr: str,
    extra: tuple = (),
) -> dict:
    """The document block shared by the three families (keys in the documented order)."""
    header = {"id": doc_id, "number": number, "reference_code": str(payload["reference_code"]), "status": 1}
    if "send_email" in extra:
        header["send_email"] = 1 if str(payload.get("send_email")).lower() in {"true", "1"} else 0
    header.update({"qr": qr, key_name: key, "validated": stamp(now)})
    if "document_discount" in extra:  # shown by the support-document show example (INFERRED 0)
        header.update(discount_rate="0.00", discount="0.00")
    header.update(
        gross_value=money(totals["gross"]),
        taxable_amount=money(totals["taxable"]),
        tax_amount=money(totals["tax"]),
    )
    if "charges" in extra:
        header.update(discount_amount=money(totals["discount"]), surcharge_amount=money(totals["surcharge"]))
    method = cat.row("payment_methods", "code", str(payload.get("payment_method_code") or "10"))
    header.update(
        total=money(totals["total"]),
        observation=payload.get("observation") or None,
        errors=[],
        created_at=stamp(now),
        qr_image=documents.qr_image(qr),
    )
    header["payment_method"] = {"code": method["code"], "name": method["name"]}
    return header


def build_credit_note(
    cat: Catalogues, payload: dict, rng: dict, bill: dict | None, *, doc_id: int, sequence: int, now: datetime
) -> dict:
    """Full data (the show order); ``credit_note_created`` is the 201 subset."""
    items, charges, totals = lines(cat, payload, NOT_BILL_ITEM)
    bill_data = bill["data"] if bill else None
    if payload.get("customer"):
        customer = customer_block(cat, payload["customer"])
    else:
        customer = copy.deepcopy(bill_data["customer"])
    number = f"{rng['prefix']}{sequence}"
    key, qr = document_key(cat, number, now, totals, customer["identification"], rng["technical_key"])
    header = _header(
        cat,
        payload,
        doc_id=doc_id,
        number=number,
        now=now,
        totals=totals,
        key_name="cude",
        key=key,
        qr=qr,
        extra=("send_email", "charges"),
    )
    method = header.pop("payment_method")
    kind = str(payload["customization_id"]).strip()
    concept = str(payload["correction_concept_code"]).strip()
    header.update(
        bill_id=bill["id"] if bill else None,
        cufe=bill_data["bill"]["cufe"] if bill else None,
        number_bill=bill["number"] if bill else None,
        payment_method={"name": method["name"], "code": method["code"]},
        customization_id={
            "code": kind,
            "name": cat.row("credit_note_customization_ids", "code", kind)["name"],
        },
        correction_concept={
            "code": concept,
            "name": cat.row("credit_note_correction_codes", "code", concept)["name"],
        },
    )
    company = {k: v for k, v in company_block(cat).items() if k != "graphic_representation_name"}
    if payload.get("establishment") or not bill_data:
        establishment = establishment_block(cat, payload.get("establishment"))
    else:
        establishment = copy.deepcopy(bill_data["establishment"])
    return {
        "company": company,
        "establishment": establishment,
        "billing_period": payload.get("billing_period") or [],
        "customer": customer,
        "credit_note": header,
        "items": items,
        "allowance_charges": [c for c, _ in charges],
        "withholding_taxes": totals["withholdings"],
    }


def credit_note_created(data: dict) -> dict:
    return {k: data[k] for k in CREDIT_CREATE}


def _support_items(payload: dict) -> dict:
    """Support-document lines carry no taxes: excluded, rate 0 (API.md §4.2)."""
    items = [{**item, "tax_rate": 0, "is_excluded": 1, "tribute_id": 1} for item in payload["items"]]
    return {"items": items}


def provider_block(cat: Catalogues, provider: dict) -> dict:
    kind = int(provider["identification_document_id"])
    ident = str(provider["identification"])
    dv = provider.get("dv")
    if kind == 6:
        dv = str(dv).strip() if dv not in (None, "") else str(check_digit(ident))
    doc = cat.row("identification_document_types", "id", kind)
    country = next(c for c in cat.countries if c["code"] == str(provider["country_code"]).strip())
    org = cat.row("legal_organizations", "id", 2)
    tribute = cat.row("customer_tributes", "id", 21)
    return {
        "identification": ident,
        "dv": dv if kind == 6 else None,
        "graphic_representation_name": provider["names"],
        "trade_name": provider.get("trade_name") or "",  # "" when absent, as on bills
        "names": provider["names"],
        "address": provider["address"],
        "email": provider.get("email"),
        "phone": None if provider.get("phone") is None else str(provider["phone"]),
        "identification_document": {"id": doc["id"], "code": doc["dian_code"], "name": doc["name"]},
        "legal_organization": {"id": org["id"], "code": org["code"], "name": org["name"]},
        "tribute": {"id": tribute["id"], "code": tribute["code"], "name": tribute["name"]},
        "country": {"id": country["id"], "code": country["code"], "name": country["name"]},
        "municipality": municipality_ref(cat, provider.get("municipality_id")),
    }


def build_support_document(
    cat: Catalogues, payload: dict, rng: dict, *, doc_id: int, sequence: int, now: datetime
) -> dict:
    items, _, totals = lines(cat, _support_items(payload), NOT_SUPPORT_ITEM)
    provider = provider_block(cat, payload["provider"])
    number = f"{rng['prefix']}{sequence}"
    key, qr = document_key(cat, number, now, totals, provider["identification"], rng["technical_key"])
    header = _header(
        cat,
        payload,
        doc_id=doc_id,
        number=number,
        now=now,
        totals=totals,
        key_name="cuds",
        key=key,
        qr=qr,
        extra=("document_discount",),
    )
    return {
        "company": company_block(cat),
        "provider": provider,
        "support_document": header,
        "items": items,
        "withholding_taxes": totals["withholdings"],
        "adjustment_notes": [],
        "numbering_range": range_block(rng),
    }


def support_document_created(data: dict) -> dict:
    header = {k: v for k, v in data["support_document"].items() if k not in SUPPORT_SHOW_ONLY}
    return {**data, "support_document": header}


def build_adjustment_note(
    cat: Catalogues, payload: dict, rng: dict, document: dict, *, doc_id: int, sequence: int, now: datetime
) -> dict:
    """v1 shape INFERRED from the support document's (the docs only show a v2 example)."""
    items, _, totals = lines(cat, _support_items(payload), NOT_SUPPORT_ITEM)
    provider = copy.deepcopy(document["data"]["provider"])
    number = f"{rng['prefix']}{sequence}"
    key, qr = document_key(cat, number, now, totals, provider["identification"], rng["technical_key"])
    header = _header(
        cat, payload, doc_id=doc_id, number=number, now=now, totals=totals, key_name="cuds", key=key, qr=qr
    )
    concept = str(payload["correction_concept_code"]).strip()
    header.update(
        support_document_id=document["id"],
        number_support_document=document["number"],
        cuds_support_document=document["data"]["support_document"]["cuds"],
        correction_concept={
            "code": concept,
            "name": cat.row("adjustment_note_reasons", "code", concept)["name"],
        },
    )
    return {
        "company": company_block(cat),
        "provider": provider,
        "adjustment_note": header,
        "items": items,
        "withholding_taxes": totals["withholdings"],
        "numbering_range": range_block(rng),
    }
