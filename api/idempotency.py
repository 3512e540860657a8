"""``Idempotency-Key`` on every POST, Stripe's contract, with the keys in the database.

* A key is scoped to the token's user and kept ``IDEMPOTENCY_TTL`` (24 h).
* The same key with the same request (method, path and body; JSON compared by value) replays the
  stored response (status, body, Content-Type, ``Idempotent-Replayed: true``) and runs nothing.
* The same key with another request: 409 ``idempotency_key_reused``.
* Two requests with one key at once: the row is inserted (unique) before the first one runs, so the
  second finds it unfinished and gets 409 ``idempotency_in_progress`` (retry later: it then replays).
* A request that died half-way (worker killed, machine restarted) does not hold its key for 24 h:
  an unfinished key is a lease of ``lease()`` (FACTUS_REQUEST_BUDGET + 5 s, the time after which a
  document left SUBMITTING is itself recoverable). After it, the same key with the same request runs
  again. That is safe: the create endpoints pass ``form_token_of(request)`` (derived from the user,
  the key and the request) to the services, which return the document the dead request already
  made instead of making another; issuing it again goes through the submission machinery, which
  looks a possibly-sent document up by its reference before sending anything.
* Not stored (the key may be used again): answers given before the request ran (401, 403, 429, 409
  of this layer; a body that is not JSON, too large or does not fit the endpoint's schema: 400, 413
  and the schema's 422, as Stripe keeps nothing for "parameters failed validation") and unexpected
  500s. Everything else is stored, our services' 422 and a 502/504 of Factus
  included: the draft it created is named in the problem (``invoice_id``), so a retry of the same
  POST never creates or bills a second invoice.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from datetime import datetime, timedelta
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from api.auth import request_token
from api.models import IdempotencyRecord
from api.problems import ApiProblem
from invoicing.models import submit_stale_after

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
IDEMPOTENCY_TTL = timedelta(hours=24)
NOT_STORED = frozenset({401, 403, 429, 500})
REPLAY_HEADERS = ("Location", "Retry-After")
FORM_TOKEN_ATTR = "idempotency_form_token"  # noqa: S105 - an attribute name
FORM_TOKEN_NAMESPACE = uuid.UUID("6f1d3f9e-4d0c-5b7a-9a43-0c1e2f3a4b5c")


def fingerprint(request) -> str:
    """What makes two requests "the same": method, path with query and the body (JSON by value)."""
    body = request.body
    with contextlib.suppress(ValueError):
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def lease() -> timedelta:
    """How long an unfinished key is held: a request's Factus budget and a margin (see above)."""
    return submit_stale_after()


def form_token_of(request) -> uuid.UUID | None:
    """The one-time form token of this POST: the same for a retry with the same key and request
    (None without an Idempotency-Key). Create services return what it already created."""
    return getattr(request, FORM_TOKEN_ATTR, None)


def _form_token(user, key: str, print_: str) -> uuid.UUID:
    return uuid.uuid5(FORM_TOKEN_NAMESPACE, f"{user.pk}\n{key}\n{print_}")


def _claim(user, key: str, print_: str) -> tuple[datetime | None, IdempotencyRecord | None]:
    """Insert the key, or take over its lapsed lease: (when this request claimed it, None) and it
    runs; or (None, the row another request holds or finished)."""
    now = timezone.now()
    # In autocommit a refused INSERT leaves nothing to roll back: no transaction of its own (two
    # round trips fewer); inside a caller's transaction a savepoint keeps that one usable.
    guard = transaction.atomic() if transaction.get_connection().in_atomic_block else contextlib.nullcontext()
    try:
        with guard:
            IdempotencyRecord.objects.create(user=user, key=key, fingerprint=print_, created=now)
    except IntegrityError:
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
    else:
        return now, None
    if record is not None and record.created < now - IDEMPOTENCY_TTL:
        # Expired (24 h): the key is new again, whatever it was used for (deleted only when met
        # again, so a request with a fresh key costs no DELETE).
        IdempotencyRecord.objects.filter(pk=record.pk, created=record.created).delete()
        return _claim(user, key, print_)
    if record is None or record.finished or record.fingerprint != print_ or record.created > now - lease():
        return None, record
    # The request that claimed it died (or outlived its budget): one retry takes the lease over.
    taken = IdempotencyRecord.objects.filter(
        pk=record.pk, status_code__isnull=True, created=record.created
    ).update(created=now)
    return (now, None) if taken else (None, IdempotencyRecord.objects.filter(pk=record.pk).first())


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.body or b""), status=record.status_code)
    if record.content_type:
        response["Content-Type"] = record.content_type
    for name, value in (record.headers or {}).items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _answer_existing(record: IdempotencyRecord | None, print_: str) -> HttpResponse:
    if record is None:  # it expired and was deleted between our insert and our read
        return ApiProblem(409, "idempotency_in_progress", "Reintente la solicitud.").response()
    if record.fingerprint != print_:
        return ApiProblem(
            409,
            "idempotency_key_reused",
            "Esta Idempotency-Key ya se usó con otra solicitud (otro método, ruta o cuerpo) en las "
            "últimas 24 horas. Use una clave nueva para una solicitud nueva.",
        ).response()
    if not record.finished:
        return ApiProblem(
            409,
            "idempotency_in_progress",
            "Otra solicitud con esta Idempotency-Key se está procesando. Reintente en unos segundos: "
            "recibirá la misma respuesta.",
            headers={"Retry-After": 2},
        ).response()
    return _replay(record)


def _store(user, key: str, started: datetime, response) -> None:
    """Store the answer on our claim (not on a retry's that took a lapsed lease over)."""
    records = IdempotencyRecord.objects.filter(user=user, key=key, created=started, status_code__isnull=True)
    if (
        response.status_code in NOT_STORED
        or getattr(response, "before_view", False)
        or getattr(response, "streaming", False)
    ):
        records.delete()
        return
    records.update(
        status_code=response.status_code,
        content_type=response.get("Content-Type", ""),
        body=response.content,
        headers={name: response[name] for name in REPLAY_HEADERS if response.has_header(name)},
    )


def idempotent(view):
    """Wrap an API view: POSTs that carry an Idempotency-Key from an authenticated token."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return view(request, *args, **kwargs)
        token = request_token(request)
        if token is None:  # the API answers 401 itself
            return view(request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return ApiProblem(
                400,
                "idempotency_key_invalid",
                f"La Idempotency-Key debe tener entre 1 y {MAX_KEY_LENGTH} caracteres imprimibles.",
            ).response()
        try:
            print_ = fingerprint(request)
        except RequestDataTooBig:
            return view(request, *args, **kwargs)  # the API answers 413 itself
        started, existing = _claim(token.user, key, print_)
        if started is None:
            return _answer_existing(existing, print_)
        setattr(request, FORM_TOKEN_ATTR, _form_token(token.user, key, print_))
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            IdempotencyRecord.objects.filter(
                user=token.user, key=key, created=started, status_code__isnull=True
            ).delete()
            raise
        _store(token.user, key, started, response)
        return response

    return wrapper
