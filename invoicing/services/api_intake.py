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
from django.db import transaction

from catalog import selectors as catalog_selectors
from catalog.forms import CustomerForm
from catalog.models import (
    Customer,
    CustomerTribute,
    IdentificationDocumentType,
    LegalOrganization,
    MeasurementUnit,
    Municipality,
    NumberingRange,
    PaymentMethod,
    Product,
    StandardCode,
)
from invoicing.models import Invoice

from .intake import created_with, invoice_create_once

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


def _ids(rows, values, field="pk") -> dict:
    """{value: row} of the rows (a model or a queryset) whose ``field`` is one of ``values``."""
    queryset = rows.objects.all() if hasattr(rows, "objects") else rows
    return {getattr(row, field): row for row in queryset.filter(**{f"{field}__in": set(values)})}


def _check_reference(reference_code: str | None, errors: dict) -> None:
    if reference_code:
        existing = Invoice.objects.filter(reference_code=reference_code).values_list("pk", flat=True).first()
        if existing:
            errors["reference_code"] = [f"Ya existe la factura {existing} con esta referencia."]


def _header(data: dict, errors: dict, *, range_id: int | None) -> dict:
    if not PaymentMethod.objects.filter(code=data["payment_method_code"]).exists():
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


def _check_line_refs(items: list[dict], errors: dict) -> None:
    units = _ids(MeasurementUnit, [i["unit_id"] for i in items if i.get("unit_id")])
    codes = _ids(StandardCode, [i["standard_code_id"] for i in items if i.get("standard_code_id")])
    tributes = _ids(
        catalog_selectors.active_tributes(), [i["tribute_id"] for i in items if i.get("tribute_id")]
    )
    known = {"unit_id": units, "standard_code_id": codes, "tribute_id": tributes}
    for index, item in enumerate(items):
        for name, rows in known.items():
            if item.get(name) is None:
                errors[f"items[{index}].{name}"] = ["Este campo es obligatorio."]
            elif item[name] not in rows:
                errors[f"items[{index}].{name}"] = ["No existe (vea /api/v1/lookups)."]
        for name in ("code_reference", "name", "price"):
            if item.get(name) in (None, ""):
                errors.setdefault(f"items[{index}].{name}", ["Este campo es obligatorio (o dé product_id)."])


def _usable_range(range_id: int | None, errors: dict, *, by_factus_id: bool = False) -> NumberingRange | None:
    ranges = catalog_selectors.bill_numbering_ranges()
    if range_id is not None:
        found = ranges.filter(**{"factus_id" if by_factus_id else "pk": range_id}).first()
        if found or by_factus_id:
            return found
        errors["numbering_range_id"] = [
            "Ese rango no existe o no está activo (vea /lookups/numbering-ranges)."
        ]
        return None
    return catalog_selectors.default_bill_range()


def invoice_create_from_ids(*, user, data: dict, form_token: uuid.UUID | None = None) -> Invoice:
    """A draft from our body: ``customer_id``, items by ``product_id`` (its fields are the defaults).

    ``form_token`` (from the request's Idempotency-Key): the invoice it already made, if any, is
    returned and nothing is created (a retry after a request died half-way never bills twice).

    Raises: ValidationError keyed by body path.
    """
    if form_token is not None and (existing := created_with(form_token)) is not None:
        return existing
    errors: dict = {}
    if not Customer.objects.filter(pk=data["customer_id"]).exists():
        errors["customer_id"] = ["Ese cliente no existe."]
    numbering_range = _usable_range(data.get("numbering_range_id"), errors)
    if numbering_range is None and "numbering_range_id" not in errors:
        errors["numbering_range_id"] = ["Elija un rango de numeración (hay varios o ninguno usable)."]
    header = _header(data, errors, range_id=numbering_range.pk if numbering_range else None)
    items = _items_from_products(data["items"], errors)
    _check_line_refs(items, errors)
    if errors:
        raise ValidationError(errors)
    invoice, _created = invoice_create_once(
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


@transaction.atomic
def invoice_create_from_bill(
    *, user, body: dict, form_token: uuid.UUID | None = None
) -> tuple[Invoice, list[str]]:
    """A draft from a Factus v1 ``bills/validate`` body; returns it with warnings (range chosen).

    ``form_token``: as in ``invoice_create_from_ids`` (the invoice already made, no warnings).

    Raises: ValidationError keyed by body path.
    """
    if form_token is not None and (existing := created_with(form_token)) is not None:
        return existing, []
    errors: dict = {}
    warnings: list[str] = []
    _check_reference(body.get("reference_code"), errors)
    numbering_range = _usable_range(body.get("numbering_range_id"), errors, by_factus_id=True)
    if numbering_range is None:
        numbering_range = catalog_selectors.default_bill_range()
        if numbering_range is None:
            errors["numbering_range_id"] = ["No hay un rango de numeración predeterminado: indique uno."]
        elif body.get("numbering_range_id") is not None:
            warnings.append(
                f"El rango {body['numbering_range_id']} no está disponible en esta cuenta; se usó "
                f"{numbering_range.prefix} (id Factus {numbering_range.factus_id})."
            )
    header = _header(body, errors, range_id=numbering_range.pk if numbering_range else None)
    items = _factus_items(body["items"], errors)
    customer = _factus_customer(body["customer"], errors, user=user) if not errors else None
    if errors:
        raise ValidationError(errors)
    extra = {key: body[key] for key in EXTRA_KEYS if body.get(key) not in (None, [], {})}
    if body.get("document", "01") != "01":
        extra["document"] = body["document"]
    invoice, _created = invoice_create_once(
        form_token=form_token,
        user=user,
        items=items,
        customer_id=customer.pk,
        reference_code=body.get("reference_code"),
        factus_extra=extra,
        **header,
    )
    return invoice, warnings


def _factus_items(lines: list[dict], errors: dict) -> list[dict]:
    units = _ids(MeasurementUnit, [line["unit_measure_id"] for line in lines], "factus_id")
    codes = _ids(StandardCode, [line["standard_code_id"] for line in lines], "factus_id")
    tributes = _ids(catalog_selectors.active_tributes(), [line["tribute_id"] for line in lines], "factus_id")
    items = []
    for index, line in enumerate(lines):
        refs = {}
        for name, field, rows in (
            ("unit_measure_id", "unit_id", units),
            ("standard_code_id", "standard_code_id", codes),
            ("tribute_id", "tribute_id", tributes),
        ):
            row = rows.get(line[name])
            if row is None:
                errors[f"items[{index}].{name}"] = ["No existe en los catálogos sincronizados."]
            else:
                refs[field] = row.pk
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


def _factus_customer(data: dict, errors: dict, *, user) -> Customer | None:
    """Our customer for a Factus ``customer`` block: found by document and number, else created."""
    form_data = {
        name: data.get(name) or ""
        for name in ("identification", "company", "names", "trade_name", "address", "email", "phone")
    }
    form_data["dv"] = "" if data.get("dv") in (None, "") else str(data["dv"])
    for key, field, model in CUSTOMER_REFS:
        if data.get(key) is None:
            continue
        row = model.objects.filter(factus_id=data[key]).first()
        if row is None:
            errors[f"customer.{key}"] = ["No existe en los catálogos."]
        else:
            form_data[field] = row.pk
    if errors:
        return None
    existing = Customer.objects.filter(
        identification_document_id=form_data["identification_document"],
        identification=str(data["identification"]).strip(),
    ).first()
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
    return form.save()
