"""A municipality picker that searches on the server instead of listing 1,122 options."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from catalog.models import Municipality


class MunicipalitySearchWidget(forms.Widget):
    """Hidden id + a search box; htmx fills a result list, static/js/catalog.js picks a row."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        field_id = attrs.get("id", f"id_{name}")
        label = ""
        if value not in (None, "") and str(value).isdigit():
            label = str(Municipality.objects.filter(pk=int(value)).first() or "")
        else:
            value = ""
        return format_html(
            '<div class="municipality-picker position-relative" data-municipality-picker>'
            '<input type="hidden" name="{name}" value="{value}" data-picker-value>'
            '<input type="search" id="{id}" class="form-control{invalid}" value="{label}" '
            'name="municipality_q" autocomplete="off" placeholder="Escriba al menos 2 letras…" '
            'role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="{id}_results" '
            'hx-get="{url}" hx-trigger="input changed delay:250ms, search" hx-target="#{id}_results" '
            'hx-sync="this:replace" data-picker-input>'
            '<div id="{id}_results" class="list-group position-absolute w-100 shadow-sm z-3" '
            'role="listbox" data-picker-results></div></div>',
            name=name, value=value, id=field_id, label=label,
            invalid=" is-invalid" if "is-invalid" in attrs.get("class", "") else "",
            url=reverse("catalog:municipality_search"),
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name) or None
