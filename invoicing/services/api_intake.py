"""Drafts from the API's two bodies: ours (customer and products by our ids) and Factus v1's
``bills/validate`` body as it is. Both end in ``invoice_create_draft``, like the form.

Every id is checked before anything is saved, so a wrong id is a ValidationError keyed by the
field's path in the body (``items[1].unit_id``), never a database error.

INFERRED (Factus bodies; docs/api.md):
* ``customer``: found by identification type and number among our customers, else created
  (validated like the customer form). An existing customer is used as stored: its record is ours
  and changes through ``PATCH /customers/{id}``.
* ``numbering_range_id`` is a Factus id: used when it is one of our usable bill ranges; otherwise the
  default range is chosen and a warning says so (the documented examples name the docs' own ranges).
* What our invoice has no column for (``document`` "03", ``establishment``, ``related_documents``,
  ``allowance_charges``, ``billing_period``, ``order_reference``, ``operation_type``) is kept in
  ``Invoice.factus_extra`` and sent to Factus as it came.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog import selectors as catalog_selectors
from catalog.forms import CustomerForm
from catalog.models import (
    Customer,
    CustomerTribute,
    IdentificationDocumentType,
    LegalOrganization,
    MeasurementUnit,
    Municipality,
    PaymentMethod,
    Product,
    StandardCode,
    Tribute,
)
from catalog.selectors import Lookup
from invoicing.models import Invoice

from .drafts import invoice_create_draft
from .intake import created_with, draft_or_winner, made_before

EXTRA_KEYS = (
    "establishment",
    "related_documents",
    "allowance_charges",
    "billing_period",
    "order_reference",
    "operation_type",
)
PRODUCT_DEFAULTS = (
    "code_reference",
    "name",
    "price",
    "tax_rate",
    "is_excluded",
    "unit_id",
    "standard_code_id",
    "tribute_id",
)


def _existing(
    known: dict[str, dict], *, form_token: uuid.UUID | None, reference_code: str | None
) -> tuple[Invoice | None, int | None]:
    """(the invoice ``form_token`` already made, the id of another invoice with ``reference_code``),
    from what ``ids_by_value`` found for the keys "form_token" and "reference_code"."""
    made = known["form_token"].get(form_token)
    taken = known["reference_code"].get(reference_code)
    # The whole invoice only for a retry (the usual request finds neither).
    return (Invoice.objects.get(pk=made) if made is not None else None), taken


def _header(data: dict, errors: dict, *, range_id: int | None, payment_method_known: bool) -> dict:
    if not payment_method_known:
        errors["payment_method_code"] = ["Medio de pago no válido (vea /lookups/payment-methods)."]
    if data["payment_form"] == Invoice.PaymentForm.CREDIT and not data.get("payment_due_date"):
        errors["payment_due_date"] = ["La fecha de vencimiento es obligatoria para pagos a crédito."]
    return {
        "numbering_range_id": range_id,
        "payment_form": data["payment_form"],
        "payment_method_code": data["payment_method_code"],
        "payment_due_date": data.get("payment_due_date"),
        "observation": data.get("observation") or "",
        "send_email": data.get("send_email", True),
    }


def _line_catalogues(items: list[dict], names: dict[str, str], field: str) -> dict[str, Lookup]:
    """What ``catalog_selectors.ids_by_value`` checks for the items: ``names`` maps each item key
    to its catalogue (unit, standard_code, tribute), looked up by ``field`` ("pk" or "factus_id")."""
    catalogues = {
        "unit": (MeasurementUnit, False),
        "standard_code": (StandardCode, False),
        "tribute": (Tribute, True),  # catalog_selectors.active_tributes()
    }
    return {
        key: Lookup(catalogues[name][0], field, [item.get(key) for item in items], catalogues[name][1])
        for key, name in names.items()
    }


def _check_line_refs(items: list[dict], errors: dict, known: dict[str, dict]) -> None:
    for index, item in enumerate(items):
        for name in ("unit_id", "standard_code_id", "tribute_id"):
            if item.get(name) is None:
                errors[f"items[{index}].{name}"] = ["Este campo es obligatorio."]
            elif item[name] not in known[name]:
                errors[f"items[{index}].{name}"] = ["No existe (vea /api/v1/lookups)."]
        for name in ("code_reference", "name", "price"):
            if item.get(name) in (None, ""):
                errors.setdefault(f"items[{index}].{name}", ["Este campo es obligatorio (o dé product_id)."])


def invoice_create_from_ids(*, user, data: dict, form_token: uuid.UUID | None = None) -> Invoice:
    """A draft from our body: ``customer_id``, items by ``product_id`` (its fields are the defaults).

    ``form_token`` (from the request's Idempotency-Key): the invoice it already made, if any, is
    returned and nothing is created (a retry after a request died half-way never bills twice).

    Raises: ValidationError keyed by body path.
    """
    if form_token is not None and (existing := created_with(form_token)) is not None:
        return existing
    errors: dict = {}
    product_errors: dict = {}  # reported after the header's, as they always were
    items = _items_from_products(data["items"], product_errors)
    known = catalog_selectors.ids_by_value(
        {
            "customer_id": Lookup(Customer, "pk", [data["customer_id"]]),
            "payment_method_code": Lookup(PaymentMethod, "code", [data["payment_method_code"]]),
            **_line_catalogues(
                items, {"unit_id": "unit", "standard_code_id": "standard_code", "tribute_id": "tribute"}, "pk"
            ),
        }
    )
    if not known["customer_id"]:
        errors["customer_id"] = ["Ese cliente no existe."]
    usable = list(catalog_selectors.bill_numbering_ranges())
    range_id = data.get("numbering_range_id")
    numbering_range = _named_range(usable, range_id, "pk")
    if range_id is None:
        numbering_range = catalog_selectors.default_bill_range(usable)
    elif numbering_range is None:
        errors["numbering_range_id"] = [
            "Ese rango no existe o no está activo (vea /lookups/numbering-ranges)."
        ]
    if numbering_range is None and "numbering_range_id" not in errors:
        errors["numbering_range_id"] = ["Elija un rango de numeración (hay varios o ninguno usable)."]
    header = _header(
        data,
        errors,
        range_id=numbering_range.pk if numbering_range else None,
        payment_method_known=bool(known["payment_method_code"]),
    )
    errors.update(product_errors)
    _check_line_refs(items, errors, known)
    if errors:
        raise ValidationError(errors)
    invoice, _created = draft_or_winner(
        form_token=form_token, user=user, items=items, customer_id=data["customer_id"], **header
    )
    return invoice


def _items_from_products(lines: list[dict], errors: dict) -> list[dict]:
    products = {
        p.pk: p
        for p in Product.objects.prefetch_related("withholdings").filter(
            pk__in=[line["product_id"] for line in lines if line.get("product_id")]
        )
    }
    items = []
    for index, line in enumerate(lines):
        item = {k: v for k, v in line.items() if v is not None}
        product = products.get(line.get("product_id"))
        if line.get("product_id") and product is None:
            errors[f"items[{index}].product_id"] = ["Ese producto no existe."]
        if product is not None:
            defaults = {name: getattr(product, name) for name in PRODUCT_DEFAULTS}
            defaults["withholdings"] = [{"code": w.code, "rate": w.rate} for w in product.withholdings.all()]
            item = {**defaults, **item}
        if item.get("is_excluded"):
            item["tax_rate"] = 0
        item.setdefault("tax_rate", 19)
        item.setdefault("is_excluded", False)
        items.append(item)
    return items


def invoice_create_from_bill(
    *, user, body: dict, form_token: uuid.UUID | None = None
) -> tuple[Invoice, list[str]]:
    """A draft from a Factus v1 ``bills/validate`` body; returns it with warnings (range chosen).

    ``form_token``: as in ``invoice_create_from_ids`` (the invoice already made, no warnings).

    Raises: ValidationError keyed by body path.
    """
    reference_code = body.get("reference_code") or None
    known = catalog_selectors.ids_by_value(
        {
            # The invoice this token already made (a retry), another one with this reference.
            "form_token": Lookup(Invoice, "form_token", [form_token]),
            "reference_code": Lookup(Invoice, "reference_code", [reference_code]),
            "payment_method_code": Lookup(PaymentMethod, "code", [body["payment_method_code"]]),
            **_line_catalogues(body["items"], FACTUS_LINE_REFS, "factus_id"),
            **{
                f"customer.{key}": Lookup(model, "factus_id", [body["customer"].get(key)])
                for key, _field, model in CUSTOMER_REFS
            },
        }
    )
    made, taken = _existing(known, form_token=form_token, reference_code=reference_code)
    if made is not None:
        return made, []
    errors: dict = {}
    warnings: list[str] = []
    if taken:
        errors["reference_code"] = [f"Ya existe la factura {taken} con esta referencia."]
    usable = list(catalog_selectors.bill_numbering_ranges())
    range_id = body.get("numbering_range_id")
    numbering_range = _named_range(usable, range_id, "factus_id")
    if numbering_range is None:
        numbering_range = catalog_selectors.default_bill_range(usable)
        if numbering_range is None:
            errors["numbering_range_id"] = ["No hay un rango de numeración predeterminado: indique uno."]
        elif range_id is not None:
            warnings.append(
                f"El rango {range_id} no está disponible en esta cuenta; se usó "
                f"{numbering_range.prefix} (id Factus {numbering_range.factus_id})."
            )
    header = _header(
        body,
        errors,
        range_id=numbering_range.pk if numbering_range else None,
        payment_method_known=bool(known["payment_method_code"]),
    )
    items = _factus_items(body["items"], errors, known)
    extra = {key: body[key] for key in EXTRA_KEYS if body.get(key) not in (None, [], {})}
    if body.get("document", "01") != "01":
        extra["document"] = body["document"]
    try:
        # The customer a body creates is kept only with its invoice.
        with transaction.atomic():
            customer_id = _factus_customer(body["customer"], errors, known, user=user) if not errors else None
            if errors:
                raise ValidationError(errors)
            invoice = invoice_create_draft(
                user=user,
                items=items,
                customer_id=customer_id,
                reference_code=body.get("reference_code"),
                factus_extra=extra,
                form_token=form_token,
                **header,
            )
    except IntegrityError as error:  # a concurrent request with the same token committed first
        return made_before(form_token, error), []
    return invoice, warnings


def _named_range(usable: list, range_id: int | None, field: str):
    """The usable range whose ``field`` ("pk", or "factus_id" in a Factus body) is ``range_id``."""
    return next((r for r in usable if range_id is not None and getattr(r, field) == range_id), None)


FACTUS_LINE_REFS = {"unit_measure_id": "unit", "standard_code_id": "standard_code", "tribute_id": "tribute"}


def _factus_items(lines: list[dict], errors: dict, known: dict[str, dict]) -> list[dict]:
    items = []
    for index, line in enumerate(lines):
        refs = {}
        for name, field in (
            ("unit_measure_id", "unit_id"),
            ("standard_code_id", "standard_code_id"),
            ("tribute_id", "tribute_id"),
        ):
            pk = known[name].get(line[name])
            if pk is None:
                errors[f"items[{index}].{name}"] = ["No existe en los catálogos sincronizados."]
            else:
                refs[field] = pk
        items.append(
            {
                "code_reference": line["code_reference"],
                "name": line["name"],
                "quantity": line["quantity"],
                "price": line["price"],
                "discount_rate": line["discount_rate"],
                "tax_rate": 0 if line["is_excluded"] else line["tax_rate"],
                "is_excluded": line["is_excluded"],
                "withholdings": [
                    {"code": w["code"], "rate": w["withholding_tax_rate"]} for w in line["withholding_taxes"]
                ],
                **refs,
            }
        )
    return items


CUSTOMER_REFS = (
    ("identification_document_id", "identification_document", IdentificationDocumentType),
    ("legal_organization_id", "legal_organization", LegalOrganization),
    ("tribute_id", "tribute", CustomerTribute),
    ("municipality_id", "municipality", Municipality),
)


def _factus_customer(data: dict, errors: dict, known: dict[str, dict], *, user) -> int | None:
    """The id of our customer for a Factus ``customer`` block: found by document and number, else
    created (None: ``errors`` says why).
    ``known``: the catalogue ids ``ids_by_value`` found (keys ``customer.<field>``)."""
    form_data = {
        name: data.get(name) or ""
        for name in ("identification", "company", "names", "trade_name", "address", "email", "phone")
    }
    form_data["dv"] = "" if data.get("dv") in (None, "") else str(data["dv"])
    for key, field, _model in CUSTOMER_REFS:
        if data.get(key) is None:
            continue
        pk = known[f"customer.{key}"].get(data[key])
        if pk is None:
            errors[f"customer.{key}"] = ["No existe en los catálogos."]
        else:
            form_data[field] = pk
    if errors:
        return None
    existing = (
        Customer.objects.filter(
            identification_document_id=form_data["identification_document"],
            identification=str(data["identification"]).strip(),
        )
        .values_list("pk", flat=True)
        .first()
    )
    if existing is not None:
        return existing
    if not user.has_perm("catalog.add_customer"):
        errors["customer"] = ["El cliente no existe y su usuario no tiene permiso para crear clientes."]
        return None
    form = CustomerForm(form_data)
    if not form.is_valid():
        names = {field: key for key, field, _model in CUSTOMER_REFS}
        for name, problems in form.errors.items():
            errors[f"customer.{names.get(name, name)}" if name != "__all__" else "customer"] = list(problems)
        return None
    return form.save().pk
