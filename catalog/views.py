"""Staff pages and search endpoints: parse, call a selector or service, render."""

import json

from django.contrib import messages
from django.contrib.messages.views import SuccessMessageMixin
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_http_methods, require_safe
from django.views.generic import CreateView, UpdateView

from catalog import selectors, services
from catalog.filters import CustomerFilter, ProductFilter
from catalog.forms import AcquirerLookupForm, CustomerForm, ProductForm, SearchForm
from catalog.models import Customer, Product
from core.keyset import keyset_page
from core.permissions import permission_required

PAGE_SIZE = 25


def _list(request, queryset, filter_class, template):
    filterset = filter_class(request.GET, queryset=queryset)
    page = keyset_page(filterset.qs, cursor=request.GET.get("cursor"), size=PAGE_SIZE)
    return render(
        request, template, {"page": page, "sort": filterset.current_sort, "q": request.GET.get("q", "")[:100]}
    )


def _query(request, *names) -> str:
    form = SearchForm({"q": next((request.GET[n] for n in names if request.GET.get(n)), "")})
    return form.cleaned_data["q"] if form.is_valid() else ""


@require_safe
@permission_required("catalog.view_customer")
def customer_list(request):
    queryset = selectors.customer_list(q=_query(request, "q"))
    return _list(request, queryset, CustomerFilter, "catalog/customer_list.html")


@require_safe
@permission_required("catalog.view_product")
def product_list(request):
    queryset = selectors.product_list(q=_query(request, "q"))
    return _list(request, queryset, ProductFilter, "catalog/product_list.html")


@method_decorator(permission_required("catalog.add_customer"), name="dispatch")
class CustomerCreate(SuccessMessageMixin, CreateView):
    model, form_class = Customer, CustomerForm
    success_url = reverse_lazy("catalog:customer_list")
    success_message = "Cliente «%(display)s» guardado."

    def get_success_message(self, cleaned_data):
        return self.success_message % {"display": self.object.display_name}


@method_decorator(permission_required("catalog.change_customer"), name="dispatch")
class CustomerUpdate(SuccessMessageMixin, UpdateView):
    model, form_class = Customer, CustomerForm
    success_url = CustomerCreate.success_url
    success_message = CustomerCreate.success_message
    get_success_message = CustomerCreate.get_success_message


@method_decorator(permission_required("catalog.add_product"), name="dispatch")
class ProductCreate(SuccessMessageMixin, CreateView):
    model, form_class = Product, ProductForm
    success_url = reverse_lazy("catalog:product_list")
    success_message = "Producto «%(name)s» guardado."


@method_decorator(permission_required("catalog.change_product"), name="dispatch")
class ProductUpdate(SuccessMessageMixin, UpdateView):
    model, form_class = Product, ProductForm
    success_url = ProductCreate.success_url
    success_message = ProductCreate.success_message


def _delete(request, obj, list_url: str):
    if request.method != "POST":
        return render(request, "catalog/confirm_delete.html", {"object": obj, "cancel_url": list_url})
    problem = services.record_delete(obj=obj)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, f"«{obj}» eliminado.")
    return redirect(list_url)


@require_http_methods(["GET", "POST"])
@permission_required("catalog.delete_customer")
def customer_delete(request, pk):
    return _delete(request, get_object_or_404(Customer, pk=pk), "catalog:customer_list")


@require_http_methods(["GET", "POST"])
@permission_required("catalog.delete_product")
def product_delete(request, pk):
    return _delete(request, get_object_or_404(Product, pk=pk), "catalog:product_list")


def _results(request, rows, payload, template):
    if request.htmx:
        return render(request, template, {"results": [(row, json.dumps(payload(row))) for row in rows]})
    return JsonResponse({"results": [payload(row) for row in rows]})


@require_GET
@permission_required("catalog.view_customer")
def customer_search(request):
    rows = selectors.search_customers(_query(request, "q", "customer_q"))
    return _results(request, rows, selectors.customer_payload, "catalog/_customer_results.html")


@require_GET
@permission_required("catalog.view_product")
def product_search(request):
    rows = selectors.search_products(_query(request, "q", "product_q"))
    return _results(request, rows, selectors.product_payload, "catalog/_product_results.html")


@require_GET
@permission_required("catalog.view_municipality")
def municipality_search(request):
    q = _query(request, "q", "municipality_q")
    rows = selectors.search_municipalities(q) if len(q.strip()) >= 2 else []
    return _results(request, rows, selectors.municipality_payload, "catalog/_municipality_results.html")


@require_GET
@permission_required("catalog.view_measurementunit")
def unit_search(request):
    units = selectors.search_units(_query(request, "q"))
    return JsonResponse({"results": [selectors.unit_payload(unit) for unit in units]})


@require_GET
@permission_required("catalog.add_customer", "catalog.change_customer", any_of=True)
def acquirer_lookup(request):
    form = AcquirerLookupForm(request.GET)
    if not form.is_valid():
        errors = " ".join(e for field_errors in form.errors.values() for e in field_errors)
        return render(request, "catalog/_acquirer_result.html", {"found": False, "message": errors})
    document, number = form.cleaned_data["identification_document"], form.cleaned_data["identification"]
    result = services.acquirer_lookup(identification_document_id=document.factus_id, identification=number)
    context = {"found": result.found, "message": result.message}
    response = render(request, "catalog/_acquirer_result.html", context)
    if result.found:
        found = selectors.acquirer_prefill(
            document=document, identification=number, name=result.name, email=result.email
        )
        response["HX-Trigger"] = json.dumps({"acquirer-found": found})
    return response
