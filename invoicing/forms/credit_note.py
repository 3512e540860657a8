"""Credit-note forms: "Anular factura" (a confirmation) and the partial note (concept + one row per
invoice line). Forms parse and validate what the user typed and hand plain data to the services
(``invoicing.services.credit_notes``); what is left to credit is checked there, under a row lock
(``CreditLimitError``), and its messages are put back on the fields here (``apply_limit_errors``).
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from django import forms

from core import bounds
from core.forms import EsCoDecimalField, EsCoIntegerField, EsCoNumberInput
from core.numbers import format_money
from invoicing.models import CreditNote

from .base import NUMBER_CLASSES, TOTALS_ATTR, BootstrapForm
from .factus_errors import as_post_data

LINE_PREFIX = "lines"
# The concepts a partial note may carry: "2" (anulación) is the "Anular factura" page's.
PARTIAL_CONCEPTS = [(value, label) for value, label in CreditNote.Concept.choices if value != "2"]
RETURN_CONCEPT = CreditNote.Concept.PARTIAL_RETURN
VOID_CONCEPT = CreditNote.Concept.VOID
NO_LINE = "Escriba la cantidad de al menos una línea."
SHOWN_TOTAL = "shown_total"
PRICE_REQUIRED = "Escriba la rebaja por unidad (IVA incluido)."


def _observation_field() -> forms.CharField:
    return forms.CharField(
        label="Observación",
        required=False,
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 250}),
        error_messages={"max_length": "Use como máximo 250 caracteres (tiene %(show_value)d)."},
    )


def _form_token_field() -> forms.UUIDField:
    # One-time token of this form (a new UUID each time the empty form is shown): a second POST of it
    # lands on the note the first one created, and nothing is sent again.
    return forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)


def form_token_of(data) -> uuid.UUID | None:
    """The posted ``form_token`` (None when absent or not a UUID), read before anything else."""
    try:
        return uuid.UUID(str(data.get("form_token") or ""))
    except ValueError:
        return None


class ShownTotalMixin:
    """What you see is what is credited: the page sends back the total it showed (``shown_total``,
    a hidden input of the totals card); an issue whose total moved meanwhile (typed and pressed
    before the live totals answered, or another note credited part of the invoice) is refused with
    the new total, nothing saved or sent."""

    def check_shown_total(self, total) -> None:
        shown = self.data.get(SHOWN_TOTAL)
        if shown is not None and shown != str(total):
            self.add_error(
                None,
                f"El total cambió: esta nota crédito suma {format_money(total)}. "
                "Revíselo y pulse «Emitir nota crédito» de nuevo.",
            )


class CreditNoteVoidForm(ShownTotalMixin, BootstrapForm):
    """ "Anular factura": one confirmation; the service credits every line at what is left of it."""

    observation = _observation_field()
    form_token = _form_token_field()

    def __init__(self, *args, total=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.total = total

    def clean(self):
        data = super().clean()
        if self.total is not None:
            self.check_shown_total(self.total)
        return data


class CreditNoteForm(ShownTotalMixin, BootstrapForm):
    """The header of a partial note: its concept and observation."""

    concept = forms.ChoiceField(
        label="Concepto",
        choices=PARTIAL_CONCEPTS,
        initial=RETURN_CONCEPT,
        error_messages={"required": "Elija el concepto.", "invalid_choice": "Concepto no válido."},
        widget=forms.Select(attrs={TOTALS_ATTR: "1"}),
    )
    observation = _observation_field()
    form_token = _form_token_field()

    def __init__(self, *args, allow_void: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if allow_void:  # correcting a rejected "Anular factura" note keeps its concept
            self.fields["concept"].choices = CreditNote.Concept.choices

    @property
    def is_return(self) -> bool:
        """Quantities returned at the invoice's price (concepts 1 and 2), not a price reduction."""
        return str(self["concept"].value() or RETURN_CONCEPT) in (RETURN_CONCEPT, VOID_CONCEPT)


class CreditLineForm(BootstrapForm):
    """One invoice line: the units returned, or the units a price reduction applies to and the
    reduction per unit (tax included). A line left blank is not credited."""

    invoice_item = forms.IntegerField(widget=forms.HiddenInput)
    quantity = EsCoIntegerField(
        label="Cantidad",
        required=False,
        min_value=1,
        max_value=bounds.MAX_QUANTITY,
        error_messages={
            "invalid": "La cantidad debe ser un número entero.",
            "min_value": "La cantidad debe ser mayor que cero (o déjela vacía).",
            "max_value": bounds.QUANTITY_TOO_BIG,
        },
        widget=EsCoNumberInput(attrs={"class": NUMBER_CLASSES, TOTALS_ATTR: "1"}),
    )
    price = EsCoDecimalField(
        label="Rebaja por unidad (IVA incluido)",
        required=False,
        decimal_places=2,
        min_value=bounds.MIN_PRICE,
        max_value=bounds.MAX_PRICE,
        error_messages={
            "min_value": "La rebaja debe ser mayor que cero.",
            # A reduction of the line's price: the line's own limit (what is left) says the rest.
            "max_value": f"La rebaja máxima es {format_money(bounds.MAX_PRICE)} por unidad.",
        },
        widget=EsCoNumberInput(attrs={"class": NUMBER_CLASSES, TOTALS_ATTR: "1"}),
    )

    def __init__(self, *args, row=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.row = row  # the invoice line and what is left of it (CreditBalance.lines)


class BaseCreditLineFormSet(forms.BaseFormSet):
    """One form per invoice line, in the invoice's order; the rows come from the credit balance."""

    default_error_messages = {
        "missing_management_form": "Faltan datos del formulario de líneas; recargue la página.",
    }

    def __init__(self, *args, rows=(), return_only=True, **kwargs):
        kwargs.setdefault("prefix", LINE_PREFIX)
        self.rows = list(rows)
        self.return_only = return_only
        super().__init__(*args, **kwargs)

    def total_form_count(self):
        # The invoice has as many lines as it has: a posted TOTAL_FORMS cannot add or drop one.
        return len(self.rows)

    def get_form_kwargs(self, index):
        row = self.rows[index] if index is not None and index < len(self.rows) else None
        return {**super().get_form_kwargs(index), "row": row, "empty_permitted": False}

    def clean(self):
        if any(self.errors):
            return
        expected = [_item_id(row) for row in self.rows]
        if [form.cleaned_data.get("invoice_item") for form in self.forms] != expected:
            raise forms.ValidationError("Las líneas de la factura cambiaron; recargue la página.")
        chosen = [form for form in self.forms if form.cleaned_data.get("quantity")]
        if not chosen:
            raise forms.ValidationError(NO_LINE, code="no_line")
        if not self.return_only:
            for form in chosen:
                if form.cleaned_data.get("price") is None:
                    form.add_error("price", PRICE_REQUIRED)

    def credit_lines(self) -> list[dict]:
        """``CreditLine`` keyword arguments for every row, in order; a row left blank, or that cannot
        be read yet (live totals of a form not valid), has quantity 0: it is not credited."""
        lines = []
        for form, row in zip(self.forms, self.rows, strict=True):
            data = form.cleaned_data if form.is_valid() else {}
            quantity = data.get("quantity") or 0
            price = None if self.return_only or not quantity else data.get("price")
            lines.append({"invoice_item_id": _item_id(row), "quantity": quantity, "price": price})
        return lines


def _item_id(row) -> int:
    """A row is a ``LineBalance`` (``.item``: the invoice line and what is left of it) or, where only
    the lines' order matters (the live totals), the invoice line itself."""
    return getattr(row, "item", row).pk


CreditLineFormSet = forms.formset_factory(
    CreditLineForm,
    formset=BaseCreditLineFormSet,
    extra=0,
    max_num=bounds.MAX_ITEMS,
    absolute_max=bounds.MAX_ITEMS,
)


def credit_note_forms(*, rows, data=None, note=None):
    """The header form and the line formset for an invoice's credit balance rows.

    ``data``: the POST; ``note``: the draft being edited (its lines prefill the rows when not posted).
    """
    allow_void = note is not None and note.is_void
    if data is not None:
        header = CreditNoteForm(data, allow_void=allow_void)
        return header, CreditLineFormSet(data, rows=rows, return_only=header.is_return)
    header_initial, by_item = {}, {}
    if note is not None:
        header_initial = {"concept": note.correction_concept, "observation": note.observation}
        by_item = {item.invoice_item_id: item for item in note.items.all()}
    initial = []
    for row in rows:
        line = by_item.get(_item_id(row))
        entry = {"invoice_item": _item_id(row)}
        if line is not None:
            entry["quantity"] = line.quantity
            if note.correction_concept not in (RETURN_CONCEPT, VOID_CONCEPT):
                entry["price"] = Decimal(line.price)
        initial.append(entry)
    header = CreditNoteForm(initial=header_initial, allow_void=allow_void)
    return header, CreditLineFormSet(initial=initial, rows=rows, return_only=header.is_return)


def credit_note_edit_forms(note, *, rows):
    """The forms of a draft's edit page, bound to what the note holds (so the page shows its totals,
    and the total it sends back, from the first paint); after a refusal (Factus' 422, or the limits
    checked again when it was sent) they carry its messages next to their fields.

    The core stores them as ``lines-<i>-<field>`` (``i``: the form row that posted the line, Factus'
    ``items.N`` mapped back) and header paths as Factus names them. Returns (form, formset, messages
    no field matched, for a banner).
    """
    header, formset = credit_note_forms(rows=rows, note=note)
    data = {**as_post_data(header), f"{LINE_PREFIX}-TOTAL_FORMS": str(len(formset.forms))}
    data[f"{LINE_PREFIX}-INITIAL_FORMS"] = "0"
    for form in formset.forms:
        data.update(as_post_data(form, form.prefix))
    header, formset = credit_note_forms(rows=rows, data=data, note=note)
    header.is_valid()
    formset.is_valid()
    if note.status != note.Status.INVALID or not note.field_errors:
        return header, formset, []
    rows_errors, leftovers = {}, []
    for key, texts in note.field_errors.items():
        texts = [texts] if isinstance(texts, str) else [str(t) for t in texts]
        if str(key).startswith(f"{LINE_PREFIX}-") or key in ("__all__", "observation"):
            rows_errors[key] = [FACTUS_ITEM_PATH.sub(_label_of, text) for text in texts]
        else:
            leftovers.extend(f"{key}: {text}" for text in texts)
    apply_limit_errors(header, formset, rows_errors)
    return header, formset, leftovers


# "El campo items.0.quantity es obligatorio." -> "El campo cantidad es obligatorio."
FACTUS_ITEM_PATH = re.compile(r"items\.\d+\.(quantity|price)")


def _label_of(match: re.Match) -> str:
    return CreditLineForm.base_fields[match[1]].label.lower()


def apply_limit_errors(header, formset, field_errors: dict) -> None:
    """Put the core's messages next to their fields: ``lines-<i>-<field>`` on row ``i`` (every row is
    sent, so ``i`` is the form's row; a field the row does not show goes under the row), anything
    else above the form."""
    forms_by_prefix = {form.prefix: form for form in formset.forms}
    for key, messages in (field_errors or {}).items():
        messages = [messages] if isinstance(messages, str) else [str(m) for m in messages]
        prefix, _, field = str(key).rpartition("-")
        form = forms_by_prefix.get(prefix)
        if form is None:
            target, field = header, (key if key in header.fields else None)
        else:
            target, field = form, (field if field in ("quantity", "price") else None)
        for message in messages:
            target.add_error(field, message)
