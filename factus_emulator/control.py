"""``/_emulator/*``: test and demo controls (not part of Factus, no authentication)."""

from __future__ import annotations

import re

from .delivery import EVENT_NAMES, add_event
from .wire import Request, Response

PREFIX = "/_emulator/"
_EVENTS = re.compile(r"^/_emulator/bills/(?P<number>[^/]+)/radian-events$")


def handle(box, request: Request) -> Response:
    route = (request.method, request.path.rstrip("/"))
    if route == ("GET", "/_emulator/outbox"):
        return Response(200, list(box.state.outbox))
    if route == ("GET", "/_emulator/stats"):
        return Response(200, box.stats())
    if route in {("GET", "/_emulator/config"), ("POST", "/_emulator/config")}:
        return _config(box, request)
    if route == ("POST", "/_emulator/reset"):
        box.reset()
        return Response(200, {"status": "OK", "message": "Emulador reiniciado"})
    match = _EVENTS.match(request.path)
    if match and request.method == "POST":
        return _event(box, request, match["number"])
    return Response(404, {"message": f"Unknown emulator control {request.method} {request.path}"})


def _config(box, request: Request) -> Response:
    if request.method == "POST":
        body = request.json()
        if not isinstance(body, dict):
            return Response(400, {"message": "Expected a JSON object"})
        try:
            box.configure(**body)
        except (TypeError, ValueError) as exc:
            return Response(400, {"message": str(exc)})
    return Response(200, box.config())


def _event(box, request: Request, number: str) -> Response:
    record = box.state.bill_by_number(number)
    if record is None:
        return Response(404, {"message": f"No se encontró el documento {number}"})
    body = request.json()
    code = str(body.get("event_code", "030")) if isinstance(body, dict) else "030"
    if code not in EVENT_NAMES:
        return Response(400, {"message": f"event_code must be one of {sorted(EVENT_NAMES)}"})
    return Response(201, add_event(record, code, box.now()))
