"""Helpers the invoice views share: lookups that 404, Factus outcomes as pages and messages."""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect

from factus.codes import WITHHOLDING_NAMES
from factus.errors import FactusError
from invoicing import selectors
from invoicing.models import Invoice
from invoicing.services import InvoiceActionError
from invoicing.totals import LineInput, compute_invoice, figures_key

# What a service may raise that the user must read as a message (never a 500).
USER_ERRORS = (InvoiceActionError, FactusError)


def invoice_or_404(pk: int) -> Invoice:
    try:
        return selectors.invoice_detail(invoice_id=pk)
    except Invoice.DoesNotExist as error:
        raise Http404("No existe esa factura.") from error


def error_text(error: Exception) -> str:
    return getattr(error, "message", "") or "No fue posible completar la operación."


# Factus' rule text: "Regla: FAK24, Rechazo: No está informado el DV..." (API.md, DIAN rules).
RULE_TEXT = re.compile(
    r"^\s*Regla:\s*(?P<rule>[^,]+),\s*(?:Rechazo|Notificaci[oó]n)\s*:\s*(?P<text>.*)$", re.S
)


def classify_dian(lines) -> list[dict]:
    """DIAN messages with their weight: "Rechazo" rules in red, "Notificación" in amber.

    ``text`` drops the kind Factus repeats inside the rule, since the template labels each line
    with it: "Rechazo: Regla: FAK24, <text>" is said once.
    """
    rows = []
    for text in lines or []:
        text = str(text)
        kind = "rejection" if "Rechazo" in text else "notification" if "Notificaci" in text else "info"
        match = RULE_TEXT.match(text)
        shown = f"Regla: {match['rule'].strip()}, {match['text'].strip()}" if match else text
        rows.append({"kind": kind, "text": shown})
    return rows


def totals_context(formset) -> dict:
    """Live totals of the rows that can be totalled, keyed by row prefix for the line cells."""
    inputs = formset.line_inputs() if formset.is_bound else []
    computed = compute_invoice([line for line in inputs if line is not None]) if any(inputs) else None
    lines = iter(computed.lines if computed else ())
    per_row = [next(lines) if line else None for line in inputs]
    line_totals = [(form.prefix, line) for form, line in zip(formset.forms, per_row, strict=False)]
    withholdings = [
        {"code": code, "name": WITHHOLDING_NAMES.get(code, code), "value": value}
        for code, value in (computed.withholdings.items() if computed else ())
    ]
    return {
        "totals": computed,
        "line_totals": line_totals,
        "withholdings": withholdings,
        "line_discounts": sum((line.discount for line in computed.lines), start=0) if computed else None,
        "incomplete": sum(1 for line in inputs if line is None),
        # Which lines, so the person finds them (the form marks the fields only when saved or issued).
        "incomplete_lines": [number for number, line in enumerate(inputs, start=1) if line is None][:10],
        "shown_figures": figures_key(computed, per_row),
    }


def respond_to_submit(request, result):
    """Post/Redirect/Get: every submission answers with a redirect to a GET of the invoice.

    An attempt that reached the recording phase is told by the "Último intento" panel of the page
    it lands on (the detail; the edit form for 422 field errors), built from its event, so a reload
    or the back button never sends anything again. A refusal without an attempt (busy, already
    validated...) is a one-time message; so is a success (the panel holds the rest, said once).
    """
    invoice = result.invoice
    if not result.recorded:
        messages.warning(request, result.message or "No se pudo emitir la factura.")
    elif result.outcome == "validated":
        messages.success(request, result.message)
    elif result.outcome == "invalid":
        return redirect("invoicing:invoice_update", invoice.pk)
    return redirect("invoicing:invoice_detail", invoice.pk)


def detail_figures(invoice: Invoice) -> dict:
    """Item lines with their totals, and the invoice totals (Factus' once validated, ours before)."""
    items = list(invoice.items.all())
    computed = compute_invoice(
        [
            LineInput(
                quantity=i.quantity,
                price=i.price,
                discount_rate=i.discount_rate,
                tax_rate=i.tax_rate,
                is_excluded=i.is_excluded,
                withholdings=tuple((w["code"], Decimal(str(w["rate"]))) for w in i.withholdings or []),
            )
            for i in items
        ]
    )
    if invoice.total is not None:
        summary = {
            "gross_value": invoice.gross_value,
            "tax_amount": invoice.tax_amount,
            "surcharge_amount": invoice.surcharge_amount,
            "total": invoice.total,
            "withholdings": invoice.withholdings or [],
        }
    else:
        summary = {
            **computed.as_factus(),
            "withholdings": [
                {"code": c, "name": WITHHOLDING_NAMES.get(c, c), "value": v}
                for c, v in computed.withholdings.items()
            ],
        }
    raw = invoice.raw_response if isinstance(invoice.raw_response, dict) else {}
    # Factus' answer is stored as it came: any key may hold anything (a list, a text, null).
    nested = raw.get("data") if isinstance(raw.get("data"), dict) else {}
    company = raw.get("company") or nested.get("company") or {}
    return {
        "lines": list(zip(items, computed.lines, strict=True)),
        "summary": summary,
        "company": company if isinstance(company, dict) else {},
    }
