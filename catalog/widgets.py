"""Search pickers that query the server instead of listing every row (municipalities: 1,122;
units: 1,093; customers: unbounded)."""

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
        if value not in (None, "") and str(value).isascii() and str(value).isdigit():
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
            name=name,
            value=value,
            id=field_id,
            label=label,
            invalid=" is-invalid" if "is-invalid" in attrs.get("class", "") else "",
            url=reverse("catalog:municipality_search"),
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name) or None


class SearchPickerWidget(forms.Widget):
    """Hidden id + a combobox that searches ``url`` (static/js/picker.js): the page carries only the
    chosen row's label, whatever the size of the table. Used through :class:`SearchChoiceField`."""

    chosen = None  # the object the field cleaned, so rendering does not query it again
    queryset = None  # set by SearchChoiceField

    def __init__(self, *, kind: str, url, describe=str, placeholder: str = "", attrs=None):
        super().__init__(attrs)
        self.kind, self.url, self.describe, self.placeholder = kind, url, describe, placeholder

    def selected(self, value):
        if value in (None, "") or not (str(value).isascii() and str(value).isdigit()):
            return None
        if self.chosen is not None and str(self.chosen.pk) == str(value):
            return self.chosen
        return self.queryset.filter(pk=int(value)).first() if self.queryset is not None else None

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        field_id = attrs.get("id", f"id_{name}")
        obj = self.selected(value)
        css = attrs.get("class", "form-control")
        if "form-control" not in css:
            css = f"form-control {css}"
        described = attrs.get("aria-describedby")
        return format_html(
            '<div class="picker-cell" data-picker-field>'
            '<input type="hidden" name="{name}" value="{value}" data-picker-value>'
            '<input type="search" id="{id}" class="{css}" value="{label}" data-picker="{kind}" '
            'data-url="{url}" role="combobox" aria-autocomplete="list" aria-expanded="false" '
            'aria-controls="{id}_results" autocomplete="off" placeholder="{placeholder}"{extra}>'
            '<ul id="{id}_results" role="listbox" class="list-group picker-results shadow" hidden></ul>'
            "</div>",
            name=name,
            value=obj.pk if obj else "",
            id=field_id,
            css=css,
            label=self.describe(obj) if obj else "",
            kind=self.kind,
            url=str(self.url),
            placeholder=self.placeholder,
            extra=format_html(' aria-describedby="{}"', described) if described else "",
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name) or None


class SearchChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField (validation accepts any row of ``queryset``) shown as a search picker."""

    def __init__(self, queryset, *, kind: str, url, describe=str, placeholder: str = "", **kwargs):
        kwargs.setdefault(
            "widget", SearchPickerWidget(kind=kind, url=url, describe=describe, placeholder=placeholder)
        )
        super().__init__(queryset, **kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def to_python(self, value):
        obj = super().to_python(value)
        self.widget.chosen = obj
        return obj
