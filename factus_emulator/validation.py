"""Field validation of ``POST /v1/bills/validate`` (API.md §3.1) -> Laravel 422 errors."""

from __future__ import annotations

from .catalogues import Catalogues
from .rules import (
    DATE,
    INVALID,
    REQUIRED_IF,
    TIME,
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
    is_numeric,
    is_object,
    is_string,
    is_text,
    max_decimals,
    max_length,
    max_value,
    min_items,
    min_value,
    one_of,
)

# INFERRED upper bounds (Factus' limits are undocumented): amounts fit a DECIMAL(15,2) and quantities
# an unsigned 32-bit int, so absurd numbers get a 422 rather than an overflow.
MAX_AMOUNT = 9_999_999_999_999.99
MAX_QUANTITY = 4_294_967_295
MONEY = (is_numeric, max_decimals(2), min_value(0), max_value(MAX_AMOUNT))
IDENTIFICATION_TYPES = range(1, 12)


def validate_bill(payload, cat: Catalogues, ranges: list[dict], taken_refs) -> tuple[Errors, dict]:
    """Check a bill request. Returns (errors, chosen numbering range or {})."""
    data = payload if isinstance(payload, dict) else {}
    errors = Errors()
    ref = get(data, "reference_code")
    if (
        check(errors, "reference_code", ref, is_text, max_length(255), required=True)
        and str(ref) in taken_refs
    ):
        errors.add("reference_code", UNIQUE)
    chosen = check_numbering_range(errors, get(data, "numbering_range_id"), ranges)
    _header(errors, data, cat)
    check(errors, "customer", get(data, "customer"), is_object, required=True)
    check_customer(errors, get(data, "customer"), cat)
    operation = str(get(data, "operation_type")).strip()
    if check(errors, "items", get(data, "items"), is_array, min_items(1), required=True):
        for index, item in enumerate(data["items"]):
            check_item(errors, f"items.{index}", item, cat, operation)
    check_charges(errors, data)
    return errors, chosen


def usable_ranges(ranges: list[dict], document: str = "21") -> list[dict]:
    return [
        r
        for r in ranges
        if r["document"] == document and r["is_active"] and not r["is_expired"] and r["current"] <= r["to"]
    ]


def check_numbering_range(errors: Errors, value, ranges: list[dict], document: str = "21") -> dict:
    """Optional when exactly one usable range of ``document`` exists; else it must name one."""
    usable = usable_ranges(ranges, document)
    if empty(value):
        if len(usable) == 1:
            return usable[0]
        errors.add("numbering_range_id", "El campo {a} es obligatorio.")
        return {}
    if not check(errors, "numbering_range_id", value, is_int):
        return {}
    found = [r for r in usable if r["id"] == int(value)]
    if not found:
        errors.add("numbering_range_id", INVALID)
        return {}
    return found[0]


def _header(errors: Errors, data: dict, cat: Catalogues) -> None:
    document = get(data, "document")
    check(errors, "document", document, one_of("01", "03"))
    check(errors, "observation", get(data, "observation"), is_string, max_length(250))
    form = get(data, "payment_form")
    check(errors, "payment_form", form, one_of("1", "2"))
    due = get(data, "payment_due_date")
    if str(form).strip() == "2" and empty(due):
        errors.add("payment_due_date", REQUIRED_IF, other="payment form", value="2")
    check(errors, "payment_due_date", due, DATE)
    methods = [m["code"] for m in cat.tables["payment_methods"]]
    check(errors, "payment_method_code", get(data, "payment_method_code"), one_of(*methods))
    check(errors, "operation_type", get(data, "operation_type"), one_of("10", "11", "12"))
    check(errors, "send_email", get(data, "send_email"), is_bool)
    order = get(data, "order_reference")
    if check(errors, "order_reference", order, is_object):
        check(errors, "order_reference.reference_code", get(order, "reference_code"), is_text, required=True)
        check(errors, "order_reference.issue_date", get(order, "issue_date"), DATE)
    _related(errors, data, str(document).strip() == "03")
    check_billing_period(errors, get(data, "billing_period"))
    check_establishment(errors, get(data, "establishment"), cat)


def check_billing_period(errors: Errors, period, required: bool = False) -> None:
    if check(errors, "billing_period", period, is_object, required=required):
        for name in ("start_date", "end_date"):
            check(errors, f"billing_period.{name}", get(period, name), DATE, required=True)
        for name in ("start_time", "end_time"):
            check(errors, f"billing_period.{name}", get(period, name), TIME)


def check_establishment(errors: Errors, shop, cat: Catalogues) -> None:
    if check(errors, "establishment", shop, is_object):
        for name in ("name", "address", "phone_number"):
            check(errors, f"establishment.{name}", get(shop, name), is_text, required=True)
        check(errors, "establishment.email", get(shop, "email"), is_email, required=True)
        check(
            errors,
            "establishment.municipality_id",
            get(shop, "municipality_id"),
            is_int,
            exists(cat.municipality),
            required=True,
        )


def _related(errors: Errors, data: dict, required: bool) -> None:
    related = get(data, "related_documents")
    if required and empty(related):
        errors.add("related_documents", REQUIRED_IF, other="document", value="03")
        return
    if not check(errors, "related_documents", related, is_array):
        return
    for index, doc in enumerate(related):
        key = f"related_documents.{index}"
        check(errors, f"{key}.code", get(doc, "code"), is_text, required=True)
        check(errors, f"{key}.issue_date", get(doc, "issue_date"), DATE, required=True)
        check(errors, f"{key}.number", get(doc, "number"), is_text, required=True)


def check_customer(errors: Errors, customer, cat: Catalogues) -> None:
    if not isinstance(customer, dict):
        return
    check(
        errors,
        "customer.identification_document_id",
        get(customer, "identification_document_id"),
        is_int,
        one_of(*IDENTIFICATION_TYPES),
        required=True,
    )
    check(
        errors,
        "customer.identification",
        get(customer, "identification"),
        is_text,
        max_length(20),
        required=True,
    )
    check(errors, "customer.dv", get(customer, "dv"), is_int, min_value(0), max_value(9))
    legal = get(customer, "legal_organization_id")
    check(errors, "customer.legal_organization_id", legal, is_int, one_of(1, 2), required=True)
    if str(legal).strip() == "1":
        check(errors, "customer.company", get(customer, "company"), is_text, required=True)
    if str(legal).strip() == "2":
        check(errors, "customer.names", get(customer, "names"), is_text, required=True)
    check(errors, "customer.tribute_id", get(customer, "tribute_id"), is_int, one_of(18, 21), required=True)
    check(
        errors, "customer.municipality_id", get(customer, "municipality_id"), is_int, exists(cat.municipality)
    )
    check(errors, "customer.email", get(customer, "email"), is_email)
    for name in ("company", "trade_name", "names", "address", "phone"):
        check(errors, f"customer.{name}", get(customer, name), is_text)


def check_item(errors: Errors, key: str, item, cat: Catalogues, operation: str) -> None:
    if not check(errors, key, item, is_object, required=True):
        return
    scheme = get(item, "scheme_id")
    if operation == "11" and empty(scheme):
        errors.add(f"{key}.scheme_id", REQUIRED_IF, other="operation type", value="11")
    check(errors, f"{key}.scheme_id", scheme, one_of("0", "1"))
    check(errors, f"{key}.note", get(item, "note"), is_string)
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
    check(errors, f"{key}.discount_rate", get(item, "discount_rate"), *MONEY, max_value(100), required=True)
    check(errors, f"{key}.price", get(item, "price"), *MONEY, required=True)
    check(errors, f"{key}.tax_rate", get(item, "tax_rate"), *MONEY, max_value(100), required=True)
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
    check(
        errors, f"{key}.is_excluded", get(item, "is_excluded"), one_of(0, 1, "True", "False"), required=True
    )
    check(
        errors,
        f"{key}.tribute_id",
        get(item, "tribute_id"),
        is_int,
        exists(cat.product_tribute),
        required=True,
    )
    check_withholdings(errors, key, get(item, "withholding_taxes"))
    mandate = get(item, "mandate")
    if str(scheme).strip() == "1" and empty(mandate):
        errors.add(f"{key}.mandate", REQUIRED_IF, other="scheme id", value="1")
    elif check(errors, f"{key}.mandate", mandate, is_object):
        check(
            errors,
            f"{key}.mandate.identification_document_id",
            get(mandate, "identification_document_id"),
            is_int,
            one_of(*IDENTIFICATION_TYPES),
            required=True,
        )
        check(errors, f"{key}.mandate.identification", get(mandate, "identification"), is_text, required=True)


def check_withholdings(errors: Errors, key: str, holds) -> None:
    if check(errors, f"{key}.withholding_taxes", holds, is_array):
        for index, hold in enumerate(holds):
            sub = f"{key}.withholding_taxes.{index}"
            check(errors, f"{sub}.code", get(hold, "code"), one_of("05", "06", "07"), required=True)
            check(
                errors,
                f"{sub}.withholding_tax_rate",
                get(hold, "withholding_tax_rate"),
                *MONEY,
                max_value(100),
                required=True,
            )


def check_charges(errors: Errors, data: dict) -> None:
    if check(errors, "allowance_charges", get(data, "allowance_charges"), is_array):
        for index, charge in enumerate(data["allowance_charges"]):
            _charge(errors, f"allowance_charges.{index}", charge)


def _charge(errors: Errors, key: str, charge) -> None:
    if not check(errors, key, charge, is_object, required=True):
        return
    check(errors, f"{key}.concept_type", get(charge, "concept_type"), one_of("03"), required=True)
    check(errors, f"{key}.is_surcharge", get(charge, "is_surcharge"), is_bool, required=True)
    check(errors, f"{key}.reason", get(charge, "reason"), is_text, required=True)
    check(errors, f"{key}.base_amount", get(charge, "base_amount"), *MONEY, required=True)
    check(errors, f"{key}.amount", get(charge, "amount"), *MONEY, required=True)
