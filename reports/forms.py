"""The Informes filter form: date range (this month by default), customer, product."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone

from catalog.models import Customer, Product
from catalog.widgets import SearchChoiceField
from invoicing.forms import BootstrapForm
from reports.tables import ReportFilters

# A longer range is refused: one report over ten years of data is not what the page is for.
MAX_DAYS = 366 * 3
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Fecha no válida (use AAAA-MM-DD)."},
    )


class ReportFilterForm(BootstrapForm):
    date_from = _date_field("Desde")
    date_to = _date_field("Hasta")
    customer = SearchChoiceField(
        Customer.objects.all(),
        label="Cliente",
        required=False,
        kind="customer",
        url=reverse_lazy("catalog:customer_search"),
        placeholder="Todos",
        error_messages={"invalid_choice": "Elija un cliente de la lista."},
    )
    product = SearchChoiceField(
        Product.objects.all(),
        label="Producto",
        required=False,
        kind="product",
        url=reverse_lazy("catalog:product_search"),
        placeholder="Todos",
        error_messages={"invalid_choice": "Elija un producto de la lista."},
    )

    def clean(self):
        data = super().clean()
        for name in ("date_from", "date_to"):
            if data.get(name) and not (EARLIEST <= data[name] <= LATEST):
                self.add_error(name, "Use una fecha entre 2000 y 2100.")
        start, end = data.get("date_from"), data.get("date_to")
        if self.errors:
            return data
        if start and end and start > end:
            self.add_error("date_to", "La fecha final es anterior a la inicial.")
        elif start and end and (end - start).days > MAX_DAYS:
            self.add_error("date_to", "El periodo no puede pasar de tres años.")
        return data

    def report_filters(self, *, today: date | None = None) -> ReportFilters | None:
        """The selector's filters (this month when no date is given), or None when the form is invalid."""
        if not self.is_valid():
            return None
        today = today or timezone.localdate()
        data = self.cleaned_data
        start = data.get("date_from") or (data.get("date_to") or today).replace(day=1)
        end = data.get("date_to") or max(start, today)
        if (end - start).days > MAX_DAYS:
            end = start + timedelta(days=MAX_DAYS)
        customer, product = data.get("customer"), data.get("product")
        return ReportFilters(
            date_from=start,
            date_to=end,
            customer_id=customer.pk if customer else None,
            product_id=product.pk if product else None,
        )
