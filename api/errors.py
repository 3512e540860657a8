"""Every failure the API can meet, as a problem (api.problems): request validation, Django's
ValidationError from a service, Factus' errors, throttling, oversized bodies, unknown routes."""

from __future__ import annotations

import logging
import re

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from api.problems import ApiProblem, field_error, not_found, validation_problem
from factus import errors as factus_errors

logger = logging.getLogger(__name__)

MESSAGES = {
    "missing": "Este campo es obligatorio.",
    "extra_forbidden": "Campo desconocido: quítelo (vea el esquema en /api/v1/docs).",
    "int_parsing": "Debe ser un número entero.",
    "int_type": "Debe ser un número entero.",
    "int_from_float": "Debe ser un número entero.",
    "decimal_parsing": "Debe ser un número decimal con punto, p. ej. 1234.50.",
    "decimal_type": "Debe ser un número decimal con punto, p. ej. 1234.50.",
    "decimal_max_places": "Use como máximo {decimal_places} decimales.",
    "decimal_max_digits": "El número tiene demasiadas cifras.",
    "decimal_whole_digits": "El número tiene demasiadas cifras.",
    "string_type": "Debe ser un texto.",
    "string_too_long": "Use como máximo {max_length} caracteres.",
    "string_too_short": "Use al menos {min_length} caracteres.",
    "bool_parsing": "Debe ser true o false.",
    "bool_type": "Debe ser true o false.",
    "list_type": "Debe ser una lista.",
    "dict_type": "Debe ser un objeto JSON.",
    "model_type": "Debe ser un objeto JSON.",
    "model_attributes_type": "Debe ser un objeto JSON.",
    "date_from_datetime_parsing": "Debe ser una fecha AAAA-MM-DD.",
    "date_parsing": "Debe ser una fecha AAAA-MM-DD.",
    "date_type": "Debe ser una fecha AAAA-MM-DD.",
    "too_long": "La lista admite como máximo {max_length} elementos.",
    "too_short": "La lista debe tener al menos {min_length} elementos.",
    "greater_than": "Debe ser mayor que {gt}.",
    "greater_than_equal": "Debe ser mayor o igual que {ge}.",
    "less_than": "Debe ser menor que {lt}.",
    "less_than_equal": "Debe ser menor o igual que {le}.",
    "literal_error": "Valor no permitido: use {expected}.",
    "enum": "Valor no permitido: use {expected}.",
    "value_error": "{error}",
    "json_invalid": "El cuerpo no es JSON válido.",
    "json_type": "El cuerpo no es JSON válido.",
    "uuid_parsing": "Debe ser un UUID.",
}
LOCATIONS = {"body", "query", "path", "header"}
BODY_TAGS = {"ours", "factus"}


def field_path(loc) -> str:
    """("body", "payload", "items", 1, "price") -> "items[1].price"."""
    parts = list(loc)
    if parts and parts[0] in LOCATIONS:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] == "payload":
            parts = parts[1:]
        if len(parts) > 1 and parts[0] in BODY_TAGS:  # which of a union's bodies (invoicing.schemas)
            parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith("function-") and not str(part).endswith("]"):
            path += ("." if path else "") + str(part)
    return path or "body"


def spanish(error: dict) -> str:
    template = MESSAGES.get(error.get("type", ""))
    if template is None:
        return "Valor no válido."
    context = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return "Valor no válido."


def ninja_validation(errors: list[dict]) -> ApiProblem:
    """The request's body or parameters do not fit the endpoint's schema (the endpoint never ran)."""
    if any(e.get("type") in ("json_invalid", "json_type") for e in errors):
        return ApiProblem(400, "json_invalid", "El cuerpo no es JSON válido.", before_view=True)
    problem = validation_problem(
        [field_error(field_path(e.get("loc", ())), spanish(e), e.get("type", "invalid")) for e in errors]
    )
    problem.before_view = True
    return problem


LINE = re.compile(r"^Línea (\d+): (.*)$", re.S)


def django_validation(error: DjangoValidationError, *, prefix: str = "") -> ApiProblem:
    """A service's ValidationError; ``Línea N: ...`` under ``items`` becomes ``items[N-1]``."""
    if not hasattr(error, "error_dict"):
        return validation_problem([field_error(prefix or "body", m) for m in error.messages])
    found = []
    for name, problems in error.message_dict.items():
        base = prefix + ("" if name == "__all__" else (("." if prefix else "") + name))
        for message in problems:
            match = LINE.match(message) if name == "items" else None
            if match:
                found.append(field_error(f"{base}[{int(match[1]) - 1}]", match[2]))
            else:
                found.append(field_error(base or "body", message))
    return validation_problem(found)


DOTTED_INDEX = re.compile(r"\.(\d+)(?=\.|$)")


def factus_path(path: str) -> str:
    """Factus' dotted ``items.1.price`` -> ``items[1].price`` (the API's own paths)."""
    return DOTTED_INDEX.sub(r"[\1]", str(path))


CREDIT_LINE_KEY = re.compile(r"^lines-(\d+)-(\w+)$")


def document_path(key: str) -> str:
    """A service's field key as an API path: Factus' ``items.1.price`` -> ``items[1].price``, a credit
    note's ``lines-0-quantity`` -> ``lines[0].quantity``, ``__all__`` -> ``body``."""
    key = str(key)
    if key == "__all__":
        return "body"
    if match := CREDIT_LINE_KEY.match(key):
        return f"lines[{match[1]}].{match[2]}"
    return factus_path(key)


def factus_problem(exc: factus_errors.FactusError, **extra) -> ApiProblem:
    """A Factus failure: 422 with Factus' field errors, 409, 429 (with Retry-After), 502/504."""
    if isinstance(exc, factus_errors.FactusValidationError):
        errors = [
            field_error(factus_path(path), message, "factus")
            for path, messages in exc.errors.items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]
        return validation_problem(errors or [field_error("body", exc.message, "factus")], exc.message)
    if isinstance(exc, factus_errors.FactusConflict):
        return ApiProblem(409, "factus_conflict", exc.message, **extra)
    if isinstance(exc, factus_errors.FactusRateLimited):
        wait = exc.retry_after or 60
        return ApiProblem(
            429, "factus_rate_limited", exc.message, headers={"Retry-After": wait}, retry_after=wait, **extra
        )
    if isinstance(exc, factus_errors.FactusNotFound):
        return ApiProblem(404, "factus_not_found", exc.message, **extra)
    timeout = isinstance(exc, factus_errors.FactusTimeout)
    return ApiProblem(
        504 if timeout else 502,
        "factus_timeout" if timeout else "factus_error",
        f"{exc.message} La operación pudo haberse completado en Factus: consulte el recurso antes "
        "de repetirla.",
        may_exist=True,
        **extra,
    )


def install(api) -> None:
    """Replace ninja's default handlers: every error answers a problem."""

    def handle(exc_class, build):
        api.add_exception_handler(exc_class, lambda request, exc: build(exc).response())

    from api.auth import unauthorized

    handle(ApiProblem, lambda exc: exc)
    handle(NinjaValidationError, lambda exc: ninja_validation(exc.errors))
    handle(DjangoValidationError, django_validation)
    handle(factus_errors.FactusError, factus_problem)
    handle(AuthenticationError, lambda exc: unauthorized())
    handle(Throttled, _throttled)
    handle(Http404, lambda exc: not_found())
    handle(HttpError, _http_error)
    handle(RequestDataTooBig, lambda exc: _too_big())
    handle(Exception, _unexpected)


def _throttled(exc: Throttled) -> ApiProblem:
    wait = max(1, int(-(-(exc.wait or 1) // 1)))
    return ApiProblem(
        429,
        "rate_limited",
        f"Superó el límite de solicitudes de este token. Espere {wait} segundos e intente de nuevo.",
        headers={"Retry-After": wait},
        retry_after=wait,
    )


def _http_error(exc: HttpError) -> ApiProblem:
    if exc.status_code == 400:
        return ApiProblem(
            400, "bad_request", "El cuerpo no es JSON válido o no se pudo leer.", before_view=True
        )
    return ApiProblem(exc.status_code, "http_error", str(exc))


def _too_big() -> ApiProblem:
    return ApiProblem(
        413, "body_too_large", "El cuerpo de la solicitud es demasiado grande.", before_view=True
    )


def _unexpected(exc: Exception) -> ApiProblem:
    logger.exception("Unexpected API error", exc_info=exc)
    return ApiProblem(500, "internal_error", "Error interno: no se completó la operación. Reintente.")
