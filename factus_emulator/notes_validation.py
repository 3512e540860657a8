"""Field validation of credit notes (§4.1), support documents (§4.2), adjustment notes (§4.3).

Same validator and messages as bills (``rules.py``); items and parties reuse the bill
checks where the schema is the same.
"""

from __future__ import annotations

from .catalogues import Catalogues
from .rules import (
    INVALID,
    REQUIRED_IF,
    UNIQUE,
    Errors,
    check,
    empty,
    exists,
    get,
    is_array,
    is_bool,
    is_email,
    is_int,
    is_object,
    is_string,
    is_text,
    max_length,
    max_value,
    min_items,
    min_value,
    one_of,
)
from .validation import (
    MAX_QUANTITY,
    MONEY,
    check_billing_period,
    check_charges,
    check_customer,
    check_establishment,
    check_item,
    check_numbering_range,
    check_withholdings,
)

PROVIDER_TYPES = range(4, 11)  # support_document_identification_types
BILL_MISSING = "La factura seleccionada no existe."


def _common(errors: Errors, data: dict, cat: Catalogues, taken, ranges, document) -> dict:
    """reference_code (unique among validated ones) and numbering_range_id of ``document``."""
    ref = get(data, "reference_code")
    if check(errors, "reference_code", ref, is_text, max_length(255), required=True) and str(ref) in taken:
        errors.add("reference_code", UNIQUE)
    return check_numbering_range(errors, get(data, "numbering_range_id"), ranges, document)


def _tail(errors: Errors, data: dict, cat: Catalogues) -> None:
    methods = [m["code"] for m in cat.tables["payment_methods"]]
    check(errors, "payment_method_code", get(data, "payment_method_code"), one_of(*methods))
    check(errors, "send_email", get(data, "send_email"), is_bool)
    check(errors, "observation", get(data, "observation"), is_string, max_length(250))


def _concept(errors: Errors, data: dict, table: str, cat: Catalogues) -> None:
    codes = [r["code"] for r in cat.tables[table]]
    check(
        errors,
        "correction_concept_code",
        get(data, "correction_concept_code"),
        is_int,
        one_of(*codes),
        required=True,
    )


def validate_credit_note(
    payload, cat: Catalogues, ranges: list[dict], taken, bills: list[dict]
) -> tuple[Errors, dict, dict | None]:
    """Returns (errors, numbering range, referenced bill record or None)."""
    data = payload if isinstance(payload, dict) else {}
    errors = Errors()
    rng = _common(errors, data, cat, taken, ranges, "22")
    _concept(errors, data, "credit_note_correction_codes", cat)
    kind = get(data, "customization_id")
    check(errors, "customization_id", kind, is_int, one_of(20, 22), required=True)
    kind = str(kind).strip()
    bill_id, bill = get(data, "bill_id"), None
    if empty(bill_id):
        if kind == "20":
            errors.add("bill_id", REQUIRED_IF, other="Tipo de nota crédito", value="20")
    elif check(errors, "bill_id", bill_id, is_int):
        bill = next((b for b in bills if str(b["id"]) == str(bill_id).strip() and b["status"] == 1), None)
        if bill is None:
            errors.add("bill_id", BILL_MISSING)
    _tail(errors, data, cat)
    check_billing_period(errors, get(data, "billing_period"))
    if kind == "22" and empty(get(data, "billing_period")):
        errors.add("billing_period", REQUIRED_IF, other="Tipo de nota crédito", value="22")
    check_establishment(errors, get(data, "establishment"), cat)
    customer = get(data, "customer")
    if bill is None and kind == "22" and empty(customer):
        errors.add("customer", REQUIRED_IF, other="Tipo de nota crédito", value="22")
    if check(errors, "customer", customer, is_object):
        check_customer(errors, customer, cat)
    if check(errors, "items", get(data, "items"), is_array, min_items(1), required=True):
        for index, item in enumerate(data["items"]):
            check_item(errors, f"items.{index}", item, cat, "10")
    check_charges(errors, data)
    return errors, rng, bill


def validate_support_document(payload, cat: Catalogues, ranges: list[dict], taken) -> tuple[Errors, dict]:
    data = payload if isinstance(payload, dict) else {}
    errors = Errors()
    rng = _common(errors, data, cat, taken, ranges, "24")
    _tail(errors, data, cat)
    provider = get(data, "provider")
    if check(errors, "provider", provider, is_object, required=True):
        _provider(errors, provider, cat)
    _items(errors, data, cat)
    return errors, rng


def validate_adjustment_note(
    payload, cat: Catalogues, ranges: list[dict], taken, documents: list[dict]
) -> tuple[Errors, dict, dict | None]:
    """v1 field table: the support document is named by its Factus id."""
    data = payload if isinstance(payload, dict) else {}
    errors = Errors()
    rng = _common(errors, data, cat, taken, ranges, "25")
    _tail(errors, data, cat)
    doc_id, document = get(data, "support_document_id"), None
    if check(errors, "support_document_id", doc_id, is_int, required=True):
        document = next(
            (d for d in documents if str(d["id"]) == str(doc_id).strip() and d["status"] == 1), None
        )
        if document is None:
            errors.add("support_document_id", INVALID)
    _concept(errors, data, "adjustment_note_reasons", cat)
    _items(errors, data, cat)
    return errors, rng, document


def _provider(errors: Errors, provider: dict, cat: Catalogues) -> None:
    key = "provider."
    kind = get(provider, "identification_document_id")
    check(errors, f"{key}identification_document_id", kind, is_int, one_of(*PROVIDER_TYPES), required=True)
    check(
        errors,
        f"{key}identification",
        get(provider, "identification"),
        is_text,
        max_length(20),
        required=True,
    )
    dv = get(provider, "dv")
    if str(kind).strip() == "6" and empty(dv):
        errors.add(f"{key}dv", REQUIRED_IF, other="provider.identification document id", value="6")
    check(errors, f"{key}dv", dv, is_int, min_value(0), max_value(9))
    for name in ("trade_name", "phone"):
        check(errors, f"{key}{name}", get(provider, name), is_text)
    check(errors, f"{key}names", get(provider, "names"), is_text, required=True)
    check(errors, f"{key}address", get(provider, "address"), is_text, required=True)
    check(errors, f"{key}email", get(provider, "email"), is_email, required=True)
    check(errors, f"{key}is_resident", get(provider, "is_resident"), is_bool, required=True)
    country = get(provider, "country_code")
    codes = {c["code"] for c in cat.countries}
    check(errors, f"{key}country_code", country, is_text, one_of(*codes), required=True)
    town = get(provider, "municipality_id")
    if str(country).strip() == "CO" and empty(town):
        errors.add(f"{key}municipality_id", REQUIRED_IF, other="provider.country code", value="CO")
    check(errors, f"{key}municipality_id", town, is_int, exists(cat.municipality))


def _items(errors: Errors, data: dict, cat: Catalogues) -> None:
    """Support-document items: no taxes (no tax_rate, tribute_id, is_excluded)."""
    if not check(errors, "items", get(data, "items"), is_array, min_items(1), required=True):
        return
    for index, item in enumerate(data["items"]):
        key = f"items.{index}"
        if not check(errors, key, item, is_object, required=True):
            continue
        check(errors, f"{key}.code_reference", get(item, "code_reference"), is_text, required=True)
        check(errors, f"{key}.name", get(item, "name"), is_text, required=True)
        check(
            errors,
            f"{key}.quantity",
            get(item, "quantity"),
            is_int,
            min_value(1),
            max_value(MAX_QUANTITY),
            required=True,
        )
        check(
            errors, f"{key}.discount_rate", get(item, "discount_rate"), *MONEY, max_value(100), required=True
        )
        check(errors, f"{key}.price", get(item, "price"), *MONEY, required=True)
        check(
            errors,
            f"{key}.unit_measure_id",
            get(item, "unit_measure_id"),
            is_int,
            exists(cat.unit),
            required=True,
        )
        check(
            errors,
            f"{key}.standard_code_id",
            get(item, "standard_code_id"),
            is_int,
            one_of(1, 2, 3, 4),
            required=True,
        )
        check_withholdings(errors, key, get(item, "withholding_taxes"))
