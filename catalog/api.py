"""Catalogue endpoints (/api/v1/customers, /products, /lookups): the same forms, services and
selectors as the pages; the forms validate, so a rule is written once for both doors."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Router
from ninja import Status as Reply
from pydantic import Field

from api.auth import perm
from api.paging import Page, PageNumber, PageSize, page_of
from api.problems import ApiProblem, Problem, field_error, validation_problem
from catalog import selectors, services
from catalog.forms import CustomerForm, ProductForm
from catalog.models import (
    Customer,
    CustomerTribute,
    IdentificationDocumentType,
    LegalOrganization,
    NumberingRange,
    PaymentForm,
    PaymentMethod,
    Product,
    StandardCode,
)
from catalog.schemas import (
    AcquirerOut,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    LookupOut,
    MunicipalityOut,
    NumberingRangeOut,
    ProductIn,
    ProductOut,
    ProductPatch,
)

customers = Router(tags=["Clientes"])
products = Router(tags=["Productos"])
lookups = Router(tags=["Catálogos"])
Search = Annotated[str, Field(max_length=100)]

# API field -> form field (the forms name foreign keys without "_id").
CUSTOMER_FIELDS = {
    "identification_document_id": "identification_document",
    "legal_organization_id": "legal_organization",
    "tribute_id": "tribute",
    "municipality_id": "municipality",
}
PRODUCT_FIELDS = {"unit_id": "unit", "standard_code_id": "standard_code", "tribute_id": "tribute"}


def _form_problem(form, fields: dict) -> ApiProblem:
    api_name = {form_name: api_name for api_name, form_name in fields.items()}
    errors = []
    for name, problems in form.errors.get_json_data().items():
        path = "body" if name == "__all__" else api_name.get(name, name)
        if path.startswith("withholding_"):
            path = "withholdings"
        errors.extend(field_error(path, p["message"], p["code"] or "invalid") for p in problems)
    return validation_problem(errors)


def _form_data(data: dict, fields: dict) -> dict:
    return {fields.get(k, k): ("" if v is None else v) for k, v in data.items()}


def customer_out(customer: Customer) -> dict:
    return {
        "id": customer.pk,
        "display_name": customer.display_name,
        **{
            name: getattr(customer, name)
            for name in CustomerOut.model_fields
            if name not in ("id", "display_name")
        },
    }


def _save_customer(data: dict, instance: Customer | None = None) -> Customer:
    form = CustomerForm(_form_data(data, CUSTOMER_FIELDS), instance=instance)
    if not form.is_valid():
        raise _form_problem(form, CUSTOMER_FIELDS)
    return form.save()


@customers.get(
    "",
    auth=perm("catalog.view_customer"),
    response={200: Page[CustomerOut]},
    summary="Listar y buscar clientes",
)
def customer_list(request, q: Search = "", page: PageNumber = 1, page_size: PageSize = 25):
    queryset = selectors.customer_list(q=q).order_by("sort_name", "pk")
    return page_of(queryset, page=page, page_size=page_size, serialize=customer_out)


@customers.post(
    "", auth=perm("catalog.add_customer"), response={201: CustomerOut}, summary="Crear un cliente"
)
def customer_create(request, payload: CustomerIn):
    return Reply(201, customer_out(_save_customer(payload.model_dump())))


@customers.get(
    "/dian-lookup",
    auth=perm("catalog.view_customer"),
    response={200: AcquirerOut},
    summary="Consultar en la DIAN el nombre y correo de una identificación",
)
def customer_dian_lookup(
    request,
    identification_document_id: int,
    identification: Annotated[str, Field(min_length=1, max_length=20)],
):
    document = IdentificationDocumentType.objects.filter(pk=identification_document_id).first()
    if document is None:
        raise validation_problem(
            [
                field_error(
                    "identification_document_id", "Elija un tipo de documento válido.", "invalid_choice"
                )
            ]
        )
    result = services.acquirer_lookup(
        identification_document_id=document.factus_id, identification=identification
    )
    return {"found": result.found, "message": result.message, "name": result.name, "email": result.email}


@customers.get(
    "/{int:customer_id}",
    auth=perm("catalog.view_customer"),
    response={200: CustomerOut, 404: Problem},
    summary="Ver un cliente",
)
def customer_read(request, customer_id: int):
    return customer_out(get_object_or_404(Customer, pk=customer_id))


@customers.patch(
    "/{int:customer_id}",
    auth=perm("catalog.change_customer"),
    response={200: CustomerOut, 404: Problem},
    summary="Modificar un cliente",
)
def customer_update(request, customer_id: int, payload: CustomerPatch):
    customer = get_object_or_404(Customer, pk=customer_id)
    data = {**customer_out(customer), **payload.model_dump(exclude_unset=True)}
    data.pop("id"), data.pop("display_name")
    return customer_out(_save_customer(data, instance=customer))


@customers.delete(
    "/{int:customer_id}",
    auth=perm("catalog.delete_customer"),
    response={204: None, 404: Problem, 409: Problem},
    summary="Eliminar un cliente sin uso",
)
def customer_delete(request, customer_id: int):
    problem = services.record_delete(obj=get_object_or_404(Customer, pk=customer_id))
    if problem:
        raise ApiProblem(409, "in_use", problem)
    return Reply(204, None)


def product_out(product: Product) -> dict:
    return {
        **{
            name: getattr(product, name)
            for name in ProductOut.model_fields
            if name not in ("id", "withholdings")
        },
        "id": product.pk,
        "withholdings": [{"code": w.code, "rate": w.rate} for w in product.withholdings.all()],
    }


def _save_product(data: dict, instance: Product | None = None) -> Product:
    withholdings = {w["code"]: w["rate"] for w in data.pop("withholdings", None) or []}
    if len(withholdings) != len(data.get("_withholdings_given", withholdings)):
        pass
    form_data = _form_data(data, PRODUCT_FIELDS)
    form_data.update({f"withholding_{code}": str(rate) for code, rate in withholdings.items()})
    for name in ("price", "tax_rate"):
        if name in form_data and form_data[name] != "":
            form_data[name] = str(form_data[name])
    if not form_data.get("is_excluded"):
        form_data.pop("is_excluded", None)
    if not form_data.get("is_active"):
        form_data.pop("is_active", None)
    form = ProductForm(form_data, instance=instance)
    if not form.is_valid():
        raise _form_problem(form, PRODUCT_FIELDS)
    return form.save()


@products.get(
    "",
    auth=perm("catalog.view_product"),
    response={200: Page[ProductOut]},
    summary="Listar y buscar productos",
)
def product_list(
    request, q: Search = "", active: bool | None = None, page: PageNumber = 1, page_size: PageSize = 25
):
    queryset = selectors.product_list(q=q, active_only=bool(active)).order_by("name", "pk")
    if active is False:
        queryset = queryset.filter(is_active=False)
    return page_of(queryset, page=page, page_size=page_size, serialize=product_out)


@products.post("", auth=perm("catalog.add_product"), response={201: ProductOut}, summary="Crear un producto")
def product_create(request, payload: ProductIn):
    return Reply(201, product_out(_save_product(payload.model_dump())))


@products.get(
    "/{int:product_id}",
    auth=perm("catalog.view_product"),
    response={200: ProductOut, 404: Problem},
    summary="Ver un producto",
)
def product_read(request, product_id: int):
    return product_out(get_object_or_404(selectors.product_list(), pk=product_id))


@products.patch(
    "/{int:product_id}",
    auth=perm("catalog.change_product"),
    response={200: ProductOut, 404: Problem},
    summary="Modificar un producto",
)
def product_update(request, product_id: int, payload: ProductPatch):
    product = get_object_or_404(selectors.product_list(), pk=product_id)
    data = {**product_out(product), **payload.model_dump(exclude_unset=True)}
    data.pop("id")
    if data.get("withholdings") is None:
        data["withholdings"] = []
    return product_out(_save_product(data, instance=product))


@products.delete(
    "/{int:product_id}",
    auth=perm("catalog.delete_product"),
    response={204: None, 404: Problem, 409: Problem},
    summary="Eliminar un producto sin uso",
)
def product_delete(request, product_id: int):
    problem = services.record_delete(obj=get_object_or_404(Product, pk=product_id))
    if problem:
        raise ApiProblem(409, "in_use", problem)
    return Reply(204, None)


# --- lookups -------------------------------------------------------------------------------------


@lookups.get(
    "/municipalities",
    auth=perm("catalog.view_customer"),
    response={200: list[MunicipalityOut]},
    summary="Buscar municipios",
)
def municipalities(request, q: Annotated[str, Field(min_length=2, max_length=100)]):
    return selectors.search_municipalities(q)


@lookups.get(
    "/units",
    auth=perm("catalog.view_product"),
    response={200: list[LookupOut]},
    summary="Buscar unidades de medida",
)
def units(request, q: Annotated[str, Field(min_length=1, max_length=100)]):
    return selectors.search_units(q)


@lookups.get(
    "/tributes",
    auth=perm("catalog.view_product"),
    response={200: list[LookupOut]},
    summary="Tributos de producto",
)
def tributes(request):
    return list(selectors.active_tributes())


def _reference(model):
    return [
        {"id": row.pk, "factus_id": getattr(row, "factus_id", None), "code": row.code, "name": row.name}
        for row in model.objects.all()
    ]


@lookups.get(
    "/payment-methods",
    auth=perm("invoicing.view_invoice"),
    response={200: list[LookupOut]},
    summary="Medios de pago",
)
def payment_methods(request):
    return _reference(PaymentMethod)


@lookups.get(
    "/payment-forms",
    auth=perm("invoicing.view_invoice"),
    response={200: list[LookupOut]},
    summary="Formas de pago",
)
def payment_forms(request):
    return _reference(PaymentForm)


@lookups.get(
    "/identification-types",
    auth=perm("catalog.view_customer"),
    response={200: list[LookupOut]},
    summary="Tipos de documento",
)
def identification_types(request):
    return _reference(IdentificationDocumentType)


@lookups.get(
    "/legal-organizations",
    auth=perm("catalog.view_customer"),
    response={200: list[LookupOut]},
    summary="Tipos de organización",
)
def legal_organizations(request):
    return _reference(LegalOrganization)


@lookups.get(
    "/customer-tributes",
    auth=perm("catalog.view_customer"),
    response={200: list[LookupOut]},
    summary="Tributos del cliente",
)
def customer_tributes(request):
    return _reference(CustomerTribute)


@lookups.get(
    "/standard-codes",
    auth=perm("catalog.view_product"),
    response={200: list[LookupOut]},
    summary="Estándares de código de producto",
)
def standard_codes(request):
    return _reference(StandardCode)


@lookups.get(
    "/numbering-ranges",
    auth=perm("invoicing.view_invoice"),
    response={200: list[NumberingRangeOut]},
    summary="Rangos de numeración usables, con números y días restantes",
)
def numbering_ranges(request, document: Annotated[str, Field(pattern="^(21|22)$")] = "21"):
    ranges = (
        selectors.bill_numbering_ranges() if document == "21" else selectors.credit_note_numbering_ranges()
    )
    return [_range_out(row) for row in ranges]


def _range_out(row: NumberingRange) -> dict:
    days = (row.end_date - date.today()).days if row.end_date else None
    return {
        **{
            name: getattr(row, name)
            for name in NumberingRangeOut.model_fields
            if name not in ("id", "days_left")
        },
        "id": row.pk,
        "days_left": days,
    }
