"""Staff forms for customers and products (model rules live in Model.clean and constraints)."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Layout, Row, Submit
from django import forms
from django.db import transaction
from django.urls import reverse, reverse_lazy

from catalog import selectors, services
from catalog.models import (
    Customer,
    IdentificationDocumentType,
    Municipality,
    Product,
    ProductWithholding,
)
from catalog.validators import split_identification, typed_dv_error
from catalog.widgets import MunicipalitySearchWidget, SearchChoiceField

RATE_LIMITS = {"min_value": Decimal("0.01"), "max_value": Decimal(100), "max_digits": 5, "decimal_places": 2}


class CommaDecimalField(forms.DecimalField):
    """Accepts "1500,50" as well as "1500.50" (one separator only: never guesses thousands)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str) and value.count(",") == 1 and "." not in value:
            value = value.replace(",", ".")
        return super().to_python(value)


class CustomerForm(forms.ModelForm):
    municipality = forms.ModelChoiceField(
        Municipality.objects.filter(is_active=True),
        required=False,
        label="Municipio",
        widget=MunicipalitySearchWidget,
        error_messages={"invalid_choice": "Elija un municipio de la lista."},
    )

    class Meta:
        model = Customer
        fields = [
            "identification_document",
            "identification",
            "dv",
            "legal_organization",
            "company",
            "names",
            "trade_name",
            "tribute",
            "municipality",
            "address",
            "email",
            "phone",
        ]
        widgets = {"dv": forms.NumberInput(attrs={"min": 0, "max": 9})}
        help_texts = {
            "identification": "NIT: 900123456 o 900.123.456-7 (se guarda sin puntos y se comprueba el DV).",
            "dv": "Opcional: si lo escribe debe coincidir con el calculado.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dv"].validators.append(_digit)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("identification_document", css_class="col-md-4"),
                Column("identification", css_class="col-md-4"),
                Column("dv", css_class="col-md-2"),
                Column(
                    HTML(_ACQUIRER_BUTTON.format(url=reverse("catalog:acquirer_lookup"))),
                    css_class="col-md-2 d-flex align-items-start pt-md-4",
                ),
            ),
            Div(css_id="acquirer-result", role="status", aria_live="polite"),
            Row(Column("legal_organization", css_class="col-md-4"), Column("tribute", css_class="col-md-4")),
            Row(Column("company"), Column("names")),
            "trade_name",
            Row(Column("municipality"), Column("address")),
            Row(Column(Field("email", type="email")), Column("phone")),
            Submit("save", "Guardar cliente"),
        )

    def clean(self):
        cleaned = super().clean()
        doc, number = cleaned.get("identification_document"), (cleaned.get("identification") or "").strip()
        if doc and number:
            number = self._split_nit(doc, number)
            others = Customer.objects.filter(identification_document=doc, identification=number)
            if others.exclude(pk=self.instance.pk).exists():
                self.add_error("identification", "Ya existe un cliente con este tipo y número de documento.")
        return cleaned

    def _split_nit(self, doc, number: str) -> str:
        """Store "900.123.456-7" as 900123456 with DV 7; a typed DV that is wrong is an error."""
        number, typed_dv = split_identification(doc.factus_id, number)
        self.cleaned_data["identification"] = number
        if typed_dv is None:
            return number
        problem = typed_dv_error(number, typed_dv)
        dv = self.cleaned_data.get("dv")
        if problem:
            self.add_error("identification", problem)
        elif dv is not None and dv != typed_dv:
            self.add_error(
                "dv", f"El DV escrito con el NIT es {typed_dv}: deje este campo vacío o escriba {typed_dv}."
            )
        else:
            self.cleaned_data["dv"] = typed_dv
        return number


def _digit(value):
    if value is not None and not 0 <= value <= 9:
        raise forms.ValidationError("El DV es un solo dígito (0 a 9).")


_ACQUIRER_BUTTON = (
    '<button type="button" class="btn btn-outline-primary w-100" hx-get="{url}" '
    'hx-include="[name=identification_document],[name=identification]" hx-target="#acquirer-result" '
    "data-acquirer-button>Buscar en la DIAN</button>"
)


class ProductForm(forms.ModelForm):
    price = CommaDecimalField(
        label="Precio (IVA incluido)", max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    tax_rate = CommaDecimalField(
        label="Tarifa de impuesto (%)",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
        initial=Decimal("19.00"),
    )
    # 1,093 units: a search picker (static/js/picker.js) instead of a <select> listing them all.
    unit = SearchChoiceField(
        selectors.active_units(),
        label="Unidad de medida",
        kind="unit",
        url=reverse_lazy("catalog:unit_search"),
        placeholder="Escriba para buscar: unidad, kilogramo…",
        error_messages={"invalid_choice": "Elija una unidad de medida activa de la lista."},
    )

    class Meta:
        model = Product
        fields = [
            "code_reference",
            "name",
            "price",
            "tax_rate",
            "is_excluded",
            "unit",
            "standard_code",
            "tribute",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"].error_messages["min_value"] = "El precio debe ser mayor que cero."
        self.fields["tribute"].queryset = self.fields["tribute"].queryset.filter(is_active=True)
        current = {w.code: w.rate for w in self.instance.withholdings.all()} if self.instance.pk else {}
        for code, label in ProductWithholding.Code.choices:
            self.fields[f"withholding_{code}"] = CommaDecimalField(
                label=f"Retención {label} (%)", required=False, initial=current.get(code), **RATE_LIMITS
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("code_reference", css_class="col-md-4"), Column("name", css_class="col-md-8")),
            Row(Column("price"), Column("tax_rate"), Column("is_excluded", css_class="pt-md-4")),
            Row(Column("unit"), Column("standard_code"), Column("tribute")),
            HTML('<h2 class="h6 mt-3">Autorretenciones por defecto (opcional)</h2>'),
            Row(*[Column(f"withholding_{code}") for code, _ in ProductWithholding.Code.choices]),
            "is_active",
            Submit("save", "Guardar producto"),
        )

    @transaction.atomic
    def save(self, commit=True):
        product = super().save(commit=True)
        codes = [code for code, _ in ProductWithholding.Code.choices]
        services.product_set_withholdings(
            product=product,
            withholdings={code: self.cleaned_data.get(f"withholding_{code}") for code in codes},
        )
        return product


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Buscar")


class AcquirerLookupForm(forms.Form):
    identification_document = forms.ModelChoiceField(
        IdentificationDocumentType.objects.all(),
        error_messages={
            "required": "Elija el tipo de documento.",
            "invalid_choice": "Elija un tipo de documento válido.",
        },
    )
    identification = forms.CharField(
        max_length=20, error_messages={"required": "Escriba el número de identificación."}
    )

    def clean(self):
        cleaned = super().clean()
        document, number = cleaned.get("identification_document"), cleaned.get("identification")
        if document and number:
            # The DIAN is asked for the bare number, as the customer will be stored.
            cleaned["identification"], _dv = split_identification(document.factus_id, number)
        return cleaned
