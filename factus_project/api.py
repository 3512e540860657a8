"""The JSON API, mounted under /api/v1/ (docs/api.md): each app's router, one auth, one error shape.

Every endpoint needs a personal token (``Authorization: Bearer``) and is throttled per token; every
POST accepts an ``Idempotency-Key``; every error is an RFC 9457 problem. The schema
(/api/v1/openapi.json) and the interactive docs (/api/v1/docs, vendored Swagger UI) need a
logged-in person or a token.
"""

from __future__ import annotations

import inspect
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

from api import errors
from api.auth import TokenAuth, request_token, unauthorized
from api.idempotency import HEADER, idempotent
from api.problems import PROBLEM_TYPE, ApiProblem, Problem, field_error, validation_problem
from api.throttle import TokenRateThrottle
from catalog.api import customers, lookups, products
from invoicing.api import invoices
from invoicing.credit_api import credit_limit_problem, credit_notes
from invoicing.services import CreditLimitError, InvoiceActionError

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# What any endpoint may answer besides its own statuses (api.auth, api.throttle, api.idempotency).
COMMON = {
    "401": "Falta el token o no es válido.",
    "403": "El usuario del token no tiene el permiso.",
    "429": "Límite de solicitudes del token (o de Factus); vea Retry-After.",
}
WITH_BODY = {
    "400": "El cuerpo no es JSON válido, o la Idempotency-Key no es válida.",
    "413": "El cuerpo es demasiado grande.",
    "422": "Datos no válidos: ``errors`` da la ruta de cada campo.",
}
POST_ONLY = {"409": "La Idempotency-Key se usó con otra solicitud, o su solicitud aún se procesa."}
IDEMPOTENCY_PARAM = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "Clave única por operación (24 h): repetir la solicitud no la repite.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
}


class Docs(DocsBase):
    """Swagger UI from static/vendor (no CDN)."""

    def render_page(self, request, api, **kwargs):
        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True}
        return render(request, "api/docs.html", {"swagger_settings": settings})


def docs_access(view):
    """The schema and the docs: a logged-in person or a valid token; else the login page or 401."""

    @login_not_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated or request_token(request) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return unauthorized().response()
        return redirect_to_login(request.get_full_path())

    return wrapper


def _operation(view, request):
    """The ninja operation ``request`` will run (None: the method is not allowed)."""
    path_view = inspect.getclosurevars(view).nonlocals.get("self")
    return path_view._find_operation(request) if path_view is not None else None


def _authenticate_first(view, request):
    """The operation's auth (token and permissions) before anything reads the body: a caller
    without the permission gets 401/403 and no word about the body (ninja runs it again, cheaply:
    the token is kept on the request)."""
    operation = _operation(view, request)
    if operation is None or not operation.auth_callbacks:
        return None
    return operation._run_authentication(request)


def api_view(view):
    """Every endpoint: token auth instead of the login page, idempotent POSTs, JSON 405."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        denied = _authenticate_first(view, request)
        if denied is not None:
            return denied
        problem = _nul_problem(request)
        if problem is not None:
            return problem.response()
        response = idempotent(view)(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            problem = ApiProblem(405, "method_not_allowed", f"Método no permitido; use {allowed}.")
            response = problem.response()
            response["Allow"] = allowed
        return response

    wrapper.csrf_exempt = True  # tokens, never cookies: nothing for CSRF to protect
    return login_not_required(wrapper)


def _nul_problem(request) -> ApiProblem | None:
    """PostgreSQL text cannot hold NUL: a NUL in a query value or a JSON string is a 422, not a 500."""
    where = [key for key, values in request.GET.lists() if any("\x00" in v for v in values)]
    try:
        body = request.body if request.method in ("POST", "PUT", "PATCH") else b""
    except RequestDataTooBig:
        body = b""  # the API answers 413 itself
    if b"\\u0000" in body or b"\x00" in body:
        where.append("body")
    if not where:
        return None
    return validation_problem(
        [field_error(path, "El texto no puede contener el carácter NUL (\\u0000).", "nul") for path in where]
    )


@login_not_required
def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/ (e.g. a negative id): a 404 problem, not the HTML page."""
    return ApiProblem(404, "not_found", "No existe ese recurso de la API.").response()


not_found.csrf_exempt = True


class FactusApi(NinjaAPI):
    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            name = getattr(pattern, "name", "")
            if name == "api-root":  # /api/v1/ -> the docs
                pattern.callback = docs_access(pattern.callback)
            elif name not in ("openapi-json", "openapi-view"):
                pattern.callback = api_view(pattern.callback)
        return urls

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = Problem.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        for defs_name, definition in Problem.model_json_schema().get("$defs", {}).items():
            schema["components"]["schemas"].setdefault(defs_name, definition)
        schema["components"]["schemas"]["Problem"].pop("$defs", None)
        for methods in schema.get("paths", {}).values():
            for method, operation in methods.items():
                _complete(method, operation)
        return schema


def _complete(method: str, operation: dict) -> None:
    """Every status an endpoint can return, errors as problem+json, the Idempotency-Key header.

    Status keys are text, as OpenAPI writes them: ninja gives the declared ones as numbers, and a
    number beside the same status as text is one JSON key twice, which Swagger UI refuses to read."""
    responses = operation["responses"] = {str(k): v for k, v in operation.get("responses", {}).items()}
    extra = dict(COMMON)
    if method in ("post", "put", "patch"):
        extra.update(WITH_BODY)
    if method == "post":
        extra.update(POST_ONLY)
        operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAM)
    if any(p.get("in") in ("query", "path") for p in operation.get("parameters", [])):
        extra.setdefault("422", WITH_BODY["422"])
    for status, description in extra.items():
        responses.setdefault(status, {"description": description})
    for status, response in responses.items():
        if int(status) < 400:
            continue
        response["content"] = {PROBLEM_TYPE: {"schema": PROBLEM_REF}}
        if status in ("429", "503"):
            response["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}


api = FactusApi(
    title="Facturación electrónica · API v1",
    version="1",
    description="Clientes, productos, catálogos y facturas electrónicas (Factus/DIAN). Ver docs/api.md.",
    urls_namespace="api",
    auth=TokenAuth(),
    throttle=TokenRateThrottle(),
    docs=Docs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=docs_access,
)
errors.install(api)
api.add_exception_handler(
    InvoiceActionError,
    lambda request, exc: ApiProblem(409, "invoice_state", exc.message).response(),
)
api.add_router("/customers", customers)
api.add_router("/products", products)
api.add_router("/lookups", lookups)
api.add_exception_handler(CreditLimitError, lambda request, exc: credit_limit_problem(exc).response())
api.add_router("/invoices", invoices)
api.add_router("/credit-notes", credit_notes)
