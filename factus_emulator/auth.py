"""``POST /oauth/token`` (password + refresh_token grants) and bearer checks (API.md §2)."""

from __future__ import annotations

import secrets

from .state import CLIENT_ID, CLIENT_SECRET, PASSWORD, USERNAME, State
from .wire import Request, Response

REFRESH_TTL = 30 * 24 * 3600  # Passport's default refresh-token lifetime (INFERRED)

INVALID_CLIENT = {
    "error": "invalid_client",
    "error_description": "Client authentication failed",
    "message": "Client authentication failed",
}
INVALID_GRANT = {
    "error": "invalid_grant",
    "error_description": "The user credentials were incorrect.",
    "message": "The user credentials were incorrect.",
}
INVALID_REFRESH = {
    "error": "invalid_request",
    "error_description": "The refresh token is invalid.",
    "hint": "Token has been revoked",
    "message": "The refresh token is invalid.",
}
UNSUPPORTED = {
    "error": "unsupported_grant_type",
    "error_description": "The authorization grant type is not supported by the authorization server.",
    "hint": "Check that all required parameters have been provided",
    "message": "The authorization grant type is not supported by the authorization server.",
}
UNAUTHENTICATED = Response(401, {"message": "Unauthenticated."})


def _missing(parameter: str) -> dict:
    text = (
        "The request is missing a required parameter, includes an invalid parameter value, "
        "includes a parameter more than once, or is otherwise malformed."
    )
    return {
        "error": "invalid_request",
        "error_description": text,
        "hint": f"Check the `{parameter}` parameter",
        "message": text,
    }


def token_endpoint(state: State, request: Request, now: float, ttl: int) -> Response:
    form = request.form()
    grant = form.get("grant_type", "")
    if grant not in ("password", "refresh_token"):
        return _fail(state, grant or "missing", Response(400, UNSUPPORTED))
    if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
        return _fail(state, grant, Response(401, INVALID_CLIENT))
    if grant == "password":
        for name in ("username", "password"):
            if not form.get(name):
                return _fail(state, grant, Response(400, _missing(name)))
        if form["username"] != USERNAME or form["password"] != PASSWORD:
            return _fail(state, grant, Response(400, INVALID_GRANT))
        user = USERNAME
    else:
        if not form.get("refresh_token"):
            return _fail(state, grant, Response(400, _missing("refresh_token")))
        record = state.refresh_tokens.pop(form["refresh_token"], None)
        if record is None or record["expires_at"] <= now:
            return _fail(state, grant, Response(401, INVALID_REFRESH))
        # Passport revokes the access token paired with a used refresh token.
        state.access_tokens.pop(record["access_token"], None)
        user = record["user"]
    state.grants[grant] = state.grants.get(grant, 0) + 1
    return Response(200, issue(state, user, now, ttl))


def issue(state: State, user: str, now: float, ttl: int) -> dict:
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    _forget_expired(state, now)
    state.access_tokens[access] = {"user": user, "expires_at": now + ttl}
    state.refresh_tokens[refresh] = {"user": user, "access_token": access, "expires_at": now + REFRESH_TTL}
    return {"token_type": "Bearer", "expires_in": int(ttl), "access_token": access, "refresh_token": refresh}


def bearer_user(state: State, request: Request, now: float) -> str | None:
    """The user owning a live bearer token, or None."""
    scheme, _, token = request.header("authorization").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    record = state.access_tokens.get(token.strip())
    if record is None or record["expires_at"] <= now:
        return None
    return record["user"]


def _fail(state: State, grant: str, response: Response) -> Response:
    state.grant_failures[grant] = state.grant_failures.get(grant, 0) + 1
    return response


def _forget_expired(state: State, now: float) -> None:
    if len(state.access_tokens) < 1000:
        return
    for store in (state.access_tokens, state.refresh_tokens):
        for key in [k for k, v in store.items() if v["expires_at"] <= now]:
            del store[key]
