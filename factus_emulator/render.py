"""Build the documented 201 ``data`` object of a bill from a validated request."""

from __future__ import annotations

from datetime import date, datetime

from . import documents
from .catalogues import ALLOWANCE_CONCEPT_NAMES, BILL_DOCUMENT_NAMES, WITHHOLDING_NAMES, Catalogues
from .totals import charge_totals, check_digit, document_totals, item_totals, money, number

STAMP = "%d-%m-%Y %I:%M:%S %p"


def stamp(moment: datetime | None) -> str | None:
    return moment.strftime(STAMP) if moment else None


def dmy(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d-%m-%Y")


def months_between(start: str, end: str) -> int:
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    return (b.year - a.year) * 12 + b.month - a.month


def company_block(cat: Catalogues) -> dict:
    c = cat.company
    return {
        "url_logo": c["url_logo"],
        "nit": c["nit"],
        "dv": c["dv"],
        "company": c["company"] or c["graphic_representation_name"],
        "name": c["graphic_representation_name"],
        "graphic_representation_name": c["graphic_representation_name"],
        "registration_code": c["registration_code"],
        "economic_activity": str(c["economic_activity"]),
        "phone": c["phone"],
        "email": c["email"],
        "direction": c["address"],
        "municipality": c["municipality"]["name"],
    }


def municipality_ref(cat: Catalogues, mid, with_department: bool = False) -> dict | None:
    row = cat.municipality(mid)
    if row is None:
        return None
    out = {"id": row["id"], "code": row["code"], "name": row["name"]}
    if with_department:
        out["department"] = cat.department(row)
    return out


def establishment_block(cat: Catalogues, shop) -> dict:
    if not isinstance(shop, dict) or not shop:  # Factus falls back to the company's main establishment
        c = cat.company
        code = c["municipality"]["code"]
        mid = next(m["id"] for m in cat.municipalities if m["code"] == code)
        shop = {
            "name": c["graphic_representation_name"],
            "address": c["address"],
            "phone_number": c["phone"],
            "email": c["email"],
            "municipality_id": mid,
        }
    return {
        "name": shop["name"],
        "address": shop["address"],
        "phone_number": str(shop["phone_number"]),
        "email": shop["email"],
        "municipality_id": municipality_ref(cat, shop["municipality_id"], True),
    }


def customer_block(cat: Catalogues, customer: dict) -> dict:
    legal = int(customer["legal_organization_id"])
    is_nit = int(customer["identification_document_id"]) == 6
    ident = str(customer["identification"])
    dv = customer.get("dv")
    if is_nit:
        dv = str(dv).strip() if dv not in (None, "") else str(check_digit(ident))
    org = cat.row("legal_organizations", "id", legal)
    tribute = cat.row("customer_tributes", "id", customer["tribute_id"])
    names = customer.get("names")
    # Factus writes "" (never null) for an absent company or trade name (real sandbox answers).
    company = customer.get("company") or ""
    return {
        "identification": ident,
        "dv": dv if is_nit else None,
        "graphic_representation_name": (company if legal == 1 else names) or names or company,
        "trade_name": customer.get("trade_name") or "",
        "company": company,
        "names": names,
        "address": customer.get("address"),
        "email": customer.get("email"),
        "phone": _text(customer.get("phone")),
        "legal_organization": {"id": org["id"], "code": org["code"], "name": org["name"]},
        "tribute": {"id": tribute["id"], "code": tribute["code"], "name": tribute["name"]},
        "municipality": municipality_ref(cat, customer.get("municipality_id")),
    }


def range_block(rng: dict) -> dict:
    return {
        "prefix": rng["prefix"],
        "from": rng["from"],
        "to": rng["to"],
        "resolution_number": rng["resolution_number"],
        "start_date": dmy(rng["start_date"]),
        "end_date": dmy(rng["end_date"]),
        "months": months_between(rng["start_date"], rng["end_date"]),
    }


def item_block(cat: Catalogues, item: dict) -> tuple[dict, dict]:
    t = item_totals(item)
    unit = cat.unit(item["unit_measure_id"])
    std = cat.row("product_standard_codes", "id", item["standard_code_id"])
    tribute = cat.product_tribute(item["tribute_id"])
    mandate = item.get("mandate")
    out = {
        "scheme_id": _text(item.get("scheme_id")),
        "note": item.get("note"),
        "code_reference": str(item["code_reference"]),
        "name": str(item["name"]),
        "quantity": int(float(item["quantity"])),
        "discount_rate": money(t["discount_rate"]),
        "discount": money(t["discount"]),
        "gross_value": money(t["gross"]),
        "tax_rate": money(t["tax_rate"]),
        "taxable_amount": money(t["taxable"]),
        "tax_amount": money(t["tax"]),
        "price": money(t["price"]),
        "is_excluded": 1 if t["excluded"] else 0,
        "unit_measure": {"id": unit["id"], "code": unit["code"], "name": unit["name"]},
        "standard_code": {"id": std["id"], "code": std["dian_code"], "name": std["name"]},
        "tribute": {"id": tribute["id"], "code": tribute["code"], "name": tribute["name"]},
        "total": number(t["total"]),
        "withholding_taxes": [
            {
                "tribute_code": w["code"],
                "name": WITHHOLDING_NAMES[w["code"]],
                "value": money(w["value"]),
                "rates": [
                    {"code": w["code"], "name": WITHHOLDING_NAMES[w["code"]], "rate": money(w["rate"])}
                ],
            }
            for w in t["withholdings"]
        ],
        "mandate": mandate if isinstance(mandate, dict) and mandate else None,
    }
    return out, t


def charge_block(charge: dict) -> tuple[dict, dict]:
    t = charge_totals(charge)
    code = str(charge["concept_type"])
    return {
        "concept_type": {"code": code, "name": ALLOWANCE_CONCEPT_NAMES[code]},
        "is_surcharge": t["surcharge"],
        "reason": str(charge["reason"]),
        "base_amount": money(t["base"]),
        "percentage": money(t["percentage"]),
        "amount": money(t["amount"]),
    }, t


def lines(cat: Catalogues, payload: dict, drop: tuple = ()) -> tuple[list, list, dict]:
    """Rendered items (without the ``drop`` keys), allowance charges and document totals."""
    rendered = [item_block(cat, i) for i in payload["items"]]
    charges = [charge_block(c) for c in payload.get("allowance_charges") or []]
    totals = document_totals([t for _, t in rendered], [t for _, t in charges])
    items = [{k: v for k, v in item.items() if k not in drop} for item, _ in rendered]
    return items, charges, totals


def document_key(
    cat: Catalogues, number_text: str, now: datetime, totals: dict, party_id: str, technical_key: str | None
) -> tuple[str, str]:
    """(CUFE/CUDE/CUDS, its DIAN QR url): SHA-384 as in ``documents.cufe``."""
    key = documents.cufe(
        [
            number_text,
            now.strftime("%Y-%m-%d%H:%M:%S-05:00"),
            money(totals["gross"]),
            "01",
            money(totals["tax"]),
            money(totals["total"]),
            cat.company["nit"],
            party_id,
        ],
        technical_key,
    )
    return key, documents.QR_BASE + key


def build_bill(
    cat: Catalogues, payload: dict, rng: dict, *, bill_id: int, sequence: int, now: datetime
) -> dict:
    """The full ``data`` object (validated, status 1); the caller adjusts status/errors."""
    items, charges, totals = lines(cat, payload)
    number_text = f"{rng['prefix']}{sequence}"
    customer = customer_block(cat, payload["customer"])
    key, qr = document_key(cat, number_text, now, totals, customer["identification"], rng["technical_key"])
    doc = str(payload.get("document") or "01")
    operation = str(payload.get("operation_type") or "10")
    form = cat.row("payment_forms", "code", str(payload.get("payment_form") or "1"))
    method = cat.row("payment_methods", "code", str(payload.get("payment_method_code") or "10"))
    bill = {
        "id": bill_id,
        "document": {"code": doc, "name": BILL_DOCUMENT_NAMES[doc]},
        "operation_type": {"code": operation, "name": cat.row("operation_types", "code", operation)["name"]},
        "order_reference": payload.get("order_reference") or None,
        "number": number_text,
        "reference_code": str(payload["reference_code"]),
        "status": 1,
        "send_email": 1 if str(payload.get("send_email")).lower() in {"true", "1"} else 0,
        "qr": qr,
        "cufe": key,
        "validated": stamp(now),
        "gross_value": money(totals["gross"]),
        "taxable_amount": money(totals["taxable"]),
        "tax_amount": money(totals["tax"]),
        "discount_amount": money(totals["discount"]),
        "surcharge_amount": money(totals["surcharge"]),
        "total": money(totals["total"]),
        "observation": payload.get("observation") or None,
        "errors": [],
        "created_at": stamp(now),
        "payment_due_date": payload.get("payment_due_date") or None,
        "qr_image": documents.qr_image(qr),
        "has_claim": 0,
        "is_negotiable_instrument": 0,
        "payment_form": {"code": form["code"], "name": form["name"]},
        "payment_method": {"code": method["code"], "name": method["name"]},
    }
    return {
        "company": company_block(cat),
        "establishment": establishment_block(cat, payload.get("establishment")),
        "customer": customer,
        "numbering_range": range_block(rng),
        "billing_period": payload.get("billing_period") or [],
        "bill": bill,
        "related_documents": payload.get("related_documents") or [],
        "items": list(items),
        "allowance_charges": [c for c, _ in charges],
        "withholding_taxes": totals["withholdings"],
        "mandate": None,
        "credit_notes": [],
        "debit_notes": [],
    }


def _text(value):
    return None if value is None else str(value)
