"""``Authorization: Bearer <token>`` for the API, and the permission check of every endpoint."""

from __future__ import annotations

from ninja.security import HttpBearer

from api.models import ApiToken
from api.problems import ApiProblem, forbidden
from api.services import token_authenticate

TOKEN_ATTR = "api_token"  # noqa: S105 - an attribute name, not a secret


def request_token(request) -> ApiToken | None:
    """The request's token (authenticated once per request: the idempotency layer may ask first)."""
    if not hasattr(request, TOKEN_ATTR):
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        token = token_authenticate(secret.strip()) if scheme.lower() == "bearer" else None
        setattr(request, TOKEN_ATTR, token)
    return getattr(request, TOKEN_ATTR)


class TokenAuth(HttpBearer):
    """A personal API token: the request acts as its user, with that user's permissions, no more.

    With ``permissions``, the user must hold each ("app.codename") or the answer is 403, checked
    before the body is read (a caller without the permission learns nothing about the body).
    """

    def __init__(self, *permissions: str):
        self.permissions = permissions
        super().__init__()

    def __call__(self, request):
        token = request_token(request)
        if token is None:
            return None
        request.user = token.user
        require(request, *self.permissions)
        return token

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return None


def perm(*permissions: str) -> TokenAuth:
    """The ``auth=`` of an endpoint: a token whose user holds ``permissions``."""
    return TokenAuth(*permissions)


def require(request, *permissions: str) -> None:
    """Raise a 403 problem unless the token's user has every permission ("app.codename")."""
    for permission in permissions:
        if not request.user.has_perm(permission):
            raise forbidden(permission)


def unauthorized() -> ApiProblem:
    return ApiProblem(
        401,
        "not_authenticated",
        "Falta un token válido: envíe «Authorization: Bearer <token>» con un token activo "
        "(Mi perfil → Tokens de API).",
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )
