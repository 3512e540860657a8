"""The invoice list's filter form: what the selector filters by, plus sorting and page size."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models.functions import Coalesce
from django.urls import reverse_lazy

from catalog.models import Customer
from catalog.widgets import SearchChoiceField
from core.filters import SortedFilterSet
from invoicing.credit_note_selectors import credit_note_invoice_search, credit_note_search
from invoicing.forms import BootstrapForm
from invoicing.models import CreditNote, Invoice

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
SELECTOR_KEYS = ("status", "date_from", "date_to", "customer", "number", "reference", "q", "credit")
# The credit-note state filter: invoices with validated notes, or fully credited ("Anulada").
CREDIT_CHOICES = [("", "Todas"), ("with_notes", "Con notas crédito"), ("voided", "Anuladas")]
# Column key -> ORDER BY fields or expressions (ascending); "-key" sorts descending.
# "total" is the figure the list shows: Factus' total, else ours (estimated_total).
SORTS = {
    "date": ("created_at", "id"),
    "number": ("prefix", "number", "id"),
    "customer": ("customer__company", "customer__names", "id"),
    "total": (Coalesce("total", "estimated_total"), "id"),
    "status": ("status", "id"),
}
DEFAULT_SORT = "-date"


class InvoiceFilterForm(BootstrapForm):
    q = forms.CharField(
        label="Buscar",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Cliente, número…"}),
    )
    status = forms.ChoiceField(
        label="Estado", required=False, choices=[("", "Todos"), *Invoice.Status.choices]
    )
    date_from = forms.DateField(
        label="Desde",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Fecha no válida."},
    )
    date_to = forms.DateField(
        label="Hasta",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Fecha no válida."},
    )
    # A search picker, not a <select>: the page carries only the chosen customer, however many exist.
    customer = SearchChoiceField(
        Customer.objects.all(),
        label="Cliente",
        required=False,
        kind="customer",
        url=reverse_lazy("catalog:customer_search"),
        placeholder="Todos",
        error_messages={"invalid_choice": "Elija un cliente de la lista."},
    )
    credit = forms.ChoiceField(
        label="Notas crédito",
        required=False,
        choices=CREDIT_CHOICES,
        error_messages={"invalid_choice": "Elija una opción de la lista."},
    )
    number = forms.CharField(label="Número o prefijo", required=False, max_length=40)
    reference = forms.CharField(label="Referencia", required=False, max_length=64)
    sort = forms.ChoiceField(
        required=False, widget=forms.HiddenInput, choices=[(k, k) for key in SORTS for k in (key, f"-{key}")]
    )
    page_size = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "La fecha final es anterior a la inicial.")
        return data

    def _valid_data(self) -> dict:
        self.is_valid()
        return getattr(self, "cleaned_data", {})

    def filters(self) -> dict:
        """The selector's filters: only the fields that are valid and filled."""
        data = self._valid_data()
        return {key: data[key] for key in SELECTOR_KEYS if data.get(key) not in (None, "")}

    @property
    def sort_key(self) -> str:
        return self._valid_data().get("sort") or DEFAULT_SORT

    def ordering(self) -> list:
        key = self.sort_key
        descending = key.startswith("-")
        return [
            (f"-{field}" if descending else field)
            if isinstance(field, str)
            # NULLs where PostgreSQL puts them (core.keyset's pages), so the CSV agrees on SQLite too
            else (field.desc(nulls_first=True) if descending else field.asc(nulls_last=True))
            for field in SORTS[key.lstrip("-")]
        ]

    def per_page(self) -> int:
        return min(self._valid_data().get("page_size") or PAGE_SIZE, MAX_PAGE_SIZE)

    def has_filters(self) -> bool:
        return bool(self.filters())


# --- credit notes (django-filter) ------------------------------------------------------------------

# Column key (the ``orden`` parameter) -> the model field it sorts by.
CREDIT_NOTE_SORTS = {
    "fecha": "created_at",
    "numero": "number",
    "cliente": "invoice__customer__names",
    "total": "total",
    "estado": "status",
}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CreditNoteFilter(SortedFilterSet):
    """The credit-note list's filters; an invalid value is reported on its field and ignored."""

    default_sort = "-fecha"

    q = django_filters.CharFilter(
        label="Cliente o número",
        method="filter_text",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Cliente, número, referencia…"}),
    )
    status = django_filters.ChoiceFilter(
        label="Estado", choices=CreditNote.Status.choices, empty_label="Todos"
    )
    concept = django_filters.ChoiceFilter(
        label="Concepto",
        field_name="correction_concept",
        choices=CreditNote.Concept.choices,
        empty_label="Todos",
    )
    date_from = django_filters.DateFilter(
        label="Desde",
        field_name="created_at",
        lookup_expr="date__gte",
        widget=_date_input(),
        error_messages={"invalid": "Fecha no válida."},
    )
    date_to = django_filters.DateFilter(
        label="Hasta",
        field_name="created_at",
        lookup_expr="date__lte",
        widget=_date_input(),
        error_messages={"invalid": "Fecha no válida."},
    )
    invoice = django_filters.CharFilter(
        label="Factura (número o referencia)", method="filter_invoice", max_length=64
    )
    orden = django_filters.OrderingFilter(
        fields=[(field, key) for key, field in CREDIT_NOTE_SORTS.items()], widget=forms.HiddenInput
    )

    class Meta:
        model = CreditNote
        fields = ()
        form = BootstrapForm

    def filter_text(self, queryset, name, value):
        return credit_note_search(queryset, value)

    def filter_invoice(self, queryset, name, value):
        return credit_note_invoice_search(queryset, value)

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.form.add_error("date_to", "La fecha final es anterior a la inicial.")
        return super().filter_queryset(queryset)

    def has_filters(self) -> bool:
        return any(self.data.get(name) for name in self.filters if name != "orden")
