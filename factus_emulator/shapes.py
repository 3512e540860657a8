"""The two shapes a bill's validate/show ``data`` can take (the ``answer_shape`` knob).

``documented``: as API.md and ``bills-validate-response.json`` show it (the default).
``sandbox-2025-01``: as the real Factus sandbox answered in January 2025
(``real-sandbox-bills-validate-data-2025-01.json``): no ``establishment``,
``allowance_charges`` or ``mandate``; the bill has ``discount_rate``/``discount`` and
``public_url`` but no ``operation_type``, ``order_reference``, ``discount_amount`` or
``surcharge_amount``; items have no ``scheme_id``, ``note`` or ``mandate``.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from .totals import HUNDRED, ZERO, dec, money

DOCUMENTED = "documented"
SANDBOX_2025_01 = "sandbox-2025-01"

SANDBOX_TOP = (
    "company",
    "customer",
    "numbering_range",
    "billing_period",
    "bill",
    "related_documents",
    "items",
    "withholding_taxes",
    "credit_notes",
    "debit_notes",
)
SANDBOX_BILL = (
    "id",
    "document",
    "number",
    "reference_code",
    "status",
    "send_email",
    "qr",
    "cufe",
    "validated",
    "discount_rate",
    "discount",
    "gross_value",
    "taxable_amount",
    "tax_amount",
    "total",
    "observation",
    "errors",
    "created_at",
    "payment_due_date",
    "qr_image",
    "has_claim",
    "is_negotiable_instrument",
    "payment_form",
    "payment_method",
    "public_url",
)
SANDBOX_DROPS_FROM_ITEMS = ("scheme_id", "note", "mandate")


def bill_view(shape: str, base_url: str, *, show: bool = False):
    """The function turning a stored bill ``data`` into the answered one (None: as stored)."""
    if shape == SANDBOX_2025_01:
        return lambda data: sandbox_2025_01(data, base_url)
    if show:  # the documented show body is the create body without the top-level "mandate"
        return lambda data: {k: v for k, v in data.items() if k != "mandate"}
    return None


def sandbox_2025_01(data: dict, base_url: str) -> dict:
    """The stored (documented) bill ``data`` in the January 2025 sandbox shape."""
    stored = data["bill"]
    discount = dec(stored["discount_amount"])
    # INFERRED: the bill-level discount is the document-level one (the documented discount_amount),
    # its rate a percentage of the amount before it; the real example shows both "0.00".
    before = dec(stored["total"]) + discount
    rate = discount / before * HUNDRED if before > ZERO else Decimal(0)
    key = hashlib.sha256(stored["cufe"].encode()).hexdigest()
    extra = {
        "discount_rate": money(rate),
        "discount": money(discount),
        # INFERRED: a page of the emulator's host, like the sandbox's app-sandbox.factus.com.co one.
        "public_url": f"{base_url}/bills/show/{key}",
    }
    bill = {name: extra[name] if name in extra else stored[name] for name in SANDBOX_BILL}
    out = {name: data[name] for name in SANDBOX_TOP}
    out["bill"] = bill
    out["items"] = [
        {k: v for k, v in item.items() if k not in SANDBOX_DROPS_FROM_ITEMS} for item in data["items"]
    ]
    return out
