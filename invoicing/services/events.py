"""The timeline of every document: each action and each Factus attempt becomes one of its events."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager

from django.core.serializers.json import DjangoJSONEncoder

from factus.errors import SECRET_KEYS
from invoicing.models import DocumentEvent
from invoicing.payloads import json_safe

Action = DocumentEvent.Action
Outcome = DocumentEvent.Outcome


class InvoiceActionError(Exception):
    """The service refused the action; ``.message`` is Spanish and fit to show the user."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _redact(obj: dict) -> dict:
    """``scrub`` for one decoded JSON object (its nested objects were already redacted)."""
    if SECRET_KEYS.isdisjoint(key.lower() for key in obj):
        return obj
    return {k: "[REDACTED]" if k.lower() in SECRET_KEYS else v for k, v in obj.items()}


def clean_json(value):
    """JSON-ready copy with secrets removed (Decimal/dates as strings), same result as ``scrub``.

    The secrets are removed while decoding (``object_hook``), not by a second recursive copy.
    """
    if value is None:
        return None
    try:
        text = json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False)
    except ValueError:  # NaN/Infinity in an odd Factus answer: PostgreSQL's jsonb refuses them
        text = json.dumps(json_safe(value), cls=DjangoJSONEncoder, allow_nan=False)
    if "\\u0000" in text:  # jsonb refuses a NUL character too
        text = json.dumps(json_safe(json.loads(text)), cls=DjangoJSONEncoder)
    return json.loads(text, object_hook=_redact)


def record_event(
    document,
    *,
    user,
    action,
    outcome,
    message="",
    http_status=None,
    request=None,
    response=None,
    duration_ms=None,
    detail=None,
) -> DocumentEvent:
    """Append one event to the document's timeline (an InvoiceEvent, a CreditNoteEvent...: every
    FactusDocument's events are ``document.events``); ``detail``: what the "Último intento" panel needs."""
    return document.events.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        outcome=outcome,
        message=message,
        http_status=http_status,
        request=clean_json(request),
        response=clean_json(response),
        duration_ms=duration_ms,
        detail=clean_json(detail) or {},
    )


class Stopwatch:
    ms: int | None = None


@contextmanager
def timed():
    """Measure the time spent waiting for Factus (``.ms`` is set even when the call raises)."""
    watch = Stopwatch()
    started = time.perf_counter()
    try:
        yield watch
    finally:
        watch.ms = round((time.perf_counter() - started) * 1000)
