"""Helpers the invoice views share: lookups that 404, Factus outcomes as pages and messages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from factus.errors import FactusError
from invoicing import selectors
from invoicing.models import Invoice
from invoicing.services import InvoiceActionError
from invoicing.totals import WITHHOLDING_NAMES, LineInput, compute_invoice, figures_key

# What a service may raise that the user must read as a message (never a 500).
USER_ERRORS = (InvoiceActionError, FactusError)


def invoice_or_404(pk: int) -> Invoice:
    try:
        return selectors.invoice_detail(invoice_id=pk)
    except Invoice.DoesNotExist as error:
        raise Http404("No existe esa factura.") from error


def error_text(error: Exception) -> str:
    return getattr(error, "message", "") or "No fue posible completar la operación."


def classify_dian(lines) -> list[dict]:
    """DIAN messages with their weight: "Rechazo" rules in red, "Notificación" in amber."""
    rows = []
    for text in lines or []:
        text = str(text)
        kind = "rejection" if "Rechazo" in text else "notification" if "Notificaci" in text else "info"
        rows.append({"kind": kind, "text": text})
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
        "shown_figures": figures_key(computed, per_row),
    }


def retry_hint(seconds: int | None) -> str:
    if not seconds:
        return "Intente de nuevo en un minuto."
    at = timezone.localtime(timezone.now() + timedelta(seconds=seconds))
    return f"Intente de nuevo en {seconds} segundos (después de las {at:%H:%M:%S})."


def respond_to_submit(request, result):
    """Turn a SubmitResult into the page the user needs next (see docs/invoicing-pages.md)."""
    invoice, outcome = result.invoice, result.outcome
    text = result.message or ""
    if outcome == "validated":
        messages.success(request, text or "Factura validada por la DIAN.")
    elif outcome == "invalid":
        messages.error(request, text or "Factus encontró errores en los datos; corríjalos y emita de nuevo.")
        return redirect("invoicing:invoice_update", invoice.pk)
    elif outcome == "conflict":
        return render(
            request,
            "invoicing/submit_conflict.html",
            {"invoice": invoice, "result": result, "blocking": result.blocking or {}},
            status=409,
        )
    elif outcome == "rate_limited":
        text = text or "Factus limitó las solicitudes."
        messages.warning(request, f"{text} {retry_hint(result.retry_after)}")
    elif outcome in ("pending", "busy"):
        messages.warning(request, text or "La DIAN aún no responde; reintente en unos minutos.")
    else:  # rejected, failed
        messages.error(request, text or "No se pudo emitir la factura.")
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
    company = raw.get("company") or (raw.get("data") or {}).get("company") or {}
    return {
        "lines": list(zip(items, computed.lines, strict=True)),
        "summary": summary,
        "company": company if isinstance(company, dict) else {},
    }
