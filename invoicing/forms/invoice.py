"""The invoice form: header and item formset. Forms parse and validate what the user typed and
hand plain data to the services (``service_data``); they never save anything themselves."""

from __future__ import annotations

import copy
import re
import uuid
from decimal import Decimal

from django import forms
from django.conf import settings

from catalog import selectors as catalog_selectors
from catalog.models import Customer, MeasurementUnit, PaymentMethod, Product, StandardCode, Tribute
from core import bounds
from core.forms import EsCoDecimalField, EsCoIntegerField, EsCoNumberInput
from core.numbers import format_money
from factus.codes import PAYMENT_FORM_CREDIT, WITHHOLDING_NAMES
from invoicing.totals import LineInput, compute_invoice, figures_key

from .base import (
    DEFAULT_UNIT_FACTUS_ID,
    ITEM_PREFIX,
    NUMBER_CLASSES,
    PAYMENT_FORMS,
    TOTALS_ATTR,
    BootstrapForm,
    RangeChoiceField,
    rate_field,
)

# The hidden input of the totals card: the figures the page showed, sent back with "Emitir".
SHOWN_FIGURES = "shown_figures"


class InvoiceForm(BootstrapForm):
    customer = forms.ModelChoiceField(
        label="Cliente",
        queryset=Customer.objects.all(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Elija un cliente.",
            "invalid_choice": "El cliente elegido ya no existe; búsquelo de nuevo.",
        },
    )
    numbering_range = RangeChoiceField(
        label="Rango de numeración",
        queryset=catalog_selectors.bill_numbering_ranges(),
        empty_label="Elija un rango…",
        error_messages={
            "required": "Elija un rango de numeración.",
            "invalid_choice": "Ese rango ya no está activo; elija otro.",
        },
    )
    payment_form = forms.ChoiceField(
        label="Forma de pago",
        choices=PAYMENT_FORMS,
        initial="1",
        error_messages={"required": "Elija la forma de pago.", "invalid_choice": "Forma de pago no válida."},
    )
    payment_method = forms.ModelChoiceField(
        label="Medio de pago",
        queryset=PaymentMethod.objects.all(),
        to_field_name="code",
        empty_label=None,
        error_messages={"required": "Elija el medio de pago.", "invalid_choice": "Medio de pago no válido."},
    )
    payment_due_date = forms.DateField(
        label="Fecha de vencimiento",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Escriba una fecha válida (AAAA-MM-DD)."},
        help_text="Obligatoria para pagos a crédito.",
    )
    observation = forms.CharField(
        label="Observación",
        required=False,
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 250}),
        error_messages={"max_length": "Use como máximo 250 caracteres (tiene %(show_value)d)."},
    )
    send_email = forms.BooleanField(
        label="Factus envía la factura al correo del cliente", required=False, initial=True
    )
    # One-time token of this form (a new UUID each time the empty form is shown): a second POST of
    # it returns the invoice the first one created (invoicing.services.intake).
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ranges = list(self.fields["numbering_range"].queryset)
        default_id = getattr(settings, "FACTUS_NUMBERING_RANGE_ID", None)
        if "numbering_range" not in self.initial:
            preferred = [r for r in ranges if default_id and r.factus_id == default_id]
            if preferred or len(ranges) == 1:
                self.initial["numbering_range"] = (preferred or ranges)[0].pk
        if "payment_method" not in self.initial:
            self.initial["payment_method"] = "10"

    def clean(self):
        data = super().clean()
        if data.get("payment_form") == PAYMENT_FORM_CREDIT and not data.get("payment_due_date"):
            self.add_error("payment_due_date", "La fecha de vencimiento es obligatoria para pagos a crédito.")
        return data

    @staticmethod
    def form_token_of(data) -> uuid.UUID | None:
        """The posted ``form_token`` (None when absent or not a UUID), read before anything else."""
        try:
            return uuid.UUID(str(data.get("form_token") or ""))
        except ValueError:
            return None

    def selected_customer(self):
        """The customer to show in the search box (bound value first, then the initial)."""
        value = self["customer"].value()
        if isinstance(value, Customer):
            return value
        if value in (None, ""):
            return None
        try:
            return Customer.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None

    def service_data(self) -> dict:
        data = self.cleaned_data
        credit = data["payment_form"] == PAYMENT_FORM_CREDIT
        return {
            "customer_id": data["customer"].pk,
            "numbering_range_id": data["numbering_range"].pk,
            "payment_form": data["payment_form"],
            "payment_method_code": data["payment_method"].code,
            "payment_due_date": data["payment_due_date"] if credit else None,
            "observation": data["observation"],
            "send_email": data["send_email"],
        }


class CachedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that reads its choice from ``cache`` ({str(pk): obj}) when the formset
    filled one, so N lines cost one query per model instead of one per line."""

    cache: dict | None = None

    def __deepcopy__(self, memo):
        # Every form of a formset deep-copies its fields; ModelChoiceField would chain a new
        # queryset each time (a third of a 200-line totals request). The unevaluated queryset is
        # shared instead, and the widget gets choices bound to this copy.
        result = forms.Field.__deepcopy__(self, memo)
        result._queryset = self._queryset
        result.widget.choices = result.choices
        return result

    def to_python(self, value):
        if self.cache is None or value in self.empty_values or isinstance(value, self.queryset.model):
            return super().to_python(value)
        try:
            return self.cache[str(value)]
        except KeyError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            ) from None


class LineFiguresForm(BootstrapForm):
    """The fields of an item line that move the totals, and the checks they need.

    The live-totals request validates only these (``TotalsFormSet``): the description, unit or code
    of a line do not change a figure. ``ItemForm`` adds them, so a full line keeps the same checks
    and the same figures (the "Emitir" check of ``BaseItemFormSet.clean`` relies on it).
    """

    quantity = EsCoIntegerField(
        label="Cantidad",
        min_value=1,
        max_value=bounds.MAX_QUANTITY,
        initial=1,
        error_messages={
            "required": "Escriba la cantidad.",
            "invalid": "La cantidad debe ser un número entero.",
            "min_value": "La cantidad debe ser mayor que cero.",
            "max_value": bounds.QUANTITY_TOO_BIG,
        },
        widget=EsCoNumberInput(attrs={"class": NUMBER_CLASSES, TOTALS_ATTR: "1"}),
    )
    price = EsCoDecimalField(
        label="Precio unitario (IVA incluido)",
        decimal_places=2,
        min_value=bounds.MIN_PRICE,
        max_value=bounds.MAX_PRICE,
        error_messages={
            "required": "Escriba el precio.",
            "min_value": "El precio debe ser mayor que cero.",
            "max_value": bounds.PRICE_TOO_BIG,
        },
        widget=EsCoNumberInput(attrs={"class": NUMBER_CLASSES, TOTALS_ATTR: "1"}),
    )
    discount_rate = rate_field("Descuento (%)", initial=Decimal("0"))
    tax_rate = rate_field("IVA (%)", initial=Decimal("19"))
    is_excluded = forms.BooleanField(
        label="Excluido de IVA", required=False, widget=forms.CheckboxInput(attrs={TOTALS_ATTR: "1"})
    )
    withholding_05 = rate_field("ReteIVA (%)", required=False)
    withholding_06 = rate_field("ReteRenta (%)", required=False)
    withholding_07 = rate_field("ReteICA (%)", required=False)

    def __init__(self, *args, fields=None, **kwargs):
        if fields is not None:
            # Fields prepared once by the formset and shared by its forms: no deep copy per line.
            self.base_fields = _SharedFields(fields)
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("is_excluded") and data.get("tax_rate"):
            self.add_error("tax_rate", "Un ítem excluido de IVA debe tener IVA 0 %.")
        if not self.errors:
            for name, message in bounds.line_errors(quantity=data["quantity"], price=data["price"]).items():
                self.add_error(name, message)
        return data

    def withholdings(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"code": code, "rate": f"{data[f'withholding_{code}']:.2f}"}
            for code in WITHHOLDING_NAMES
            if data.get(f"withholding_{code}")
        ]

    def line_input(self) -> LineInput | None:
        """The line for the live totals, or None while the row is incomplete or invalid."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return LineInput(
            quantity=data["quantity"],
            price=data["price"],
            discount_rate=data["discount_rate"],
            tax_rate=data["tax_rate"],
            is_excluded=data["is_excluded"],
            withholdings=tuple((w["code"], Decimal(w["rate"])) for w in self.withholdings()),
        )


class ItemForm(LineFiguresForm):
    product = CachedModelChoiceField(
        queryset=Product.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "El producto ya no existe."},
    )
    code_reference = forms.CharField(
        label="Código",
        max_length=50,
        error_messages={"required": "Escriba el código."},
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    name = forms.CharField(
        label="Descripción",
        max_length=200,
        error_messages={"required": "Escriba la descripción."},
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    unit = CachedModelChoiceField(
        label="Unidad",
        queryset=MeasurementUnit.objects.all(),
        empty_label=None,
        error_messages={"required": "Elija la unidad.", "invalid_choice": "Unidad no válida."},
    )
    standard_code = CachedModelChoiceField(
        label="Estándar del código",
        queryset=StandardCode.objects.all(),
        empty_label=None,
        error_messages={"required": "Elija el estándar.", "invalid_choice": "Estándar no válido."},
    )
    tribute = CachedModelChoiceField(
        label="Tributo",
        queryset=catalog_selectors.active_tributes(),
        empty_label=None,
        error_messages={"required": "Elija el tributo.", "invalid_choice": "Tributo no válido."},
    )

    field_order = [
        "product",
        "code_reference",
        "name",
        "quantity",
        "price",
        "discount_rate",
        "tax_rate",
        "is_excluded",
        "unit",
        "standard_code",
        "tribute",
        "withholding_05",
        "withholding_06",
        "withholding_07",
    ]

    def __init__(self, *args, unit_choices=None, lookups=None, choices=None, fields=None, **kwargs):
        super().__init__(*args, fields=fields, **kwargs)
        if fields is None:
            prepare_item_fields(self.fields, lookups=lookups, choices=choices, unit_choices=unit_choices)
        if unit_choices is not None:
            # Validation accepts every unit; the select lists the usual ones plus the current one.
            listed = _with_current(unit_choices, self["unit"].value())
            if listed is not unit_choices:
                self.fields["unit"] = copy.deepcopy(self.fields["unit"])
                self.fields["unit"].widget.choices = listed

    def service_item(self, position: int) -> dict:
        data = self.cleaned_data
        return {
            "position": position,
            "product_id": data["product"].pk if data.get("product") else None,
            "code_reference": data["code_reference"],
            "name": data["name"],
            "quantity": data["quantity"],
            "price": data["price"],
            "discount_rate": data["discount_rate"],
            "tax_rate": data["tax_rate"],
            "is_excluded": data["is_excluded"],
            "unit_id": data["unit"].pk,
            "standard_code_id": data["standard_code"].pk,
            "tribute_id": data["tribute"].pk,
            "withholdings": self.withholdings(),
        }


class _SharedFields(dict):
    """Form fields that forms share: BaseForm's ``deepcopy(base_fields)`` makes a new dict only."""

    def __deepcopy__(self, memo):
        return dict(self)


def prepare_item_fields(fields: dict, *, lookups=None, choices=None, unit_choices=None) -> dict:
    """Item fields with the formset's lookups (one query per model) and select choices set."""
    for name in ("unit", "standard_code", "tribute"):
        fields[name].widget.attrs["class"] = "form-select form-select-sm"
    for name, cache in (lookups or {}).items():
        fields[name].cache = cache
    for name, listed in (choices or {}).items():
        fields[name].widget.choices = listed
    if unit_choices is not None:
        fields["unit"].widget.choices = unit_choices
    return fields


def _with_current(choices: list[tuple], current) -> list[tuple]:
    ids = {str(pk) for pk, _ in choices}
    if current not in (None, "") and str(current) not in ids:
        unit = MeasurementUnit.objects.filter(pk=current).first() if str(current).isdigit() else None
        if unit:
            return [*choices, (unit.pk, str(unit))]
    return choices


def usual_unit_choices() -> list[tuple]:
    """Units used by active products plus "unidad": the short list each line offers."""
    used = Product.objects.filter(is_active=True).values("unit")
    units = catalog_selectors.active_units().filter(pk__in=used) | MeasurementUnit.objects.filter(
        factus_id=DEFAULT_UNIT_FACTUS_ID
    )
    return [(u.pk, str(u)) for u in units.distinct().order_by("name")]


class LineInputsMixin:
    def line_inputs(self) -> list[LineInput | None]:
        """One entry per row, None for rows that cannot be totalled yet (no errors raised)."""
        try:
            forms_ = self.forms
        except forms.ValidationError:
            return []
        return [form.line_input() for form in forms_]


class BaseItemFormSet(LineInputsMixin, forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": "Agregue al menos un ítem.",
        "too_many_forms": bounds.TOO_MANY_ITEMS,
        "missing_management_form": "Faltan datos del formulario de ítems; recargue la página.",
    }
    # Item fields that name a catalogue row, and where to look them up (once per formset).
    LOOKUPS = {
        "product": lambda: Product.objects.all(),
        "unit": lambda: MeasurementUnit.objects.all(),
        "standard_code": lambda: StandardCode.objects.all(),
        "tribute": catalog_selectors.active_tributes,
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", ITEM_PREFIX)
        self.unit_choices = usual_unit_choices()
        super().__init__(*args, **kwargs)
        self.lookups = self._lookups() if self.is_bound else {}
        self.choices = {
            "standard_code": [(s.pk, str(s)) for s in StandardCode.objects.all()],
            "tribute": [(t.pk, str(t)) for t in catalog_selectors.active_tributes()],
        }
        self.item_fields = prepare_item_fields(
            copy.deepcopy(ItemForm.base_fields),
            lookups=self.lookups,
            choices=self.choices,
            unit_choices=self.unit_choices,
        )

    def _lookups(self) -> dict[str, dict[str, object]]:
        """{field: {str(pk): row}} for every catalogue id the posted lines name: one query per model."""
        pattern = re.compile(rf"{re.escape(self.prefix)}-\d+-({'|'.join(self.LOOKUPS)})")
        wanted: dict[str, set[int]] = {name: set() for name in self.LOOKUPS}
        for key in self.data:
            match = pattern.fullmatch(key)
            value = str(self.data.get(key))
            if match and value.isascii() and value.isdigit():
                wanted[match[1]].add(int(value))
        return {
            name: {str(row.pk): row for row in queryset().filter(pk__in=wanted[name])} if wanted[name] else {}
            for name, queryset in self.LOOKUPS.items()
        }

    def get_form_kwargs(self, index):
        # Every posted line is a line of the invoice: none may be skipped as "empty and unchanged"
        # (that left a valid form with no data; and has_changed() per line is costly).
        required = {"empty_permitted": False} if index is not None else {}
        return {
            **super().get_form_kwargs(index),
            **required,
            "unit_choices": self.unit_choices,
            "fields": self.item_fields,
        }

    @property
    def empty_form(self):
        form = super().empty_form
        form.initial = default_item_initial()
        return form

    def clean(self):
        if any(self.errors):
            return
        lines = [form.cleaned_data for form in self.forms]
        problems = bounds.invoice_errors(lines)
        if problems:
            raise forms.ValidationError(problems)
        if self.data.get("action") == "issue" and SHOWN_FIGURES in self.data:
            # What you see is what is billed: the totals card sends back the figures it showed.
            computed = compute_invoice([form.line_input() for form in self.forms])
            if self.data[SHOWN_FIGURES] != figures_key(computed, computed.lines):
                raise forms.ValidationError(
                    f"Los totales cambiaron: esta factura suma {format_money(computed.total)}. "
                    "Revíselos y pulse «Emitir» de nuevo.",
                    code="figures_changed",
                )

    def service_items(self) -> list[dict]:
        return [form.service_item(position) for position, form in enumerate(self.forms, start=1)]


ItemFormSet = forms.formset_factory(
    ItemForm,
    formset=BaseItemFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=bounds.MAX_ITEMS,
    validate_max=True,
    absolute_max=bounds.MAX_ITEMS,
)


class BaseTotalsFormSet(LineInputsMixin, forms.BaseFormSet):
    """The item lines as the live-totals request reads them: only the fields that move the totals.

    Same prefix, bounds and figures as ``ItemFormSet``; no catalogue lookups (a line's product, unit
    or tribute does not change a figure), so the request costs no query per model and no validation
    of the fields it does not show.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", ITEM_PREFIX)
        super().__init__(*args, **kwargs)
        self.figure_fields = copy.deepcopy(LineFiguresForm.base_fields)

    def get_form_kwargs(self, index):
        required = {"empty_permitted": False} if index is not None else {}
        return {**super().get_form_kwargs(index), **required, "fields": self.figure_fields}


TotalsFormSet = forms.formset_factory(
    LineFiguresForm,
    formset=BaseTotalsFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=bounds.MAX_ITEMS,
    validate_max=True,
    absolute_max=bounds.MAX_ITEMS,
)


def default_item_initial() -> dict:
    unit = MeasurementUnit.objects.filter(factus_id=DEFAULT_UNIT_FACTUS_ID).first()
    standard = StandardCode.objects.order_by("factus_id").first()
    tribute = Tribute.objects.filter(code="01").order_by("factus_id").first()
    return {
        "quantity": 1,
        "discount_rate": Decimal("0"),
        "tax_rate": Decimal("19"),
        "unit": unit.pk if unit else None,
        "standard_code": standard.pk if standard else None,
        "tribute": tribute.pk if tribute else None,
    }


def invoice_initial(invoice) -> dict:
    return {
        "customer": invoice.customer_id,
        "numbering_range": invoice.numbering_range_id,
        "payment_form": invoice.payment_form,
        "payment_method": invoice.payment_method_code,
        "payment_due_date": invoice.payment_due_date,
        "observation": invoice.observation,
        "send_email": invoice.send_email,
    }


def item_initial(item) -> dict:
    rates = {w.get("code"): _decimal_or_none(w.get("rate")) for w in (item.withholdings or [])}
    return {
        "product": item.product_id,
        "code_reference": item.code_reference,
        "name": item.name,
        "quantity": item.quantity,
        "price": item.price,
        "discount_rate": item.discount_rate,
        "tax_rate": item.tax_rate,
        "is_excluded": item.is_excluded,
        "unit": item.unit_id,
        "standard_code": item.standard_code_id,
        "tribute": item.tribute_id,
        **{f"withholding_{code}": rates.get(code) for code in WITHHOLDING_NAMES},
    }


def _decimal_or_none(value) -> Decimal | None:
    # Stored rates are machine text ("7.00"): a Decimal, so the field shows it the es-CO way.
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


def invoice_forms(data=None, invoice=None):
    """The header form and the item formset, bound to POST data or filled from an invoice."""
    if data is not None:
        return InvoiceForm(data), ItemFormSet(data)
    if invoice is None:
        return InvoiceForm(), ItemFormSet(initial=[default_item_initial()])
    items = [item_initial(item) for item in invoice.items.all()] or [default_item_initial()]
    return InvoiceForm(initial=invoice_initial(invoice)), ItemFormSet(initial=items)
