"""The invoice list's filter form: what the selector filters by, plus sorting and page size."""

from __future__ import annotations

from django import forms
from django.db.models.functions import Coalesce
from django.urls import reverse_lazy

from catalog.models import Customer
from catalog.widgets import SearchChoiceField
from invoicing.forms import BootstrapForm
from invoicing.models import Invoice

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
SELECTOR_KEYS = ("status", "date_from", "date_to", "customer", "number", "reference", "q")
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
            else (field.desc() if descending else field.asc())
            for field in SORTS[key.lstrip("-")]
        ]

    def per_page(self) -> int:
        return min(self._valid_data().get("page_size") or PAGE_SIZE, MAX_PAGE_SIZE)

    def has_filters(self) -> bool:
        return bool(self.filters())

    def sort_links(self, query) -> dict:
        """Per column: the URL that sorts by it (toggling direction) and its aria-sort value."""
        links = {}
        for key in SORTS:
            params = query.copy()
            for position in ("cursor", "page"):  # a new order starts at its first page
                params.pop(position, None)
            active = self.sort_key.lstrip("-") == key
            descending = self.sort_key.startswith("-")
            params["sort"] = key if active and descending else f"-{key}" if active else key
            links[key] = {
                "url": "?" + params.urlencode(),
                "aria": ("descending" if descending else "ascending") if active else None,
            }
        return links
