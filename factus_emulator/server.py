"""The same Sandbox behind a real HTTP server (stdlib ``ThreadingHTTPServer``)."""

from __future__ import annotations

import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .core import AnswerLost, Sandbox

logger = logging.getLogger(__name__)


def make_handler(sandbox: Sandbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are separate writes
        server_version = "FactusEmulator/1.0"

        def parse_request(self) -> bool:
            # The emulator's time starts with the request's headers (its request line has just
            # arrived): parsing them is the server's work, as Factus' is Factus' time.
            self.started = time.perf_counter()
            return super().parse_request()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                answer = sandbox.handle(self.command, self.path, dict(self.headers.items()), body)
            except AnswerLost as lost:
                if lost.mode == "drop":
                    self._drop()
                    return
                time.sleep(lost.delay)  # "late": the Sandbox lock is already released
                answer = lost.answer
            try:
                self._write(*answer)
            except (BrokenPipeError, ConnectionResetError):  # a late answer nobody waits for
                self.close_connection = True

        def _write(self, status: int, headers: dict, payload: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            # How long the emulator worked on this request (headers parsed, body read, answer
            # built, up to its headers being written): a bench subtracts
            # it to time what the app itself costs (bench/invoices.py), as Factus' time is not ours.
            self.send_header(
                "Server-Timing", f"emulator;dur={(time.perf_counter() - self.started) * 1000:.3f}"
            )
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def _drop(self) -> None:
            """Close the TCP connection without writing a byte of the answer."""
            self.close_connection = True

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

        def log_message(self, format, *args) -> None:
            logger.debug("%s - %s", self.address_string(), format % args)

    return Handler


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 8001) -> EmulatorServer:
    return EmulatorServer((host, port), make_handler(sandbox))


def run_in_thread(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0):
    """Start serving in a daemon thread. Returns (server, thread, base_url).

    Stop it with ``server.shutdown(); server.server_close()``.
    """
    server = make_server(sandbox, host, port)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="factus-emulator", daemon=True
    )
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    return server, thread, f"http://{bound_host}:{bound_port}"
