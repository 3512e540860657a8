"""RFC 9457 ``application/problem+json``: the one error shape of the API, in Spanish.

Every error has a stable ``code`` (the last segment of ``type``), a Spanish ``title`` and ``detail``,
and validation errors carry ``errors``: one entry per field, with the field's path in the body
(``items[1].price``), the same whether we found the problem or Factus did.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.http import HttpResponse
from ninja import Schema

PROBLEM_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/docs#problema-"

TITLES = {
    400: "Solicitud mal formada",
    401: "No autenticado",
    403: "Sin permiso",
    404: "No encontrado",
    405: "Método no permitido",
    409: "Conflicto",
    413: "Solicitud demasiado grande",
    422: "Datos no válidos",
    429: "Demasiadas solicitudes",
    500: "Error interno",
    502: "Error de Factus",
    504: "Factus no respondió a tiempo",
}


class FieldError(Schema):
    path: str
    message: str
    code: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldError] | None = None
    invoice_id: int | None = None
    credit_note_id: int | None = None
    may_exist: bool | None = None
    retry_after: int | None = None


class ApiProblem(Exception):
    """An error answer: raise it from an endpoint or a helper; the API renders it as a Problem."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: Iterable[dict] | None = None,
        headers: dict | None = None,
        before_view: bool = False,
        **extra,
    ):
        self.status, self.code, self.detail = status, code, detail
        # The request was refused before its endpoint ran (its body did not parse or fit the schema):
        # nothing was done, so an Idempotency-Key does not keep this answer (api.idempotency).
        self.before_view = before_view
        self.errors = list(errors) if errors is not None else None
        self.headers = headers or {}
        self.extra = {k: v for k, v in extra.items() if v is not None}
        super().__init__(detail)

    def body(self) -> dict:
        data = {
            "type": TYPE_BASE + self.code,
            "title": TITLES.get(self.status, "Error"),
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if self.errors is not None:
            data["errors"] = self.errors
        return {**data, **self.extra}

    def response(self) -> HttpResponse:
        response = HttpResponse(
            json.dumps(self.body(), ensure_ascii=False), status=self.status, content_type=PROBLEM_TYPE
        )
        for name, value in self.headers.items():
            response[name] = str(value)
        response.before_view = self.before_view
        return response


def field_error(path: str, message: str, code: str = "invalid") -> dict:
    return {"path": path, "message": str(message), "code": code}


def validation_problem(errors: list[dict], detail: str | None = None) -> ApiProblem:
    count = len(errors)
    return ApiProblem(
        422,
        "validation_error",
        detail or (f"Hay {count} errores en los datos enviados." if count != 1 else errors[0]["message"]),
        errors=errors,
    )


def not_found(what: str = "El recurso") -> ApiProblem:
    return ApiProblem(404, "not_found", f"{what} no existe.")


def forbidden(permission: str) -> ApiProblem:
    return ApiProblem(403, "permission_denied", f"Su usuario no tiene el permiso «{permission}».")
