"""Nothing credits more than is left on the invoice, per line and in total.

Checked when a note is created or edited, and again in the claim phase of its submission, with the
invoice row locked (SELECT ... FOR UPDATE): two notes sent at the same time are checked one after
the other, the second seeing the first as SUBMITTING (it counts: it may exist at Factus).

``lines`` is what the form posted, in its order: ``field_errors`` keys name the posted row
(``lines-<i>-quantity``, ``lines-<i>-price``) and ``__all__`` the note as a whole. A line with
quantity 0 is not credited (the form may post every invoice line).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from core.numbers import format_money, format_number
from invoicing.credit_selectors import CreditBalance, invoice_credit_balance
from invoicing.models import CreditNote, CreditNoteItem, Invoice
from invoicing.payloads import allowance_amounts, line_input, void_charges
from invoicing.totals import ZERO, InvoiceTotals, compute_invoice, compute_line, round_cents

from .events import InvoiceActionError

Concept = CreditNote.Concept
REDUCTION_CONCEPTS = frozenset(
    {Concept.DISCOUNT, Concept.PRICE_ADJUSTMENT, Concept.PROMPT_PAYMENT, Concept.VOLUME}
)
ALL = "__all__"
REDUCTION_NEEDED = "Indique la rebaja por unidad (IVA incluido), de al menos un centavo."


@dataclass(frozen=True)
class CreditLine:
    """One line the user asks to credit."""

    invoice_item_id: int
    quantity: int  # units returned (concepts 1, 2), or units the reduction applies to
    price: Decimal | None = None  # None: the invoice line's price (a return); else the reduction per unit


class CreditLimitError(InvoiceActionError):
    """The note would credit more than is left (or names no line); ``field_errors`` says where."""

    def __init__(self, message: str, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.field_errors = field_errors or {ALL: [message]}


class _Errors(dict):
    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            count = sum(len(messages) for messages in self.values())
            first = next(iter(self.values()))[0]
            more = f" (y {count - 1} más)" if count > 1 else ""
            raise CreditLimitError(f"La nota crédito no se puede emitir: {first}{more}", dict(self))


def check_invoice(invoice: Invoice) -> None:
    """Only a validated bill Factus knows (its id) can be corrected by a note.

    Raises: CreditLimitError.
    """
    if invoice.status != Invoice.Status.VALIDATED or not invoice.factus_id:
        raise CreditLimitError(
            "Solo se pueden emitir notas crédito sobre facturas validadas; "
            f"esta está «{invoice.get_status_display()}»."
        )


def void_lines(balance: CreditBalance) -> list[CreditLine]:
    """Concept 2: every line at what is left of it (nothing left: no line)."""
    return [CreditLine(line.item.pk, line.quantity_left) for line in balance.lines if line.amount_left > 0]


def plan(
    invoice: Invoice, *, concept: str, lines: list[CreditLine], excluding: int | None = None
) -> list[CreditNoteItem]:
    """The note's items (unsaved, no note yet), checked against what is left of ``invoice``.

    Raises: CreditLimitError (not validated, unknown concept, no line, over a line or the total).
    """
    check_invoice(invoice)
    if concept not in Concept.values:
        raise CreditLimitError(
            "Concepto de corrección desconocido.", {"concept": ["Elija un concepto de la lista."]}
        )
    balance = invoice_credit_balance(invoice, excluding=excluding)
    if concept == Concept.VOID:
        lines = void_lines(balance)
    errors, items, seen = _Errors(), [], set()
    for index, line in enumerate(lines):
        for item in _item(errors, balance, concept, index, line, seen):
            item.position = index  # a 422 on this item names the posted row again
            items.append(item)
    if not items and not errors:
        errors.add(
            ALL,
            _nothing_left(balance) if concept == Concept.VOID else "Indique al menos una línea a acreditar.",
        )
    errors.raise_if_any()
    total = compute_invoice([line_input(item) for item in items]).total
    if total > balance.balance:
        errors.add(
            ALL,
            f"La nota suma {format_money(total)} y a la factura le quedan "
            f"{format_money(max(balance.balance, ZERO))} "
            "por acreditar (contando las notas validadas y las que pueden existir en Factus).",
        )
    errors.raise_if_any()
    return items


def whole_units(value) -> int | None:
    """``value`` as a whole number of units (an int, or a Decimal with no fraction), else None: a
    fraction, a float, a bool, text, NaN or infinity is not a quantity of units."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return None


def money(value) -> Decimal | None:
    """``value`` (a Decimal or an int) as a finite Decimal, else None (a float, text, NaN, infinity)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return None
    value = Decimal(value)
    return value if value.is_finite() else None


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _nothing_left(balance: CreditBalance) -> str:
    return (
        "A la factura no le queda nada por acreditar." if balance.committed else "La factura no tiene líneas."
    )


def _item(errors: _Errors, balance, concept, index: int, line: CreditLine, seen: set) -> list[CreditNoteItem]:
    key = f"lines-{index}-"
    quantity = whole_units(line.quantity)
    if quantity is None:
        errors.add(key + "quantity", "La cantidad debe ser un número entero de unidades.")
        return []
    if quantity < 0:
        errors.add(key + "quantity", "La cantidad no puede ser negativa.")
        return []
    if quantity == 0 and concept != Concept.VOID:
        return []
    line = replace(line, quantity=quantity)
    left = balance.line(line.invoice_item_id) if _is_id(line.invoice_item_id) else None
    if left is None:
        errors.add(ALL, f"La línea {index + 1} no pertenece a esta factura.")
        return []
    if line.invoice_item_id in seen:
        errors.add(key + "quantity", "Esta línea de la factura ya está en la nota.")
        return []
    seen.add(line.invoice_item_id)
    if concept == Concept.VOID and line.quantity == 0:
        # Every unit of the line was returned and rounding left cents (3 x 1,00 returned of a line
        # of 3,01): the void credits them as the rest of the line (void_lines names only lines
        # with something left).
        return _within_line(errors, key + "quantity", left, _rest(left))
    if line.quantity > left.quantity_left:
        errors.add(
            key + "quantity",
            f"Quedan {format_number(left.quantity_left, 0)} unidad(es) por acreditar en esta línea "
            f"(pidió {format_number(line.quantity, 0)}).",
        )
        return []
    if concept in REDUCTION_CONCEPTS:
        return _reduction(errors, key, left, line)
    if line.price is not None and concept != Concept.VOID:
        errors.add(key + "price", "Una devolución acredita el precio de la factura: deje la rebaja vacía.")
        return []
    items = [_copy(left.item, quantity=line.quantity)]
    if line.quantity == left.quantity_left and compute_line(line_input(items[0])).total != left.amount_left:
        # The last units of the line (a void, or a return of what is left), but part of the line
        # was reduced, or earlier returns rounded apart (2 x 1,06 less 5 % is 2,01; one unit 1,01):
        # its units at the billed price are not what is left. INFERRED: they credit exactly what is
        # left, so the line ends at zero to the cent.
        items = _last_units(left, line.quantity)
    return _within_line(errors, key + "quantity", left, *items)


def _last_units(left, quantity: int) -> list[CreditNoteItem]:
    """``quantity`` units, the last of the line, crediting exactly its ``amount_left``: the units but
    one at the billed price and one unit at the remainder; one unit at exactly what is left when
    the remainder is not positive (a reduction took more than that unit) or there is one unit."""
    if quantity > 1:
        units = _copy(left.item, quantity=quantity - 1)
        remainder = left.amount_left - compute_line(line_input(units)).total
        if remainder > 0:
            return [units, _copy(left.item, quantity=1, price=remainder, discount_rate=ZERO)]
    return [_rest(left)]


def _rest(left) -> CreditNoteItem:
    """What is left of a line as one unit at exactly that amount, no discount of its own."""
    return _copy(left.item, quantity=1, price=left.amount_left, discount_rate=ZERO)


def _reduction(errors: _Errors, key: str, left, line: CreditLine) -> list[CreditNoteItem]:
    price = money(line.price)
    if price is None or price <= 0:
        errors.add(key + "price", REDUCTION_NEEDED)
        return []
    if price > left.unit_price:
        errors.add(
            key + "price",
            f"La rebaja por unidad no puede superar el precio facturado ({format_money(left.unit_price)}).",
        )
        return []
    price = round_cents(price)  # below the unit price: it fits in cents
    if price <= 0:  # less than half a cent
        errors.add(key + "price", REDUCTION_NEEDED)
        return []
    # INFERRED: the reduction is what the customer stops paying per unit, tax included: the line
    # carries no discount of its own (the invoice line's discount was already applied to its price).
    item = _copy(left.item, quantity=line.quantity, price=price, discount_rate=ZERO)
    return _within_line(errors, key + "price", left, item)


def _within_line(errors: _Errors, key: str, left, *items: CreditNoteItem) -> list[CreditNoteItem]:
    amount = sum((compute_line(line_input(item)).total for item in items), ZERO)
    if amount > left.amount_left:
        errors.add(
            key,
            f"Esta línea acreditaría {format_money(amount)} y le quedan {format_money(left.amount_left)}.",
        )
        return []
    return list(items)


def _copy(invoice_item, **changes) -> CreditNoteItem:
    """A note line from the invoice line it credits: its code, name, unit, standard, tribute, tax and
    withholdings (the payload names them as the bill did)."""
    values = {
        "invoice_item": invoice_item,
        "product_id": invoice_item.product_id,
        "code_reference": invoice_item.code_reference,
        "name": invoice_item.name,
        "quantity": invoice_item.quantity,
        "price": invoice_item.price,
        "discount_rate": invoice_item.discount_rate,
        "tax_rate": invoice_item.tax_rate,
        "is_excluded": invoice_item.is_excluded,
        "unit_id": invoice_item.unit_id,
        "standard_code_id": invoice_item.standard_code_id,
        "tribute_id": invoice_item.tribute_id,
        "withholdings": list(invoice_item.withholdings or []),
    }
    return CreditNoteItem(**{**values, **changes})


def note_totals(items: list[CreditNoteItem], *, invoice: Invoice, concept: str) -> InvoiceTotals:
    """The totals of a note of ``concept`` on ``invoice`` with these lines: the lines, plus what a
    void takes back of the invoice's allowance charges (``payloads.void_charges``; none otherwise)."""
    charges = void_charges(invoice, concept)
    return compute_invoice([line_input(item) for item in items], *allowance_amounts(charges))


# A note item's every column, and of its related rows what the payload and the check read: the
# Factus ids of its unit, standard code and tribute, and the credited invoice line's figures.
NOTE_ITEM_FIELDS = (
    *(field.name for field in CreditNoteItem._meta.concrete_fields),
    "unit__factus_id",
    "standard_code__factus_id",
    "tribute__factus_id",
    *(
        f"invoice_item__{name}"
        for name in (
            "invoice",
            "quantity",
            "price",
            "discount_rate",
            "tax_rate",
            "is_excluded",
            "withholdings",
        )
    ),
)


def load_items(note: CreditNote) -> list[CreditNoteItem]:
    """The note's saved items in the order they are sent, with what the payload reads (unit, standard
    code, tribute) and the invoice line each credits (the limits' check), read once per instance
    (the claim check reads them, the payload builder reuses them): kept on ``note`` as
    ``sent_items`` (a plain list: Django's prefetch machinery cost more than the query's rows)."""
    items = getattr(note, "sent_items", None)
    if items is None:
        items = note.sent_items = list(
            CreditNoteItem.objects.filter(credit_note_id=note.pk)
            .select_related("unit", "standard_code", "tribute", "invoice_item")
            .only(*NOTE_ITEM_FIELDS)
            .order_by("position", "id")
        )
    return items


def recheck(note: CreditNote, invoice: Invoice) -> None:
    """The note's saved items still fit what is left of ``invoice`` (locked by the caller), the
    other notes counted as they are now. Keys name the item's position (the posted row).

    Raises: CreditLimitError.
    """
    check_invoice(invoice)
    items = load_items(note)
    # Only the lines this note credits (read with its items, one query): the invoice's others
    # cannot be over-credited by it. A line of another invoice has no balance here: refused below.
    credited = {
        item.invoice_item_id: item.invoice_item
        for item in items
        if item.invoice_item.invoice_id == invoice.pk
    }
    balance = invoice_credit_balance(invoice, excluding=note.pk, items=list(credited.values()))
    returns = note.correction_concept not in REDUCTION_CONCEPTS
    void = note.correction_concept == Concept.VOID
    errors, used = _Errors(), {}
    for item in items:
        key = f"lines-{item.position}-"
        left = balance.line(item.invoice_item_id)
        quantity, amount = used.get(item.invoice_item_id, (0, ZERO))
        # A void's rest of a line with no unit left (cents left by rounding) returns no unit.
        rest = void and left is not None and left.quantity_left == 0
        quantity += item.quantity if returns and not rest else 0
        amount += compute_line(line_input(item)).total
        used[item.invoice_item_id] = (quantity, amount)
        if left is None or quantity > left.quantity_left:
            errors.add(key + "quantity", _line_taken(left.quantity_left if left else 0, "unidad(es)"))
        elif amount > left.amount_left:
            errors.add(key + ("quantity" if returns else "price"), _line_taken(left.amount_left, None))
    total = note_totals(items, invoice=invoice, concept=note.correction_concept).total
    if total > balance.balance:
        errors.add(
            ALL,
            f"Mientras tanto se acreditó otra parte de la factura: la nota suma {format_money(total)} y "
            f"quedan {format_money(max(balance.balance, ZERO))} por acreditar.",
        )
    errors.raise_if_any()


def _line_taken(left, unit: str | None) -> str:
    shown = f"{format_number(left, 0)} {unit}" if unit else format_money(left)
    return f"Mientras tanto se acreditó parte de esta línea: quedan {shown}."
