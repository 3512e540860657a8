"""Request/response plumbing shared by every handler (no HTTP library involved)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

JSON_TYPE = "application/json"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    user: str | None = None

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def json(self):
        """Decoded JSON body; anything unparsable reads as an empty object (like Laravel)."""
        if not self.body:
            return {}
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return {}

    def form(self) -> dict[str, str]:
        """Form fields from urlencoded, multipart or JSON bodies."""
        ctype = self.header("content-type")
        if ctype.startswith("multipart/form-data"):
            return _multipart(ctype, self.body)
        if ctype.startswith(JSON_TYPE):
            data = self.json()
            return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    @property
    def base_url(self) -> str:
        host = self.header("host", "localhost")
        scheme = self.header("x-forwarded-proto", "http")
        return f"{scheme}://{host}"


@dataclass
class Response:
    status: int
    payload: object = None
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[int, dict[str, str], bytes]:
        body = json.dumps(self.payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": JSON_TYPE, **self.headers}
        headers["Content-Length"] = str(len(body))
        return self.status, headers, body


def ok(data=None, message: str = "Solicitud exitosa", status: int = 200) -> Response:
    payload = {"status": "OK", "message": message}
    if data is not None:
        payload["data"] = data
    return Response(status, payload)


def not_found(message: str) -> Response:
    return Response(404, {"status": "Not Found", "message": message})


def conflict(message: str) -> Response:
    return Response(409, {"status": "Conflict", "message": message})


def laravel_422(errors: dict[str, list[str]]) -> Response:
    """Laravel ValidationException body (envelope E2)."""
    messages = [m for msgs in errors.values() for m in msgs]
    message = messages[0]
    extra = len(messages) - 1
    if extra:
        message += f" (and {extra} more error{'s' if extra > 1 else ''})"
    return Response(422, {"message": message, "errors": errors})


def parse_headers(headers) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (headers or {}).items()}


def parse_query(query: str) -> dict[str, str]:
    return dict(parse_qsl(query, keep_blank_values=True))


def _multipart(ctype: str, body: bytes) -> dict[str, str]:
    raw = f"Content-Type: {ctype}\r\n\r\n".encode() + body
    message = BytesParser(policy=HTTP).parsebytes(raw)
    fields: dict[str, str] = {}
    if not message.is_multipart():
        return fields
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name:
            payload = part.get_payload(decode=True) or b""
            fields[name] = payload.decode("utf-8", "replace")
    return fields
