"""Wire a Sandbox into ``responses`` so tests drive a real requests Session without sockets."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .core import AnswerLost, Sandbox

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def register(rsps, sandbox: Sandbox, base_url: str = "http://factus.test") -> None:
    """Answer every method on every URL under ``base_url`` from ``sandbox``.

    Seven catch-all callbacks are added (one per method), so build the mock with
    ``responses.RequestsMock(assert_all_requests_are_fired=False)``.

    A lost answer (the ``lose_rate`` knob) is raised as what requests would raise over a
    socket: ``drop`` -> ``requests.exceptions.ConnectionError``; ``late`` ->
    ``requests.exceptions.ReadTimeout`` at once (INFERRED: without a socket there is no
    client timeout to outlast, and ``late`` exists to outlast it; the document is stored).
    """
    import requests
    import responses  # noqa: F401  (imported lazily: only tests need it)

    base = base_url.rstrip("/")
    host = urlsplit(base).netloc
    pattern = re.compile(re.escape(base) + r"(/.*)?$")

    def callback(request):
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"Host": host, **dict(request.headers)}
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif not isinstance(body, bytes):  # a generator or file from a streaming upload
            body = b"".join(body) if hasattr(body, "__iter__") else body.read()
        try:
            status, out_headers, payload = sandbox.handle(request.method, path or "/", headers, body)
        except AnswerLost as lost:
            if lost.mode == "drop":
                raise requests.exceptions.ConnectionError(
                    "Connection aborted: the emulator dropped the answer", request=request
                ) from None
            raise requests.exceptions.ReadTimeout(
                f"the emulator answers {lost.delay:g} s late", request=request
            ) from None
        out_headers = {k: v for k, v in out_headers.items() if k.lower() != "content-length"}
        return status, out_headers, payload

    for method in METHODS:
        rsps.add_callback(method, pattern, callback=callback)
