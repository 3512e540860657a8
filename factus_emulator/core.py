"""The Sandbox: one lock, one router, the knobs; transports call ``Sandbox.handle``."""

from __future__ import annotations

import copy
import logging
import math
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from functools import partial
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from . import auth, bills, control, credit_notes, delivery, documents, lookups, shapes
from . import support_documents as sd
from .catalogues import load
from .families import ADJUSTMENT_NOTES, BILLS, CREDIT_NOTES, SUPPORT_DOCUMENTS, of
from .state import State, load_state, save_state, seed_ranges
from .wire import Request, Response, parse_headers, parse_query

logger = logging.getLogger(__name__)
BOGOTA = ZoneInfo("America/Bogota")
KNOBS = (
    "token_ttl",
    "latency_ms",
    "fail_rate",
    "rate_limit",
    "lose_rate",
    "lose_modes",
    "lose_late_seconds",
    "answer_shape",
)
LOSE_MODES = ("drop", "500", "late")
ANSWER_SHAPES = (shapes.DOCUMENTED, shapes.SANDBOX_2025_01)
SERVER_ERROR = {"message": "Server Error"}  # Laravel's 500 body with APP_DEBUG off

ROUTES = [
    ("POST", "/oauth/token", None),
    ("POST", "/v1/bills/validate", bills.create),
    ("GET", "/v1/bills", bills.list_bills),
    ("GET", "/v1/bills/show/{number}", bills.show),
    ("GET", "/v1/bills/download-pdf/{number}", delivery.download_pdf),
    ("GET", "/v1/bills/download-xml/{number}", delivery.download_xml),
    ("DELETE", "/v1/bills/destroy/reference/{reference}", bills.destroy),
    ("POST", "/v1/bills/send-email/{number}", delivery.send_email),
    ("GET", "/v1/bills/{number}/email-content", delivery.email_content),
    ("GET", "/v1/bills/{number}/radian/events", delivery.radian_events),
    ("POST", "/v1/bills/radian/events/update/{number}/{event_type}", delivery.update_radian_event),
    ("POST", "/v1/credit-notes/validate", credit_notes.create),
    ("GET", "/v1/credit-notes", credit_notes.list_notes),
    ("GET", "/v1/credit-notes/download-pdf/{number}", partial(delivery.download_pdf, fam=CREDIT_NOTES)),
    ("GET", "/v1/credit-notes/download-xml/{number}", partial(delivery.download_xml, fam=CREDIT_NOTES)),
    ("DELETE", "/v1/credit-notes/reference/{reference}", credit_notes.destroy),
    ("POST", "/v1/credit-notes/send-email/{number}", partial(delivery.send_email, fam=CREDIT_NOTES)),
    ("GET", "/v1/credit-notes/{number}/email-content", partial(delivery.email_content, fam=CREDIT_NOTES)),
    ("GET", "/v1/credit-notes/{number}", credit_notes.show),
    ("POST", "/v1/support-documents/validate", sd.create_support_document),
    ("GET", "/v1/support-documents", sd.list_support_documents),
    ("GET", "/v1/support-documents/show/{number}", sd.show_support_document),
    (
        "GET",
        "/v1/support-documents/download-pdf/{number}",
        partial(delivery.download_pdf, fam=SUPPORT_DOCUMENTS),
    ),
    (
        "GET",
        "/v1/support-documents/download-xml/{number}",
        partial(delivery.download_xml, fam=SUPPORT_DOCUMENTS),
    ),
    ("DELETE", "/v1/support-documents/reference/{reference}", sd.destroy_support_document),
    ("POST", "/v1/adjustment-notes/validate", sd.create_adjustment_note),
    ("GET", "/v1/adjustment-notes", sd.list_adjustment_notes),
    (
        "GET",
        "/v1/adjustment-notes/download-pdf/{number}",
        partial(delivery.download_pdf, fam=ADJUSTMENT_NOTES),
    ),
    (
        "GET",
        "/v1/adjustment-notes/download-xml/{number}",
        partial(delivery.download_xml, fam=ADJUSTMENT_NOTES),
    ),
    ("DELETE", "/v1/adjustment-notes/reference/{reference}", sd.destroy_adjustment_note),
    ("GET", "/v1/adjustment-notes/{number}", sd.show_adjustment_note),
    ("GET", "/v1/municipalities", lookups.municipalities),
    ("GET", "/v1/tributes/products", lookups.product_tributes),
    ("GET", "/v1/measurement-units", lookups.measurement_units),
    ("GET", "/v1/countries", lookups.countries),
    ("GET", "/v1/numbering-ranges", lookups.numbering_ranges),
    ("GET", "/v1/numbering-ranges/dian", lookups.dian_numbering_ranges),  # before {id}
    ("GET", "/v1/numbering-ranges/{id}", lookups.numbering_range),
    ("GET", "/v1/dian/acquirer", lookups.acquirer),
    ("GET", "/v1/company", lookups.company),
]
# Routes whose answer the lose-the-answer knob may lose (each creates or validates a document).
VALIDATES = {
    f"POST {path}"
    for path in (
        "/v1/bills/validate",
        "/v1/credit-notes/validate",
        "/v1/support-documents/validate",
        "/v1/adjustment-notes/validate",
    )
}
_COMPILED = [
    (m, t, re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", t) + "$"), h) for m, t, h in ROUTES
]


def parse_lose_modes(value) -> list[str]:
    """``"drop,500,late"`` or a list of those names; at least one, no unknown name."""
    names = value.split(",") if isinstance(value, str) else list(value or [])
    modes = list(dict.fromkeys(str(name).strip() for name in names if str(name).strip()))
    unknown = [m for m in modes if m not in LOSE_MODES]
    if unknown or not modes:
        raise ValueError(f"lose_modes must be a non-empty subset of {', '.join(LOSE_MODES)}")
    return modes


class AnswerLost(Exception):
    """The document was processed, then its answer is lost (the ``lose_rate`` knob).

    ``mode`` is ``"drop"`` (close the connection, send nothing) or ``"late"`` (send
    ``answer`` — the usual ``(status, headers, body)`` — only after ``delay`` seconds).
    Transports turn it into what a client would see; ``"500"`` needs no help and is
    returned as a normal answer.
    """

    def __init__(self, mode: str, answer: tuple[int, dict, bytes] | None = None, delay: float = 0.0):
        super().__init__(f"answer lost ({mode})")
        self.mode, self.answer, self.delay = mode, answer, delay


class Sandbox:
    """An in-memory Factus v1 account answering (method, path, headers, body) requests."""

    def __init__(
        self,
        *,
        token_ttl: int = 3600,
        latency_ms: int = 0,
        fail_rate: float = 0.0,
        rate_limit: int | None = None,
        state_file: str | None = None,
        seed: int | None = None,
        clock: Callable[[], float] = time.time,
        ranges: list[dict] | None = None,
        lose_rate: float = 0.0,
        lose_modes: str | list[str] | tuple[str, ...] = LOSE_MODES,
        lose_late_seconds: float = 25.0,
        answer_shape: str = shapes.DOCUMENTED,
    ) -> None:
        self._lock = threading.RLock()
        self.cat = load()
        self.clock = clock
        self.state_file = state_file
        self.random = random.Random(seed)
        self.token_ttl, self.latency_ms, self.fail_rate, self.rate_limit = 3600, 0, 0.0, None
        self.lose_rate, self.lose_modes, self.lose_late_seconds = 0.0, list(LOSE_MODES), 25.0
        self.answer_shape = shapes.DOCUMENTED
        self.configure(
            token_ttl=token_ttl,
            latency_ms=latency_ms,
            fail_rate=fail_rate,
            rate_limit=rate_limit,
            lose_rate=lose_rate,
            lose_modes=lose_modes,
            lose_late_seconds=lose_late_seconds,
            answer_shape=answer_shape,
        )
        self._processed = False  # set while handling a request that stored/validated a document
        self._seed_ranges = copy.deepcopy(ranges) if ranges is not None else seed_ranges()
        self.state = load_state(state_file) or self._fresh_state()
        self._windows: dict[str, list[float]] = {}

    # -- knobs and controls ------------------------------------------------------------
    def configure(self, **knobs) -> None:
        unknown = set(knobs) - set(KNOBS)
        if unknown:
            raise ValueError(f"unknown option(s): {', '.join(sorted(unknown))}")
        # Parse the values that can be refused before changing anything.
        if "lose_modes" in knobs:
            knobs["lose_modes"] = parse_lose_modes(knobs["lose_modes"])
        if "answer_shape" in knobs:
            knobs["answer_shape"] = str(knobs["answer_shape"] or shapes.DOCUMENTED)
            if knobs["answer_shape"] not in ANSWER_SHAPES:
                raise ValueError(f"answer_shape must be one of {', '.join(ANSWER_SHAPES)}")
        with self._lock:
            if "token_ttl" in knobs:
                self.token_ttl = max(1, int(knobs["token_ttl"]))
            if "latency_ms" in knobs:
                self.latency_ms = max(0, int(knobs["latency_ms"] or 0))
            if "fail_rate" in knobs:
                self.fail_rate = min(1.0, max(0.0, float(knobs["fail_rate"] or 0)))
            if "rate_limit" in knobs:
                limit = knobs["rate_limit"]
                self.rate_limit = int(limit) if limit else None
                self._windows = {}
            if "lose_rate" in knobs:
                self.lose_rate = min(1.0, max(0.0, float(knobs["lose_rate"] or 0)))
            if "lose_modes" in knobs:
                self.lose_modes = knobs["lose_modes"]
            if "lose_late_seconds" in knobs:
                self.lose_late_seconds = max(0.0, float(knobs["lose_late_seconds"] or 0))
            if "answer_shape" in knobs:
                self.answer_shape = knobs["answer_shape"]

    def config(self) -> dict:
        return {name: copy.copy(getattr(self, name)) for name in KNOBS}

    def reset(self) -> None:
        """Back to the seed: bills, ranges, tokens, outbox and stats (knobs are kept)."""
        with self._lock:
            self.state = self._fresh_state()
            self._windows = {}
            save_state(self.state, self.state_file)

    def _fresh_state(self) -> State:
        return State(ranges=copy.deepcopy(self._seed_ranges))

    def stats(self) -> dict:
        with self._lock:
            return {
                "token_grants": dict(self.state.grants),
                "token_grant_failures": dict(self.state.grant_failures),
                "requests": dict(self.state.routes),
                "bills": len(self.state.bills),
                "credit_notes": len(self.state.credit_notes),
                "support_documents": len(self.state.support_documents),
                "adjustment_notes": len(self.state.adjustment_notes),
                "outbox": len(self.state.outbox),
                "processed": dict(self.state.processed),
                "processed_by_reference": copy.deepcopy(self.state.processed_by_reference),
                "lost_answers": {mode: self.state.lost_answers.get(mode, 0) for mode in LOSE_MODES},
                "already_registered": dict(self.state.already_registered),
                "rate_limited": self.state.rate_limited,
                "duplicates": self._duplicates(),
            }

    def _duplicates(self) -> int:
        """Reference codes held by two or more validated documents of one family (Factus: never)."""
        total = 0
        for fam in (BILLS, CREDIT_NOTES, SUPPORT_DOCUMENTS, ADJUSTMENT_NOTES):
            seen = Counter(r["reference_code"] for r in getattr(self.state, fam.name) if r["status"] == 1)
            total += sum(1 for count in seen.values() if count > 1)
        return total

    def note_processed(self, family: str, reference: str) -> None:
        """Count a validate that stored a document or validated a pending one."""
        self.state.processed[family] = self.state.processed.get(family, 0) + 1
        refs = self.state.processed_by_reference.setdefault(family, {})
        refs[reference] = refs.get(reference, 0) + 1
        self._processed = True

    @property
    def outbox(self) -> list[dict]:
        with self._lock:
            return list(self.state.outbox)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), BOGOTA)

    # -- e-mail ------------------------------------------------------------------------
    def maybe_email(self, record: dict) -> None:
        """Factus e-mails the customer itself when the document asked for it (send_email)."""
        fam = of(record)
        email = record["data"][fam.party].get("email")
        if record["data"][fam.header].get("send_email") and email:
            self.deliver(record, email)

    def deliver(self, record: dict, to: str, custom_pdf: bool = False) -> None:
        name = documents.file_name(record)
        self.state.outbox.append(
            {
                "id": len(self.state.outbox) + 1,
                "to": to,
                "subject": delivery.subject(record),
                "number": record["number"],
                "reference_code": record["reference_code"],
                "attachments": [f"{name}.pdf", f"ad{name[2:]}.xml"],
                "custom_pdf": custom_pdf,
                "sent_at": datetime.fromtimestamp(self.clock(), UTC).isoformat(),
            }
        )

    # -- the entry point ---------------------------------------------------------------
    def handle(
        self, method: str, path_with_query: str, headers: dict | None = None, body: bytes | None = b""
    ) -> tuple[int, dict, bytes]:
        """Answer one HTTP request: returns (status, headers, body bytes)."""
        parts = urlsplit(path_with_query)
        request = Request(
            method=method.upper(),
            path=unquote(parts.path) or "/",
            query=parse_query(parts.query),
            headers=parse_headers(headers),
            body=body or b"",
        )
        if request.path.startswith(control.PREFIX):
            with self._lock:
                return control.handle(self, request).encode()
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        with self._lock:
            self._processed = False
            route, response = self._dispatch(request)
            lost = self._lose(route, response)
            if lost == "500":
                response = Response(500, dict(SERVER_ERROR))
            if request.method != "GET" and self.state_file:
                save_state(self.state, self.state_file)
        answer = response.encode()
        if lost in ("drop", "late"):
            raise AnswerLost(lost, answer, self.lose_late_seconds)
        return answer

    def _lose(self, route: str | None, response: Response) -> str | None:
        """Whether (and how) to lose the answer of a validate that processed a document."""
        if not (self.lose_rate and self._processed and route in VALIDATES):
            return None
        if self.random.random() >= self.lose_rate:
            return None
        mode = self.random.choice(self.lose_modes)
        self.state.lost_answers[mode] = self.state.lost_answers.get(mode, 0) + 1
        return mode

    def _dispatch(self, request: Request) -> tuple[str | None, Response]:
        route, handler = self._route(request)
        if isinstance(handler, Response):
            return route, handler
        self.state.routes[route] = self.state.routes.get(route, 0) + 1
        if self.fail_rate and self.random.random() < self.fail_rate:
            return route, Response(500, dict(SERVER_ERROR))
        now = self.clock()
        request.user = auth.bearer_user(self.state, request, now)
        limited = self._throttle(request, now)
        if limited.status == 429:
            return route, limited
        if handler is None:
            response = auth.token_endpoint(self.state, request, now, self.token_ttl)
        elif request.user is None:
            response = auth.UNAUTHENTICATED
        else:
            response = self._run(handler, request)
        response.headers.update(limited.headers)
        return route, response

    def _run(self, handler, request: Request) -> Response:
        try:
            return handler(self, request)
        except Exception:  # an emulator bug must look like Laravel's 500, not kill the server
            logger.exception("emulator error on %s %s", request.method, request.path)
            return Response(500, dict(SERVER_ERROR))

    def _route(self, request: Request):
        allowed = []
        for method, template, pattern, handler in _COMPILED:
            match = pattern.match(request.path)
            if match:
                if method == request.method:
                    request.params = match.groupdict()
                    return f"{method} {template}", handler
                allowed.append(method)
        path = request.path.lstrip("/")
        if allowed:
            return None, Response(
                405,
                {
                    "message": f"The {request.method} method is not "
                    f"supported for route {path}. Supported methods: "
                    f"{', '.join(allowed)}."
                },
            )
        return None, Response(404, {"message": f"The route {path} could not be found."})

    def _throttle(self, request: Request, now: float) -> Response:
        """Fixed one-minute window per user (per client when no valid bearer is sent)."""
        if not self.rate_limit:
            return Response(200)
        key = request.user or f"guest:{request.header('x-forwarded-for', 'local')}"
        window = self._windows.get(key)
        if window is None or now - window[0] >= 60:
            window = self._windows[key] = [now, 0]
        reset = window[0] + 60
        if window[1] >= self.rate_limit:
            self.state.rate_limited += 1
            retry = max(1, math.ceil(reset - now))
            return Response(
                429,
                {"message": "Too Many Attempts."},
                {
                    "Retry-After": str(retry),
                    "X-RateLimit-Limit": str(self.rate_limit),
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": str(math.ceil(reset)),
                },
            )
        window[1] += 1
        return Response(
            200,
            headers={
                "X-RateLimit-Limit": str(self.rate_limit),
                "X-RateLimit-Remaining": str(self.rate_limit - window[1]),
            },
        )

    def snapshot(self) -> dict:
        """A deep, JSON-ready copy of the state (for debugging and tests)."""
        with self._lock:
            return asdict(self.state)
