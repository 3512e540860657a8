"""The one place that talks HTTP to Factus: sessions, the total deadline of an exchange, GET retries.

Every exchange (one ``send()``: connect, request, headers and body, GET retries included) ends
within ``min(FACTUS_TIMEOUT, factus.deadline.remaining())``. requests/urllib3 only know per-socket
timeouts, which a server dripping one byte a second never trips, so the deadline is enforced by
three things together (what each relies on in requests 2.34 / urllib3 2.8 is said where it is used):

1. ``DeadlineTimeout``: every connect and every ``settimeout`` urllib3 makes is capped at the time
   left, so no single socket operation can outlive the deadline;
2. a watchdog (``threading.Timer``) that at the deadline shuts down the socket of the connection in
   use, which wakes a ``recv`` blocked on a slow drip of headers (or a TLS handshake);
3. the body is read with ``stream=True`` in ``read1`` chunks (at most one ``recv`` each), the
   deadline checked between chunks, so a slow drip of body ends too even without the watchdog.

GET retries (urllib3 ``Retry``: connect errors, 429/502/503/504, backoff and ``Retry-After``) never
start or sleep past the deadline: the last answer is handed back instead. Redirects are not
followed (Factus does not redirect its API; a 3xx is a bad answer, see ``client.py``).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import socket
import threading
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    HTTPError,
    InvalidHeader,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.util.retry import Retry
from urllib3.util.timeout import Timeout

from . import deadline, ratelimit
from .conf import DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, FactusSettings
from .errors import (
    FactusBadResponse,
    FactusConnectionError,
    FactusThrottled,
    FactusTimeout,
    parse_retry_after,
)

USER_AGENT = "factus-django-client/1.0 (+python-requests)"
RETRY_STATUSES = (429, 502, 503, 504)
MAX_RETRY_AFTER = 10  # seconds; a longer Retry-After is handed to the caller as FactusRateLimited
# Below this, an exchange cannot do anything useful: it is not started (nothing is sent).
MIN_EXCHANGE_SECONDS = 0.05
# The smallest socket timeout handed to urllib3 (0 would mean non-blocking, None no timeout).
MIN_SOCKET_TIMEOUT = 0.001
CHUNK_SIZE = 64 * 1024
# INFERRED: the largest Factus answer we accept (a base64 PDF of a 200-line bill is well under 5 MB).
MAX_BODY_BYTES = 32 * 1024 * 1024

NOT_SENT_MESSAGE = (
    "Se agotó el tiempo disponible para comunicarse con Factus; la solicitud no se envió. Intente de nuevo."
)
TIMEOUT_MESSAGE = (
    "Factus no respondió a tiempo (se esperó {seconds:.0f} s); la operación pudo haberse completado "
    "en Factus. Se debe verificar antes de reintentar."
)
CONNECT_TIMEOUT_MESSAGE = "Factus no aceptó la conexión a tiempo; la solicitud no se envió. Intente de nuevo."
REFUSED_MESSAGE = (
    "No fue posible conectar con Factus (conexión rechazada o servidor no encontrado); "
    "la solicitud no se envió. Intente de nuevo en unos minutos."
)
DROPPED_MESSAGE = (
    "Factus cerró la conexión sin completar la respuesta; la operación pudo haberse completado "
    "en Factus. Se debe verificar antes de reintentar."
)
NOT_SENT_ERROR_MESSAGE = "No fue posible enviar la solicitud a Factus; no se envió nada. Intente de nuevo."


# -- the exchange in progress -------------------------------------------------------------------
class Exchange:
    """One ``send()``: its absolute deadline, the connections it holds, and its watchdog.

    The watchdog runs in a Timer thread; connections are added/removed by the requesting thread
    (through the pool hooks below) and by whichever thread releases them, hence the lock.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.cut = False  # the watchdog fired before the exchange finished
        self._done = False
        self._connections: set = set()
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True  # a pending watchdog never keeps the interpreter alive

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def expired(self) -> bool:
        return self.cut or time.monotonic() >= self.deadline

    def start(self) -> None:
        self._timer.start()

    def finish(self) -> bool:
        """Stop the watchdog; True when the exchange ended before the deadline cut it."""
        self._timer.cancel()
        with self._lock:
            self._done = True
            self._connections.clear()
            return not self.cut

    def watch(self, conn) -> None:
        with self._lock:
            if self._done:
                return
            self._connections.add(conn)
            if self.cut:  # a connection taken after the cut (a retry racing it) dies at once
                _shut_down(conn)

    def unwatch(self, conn) -> None:
        """The connection went back to the pool: another exchange may use it, never cut it."""
        with self._lock:
            self._connections.discard(conn)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.cut = True
            for conn in self._connections:
                _shut_down(conn)


def _shut_down(conn) -> None:
    """Shut the connection's socket down for both directions: a ``recv`` blocked in another thread
    returns at once (EOF). ``socket.socket.shutdown`` is called on the base class on purpose: for an
    ``ssl.SSLSocket`` its own ``shutdown`` also drops the SSL object under the reading thread's
    feet; shutting the plain descriptor down makes that thread's ``SSL_read`` fail cleanly instead.
    A closed socket object has fileno -1, so this never touches a descriptor reused elsewhere.
    urllib3 sets ``conn.sock`` as soon as the TCP connect returns (before any TLS handshake), so a
    dripped handshake is cut too; a connect in progress is bounded by ``DeadlineTimeout`` instead.
    """
    sock = getattr(conn, "sock", None)
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # already closed or never connected
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


_current: contextvars.ContextVar[Exchange | None] = contextvars.ContextVar("factus_exchange", default=None)


class DeadlineTimeout(Timeout):
    """A urllib3 Timeout whose connect and read timeouts never exceed what is left of the exchange.

    requests hands a ``urllib3.Timeout`` instance to the pool unchanged (``HTTPAdapter.send``), the
    pool ``clone()``s it per request (``HTTPConnectionPool._get_timeout``) and reads
    ``connect_timeout`` before each connect and ``read_timeout`` before waiting for the answer
    (``_make_request``), so each socket operation, retries included, gets at most the time left.
    """

    def __init__(self, *, connect: float, read: float, exchange_deadline: float):
        super().__init__(connect=connect, read=read)
        self.exchange_deadline = exchange_deadline

    def clone(self) -> DeadlineTimeout:
        return DeadlineTimeout(
            connect=self._connect, read=self._read, exchange_deadline=self.exchange_deadline
        )

    def _left(self) -> float:
        return max(MIN_SOCKET_TIMEOUT, self.exchange_deadline - time.monotonic())

    @property
    def connect_timeout(self) -> float:
        return min(self._connect, self._left())

    @property
    def read_timeout(self) -> float:
        return min(self._read, self._left())


# -- retries ------------------------------------------------------------------------------------
class BoundedRetry(Retry):
    """urllib3 Retry that never sleeps through a long Retry-After, nor past the exchange deadline.

    When the wait before the next try would end after the deadline, it gives up as if the retries
    were exhausted: with ``raise_on_status=False`` urllib3's ``urlopen`` then returns the last answer
    (the 429/503 is mapped like any other), and after a connection error the error itself is raised.
    """

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        exchange = _current.get()
        if exchange is not None and exchange.expired():
            raise MaxRetryError(_pool, url, error or ResponseError("deadline reached"))
        if response is not None and response.headers.get("Retry-After"):
            try:
                wait = self.parse_retry_after(response.headers["Retry-After"])
            except InvalidHeader:  # left to the normal policy
                wait = 0
            if wait > MAX_RETRY_AFTER:
                raise MaxRetryError(_pool, url, ResponseError(f"Retry-After {wait:.0f}s too long"))
        if response is not None and response.status == 429:
            ratelimit.pause(parse_retry_after(response.headers.get("Retry-After")))
        new = super().increment(method, url, response, error, _pool, _stacktrace)
        wait = new._planned_wait(response)
        if exchange is not None and wait + MIN_EXCHANGE_SECONDS >= exchange.remaining():
            raise MaxRetryError(_pool, url, error or ResponseError("no time left for a retry"))
        try:  # a retry is one more request: it takes its turn of the fleet's budget too
            with deadline.budget(exchange.remaining() if exchange is not None else MAX_RETRY_AFTER):
                ratelimit.take_turn()
        except FactusThrottled:
            raise MaxRetryError(_pool, url, error or ResponseError("no turn left for a retry")) from None
        return new

    def _planned_wait(self, response) -> float:
        """What ``Retry.sleep(response)`` would sleep: Retry-After if honoured, else the backoff."""
        if self.respect_retry_after_header and response is not None:
            try:
                after = self.get_retry_after(response)
            except InvalidHeader:
                after = None
            if after:
                return after
        return self.get_backoff_time()


def build_retry() -> Retry:
    """Idempotent reads only: a POST is never replayed (reference_code is the idempotency key)."""
    return BoundedRetry(
        total=3,
        connect=2,  # the request never left: safe for any method
        read=0,  # a read timeout may have reached Factus: report it, never replay
        status=3,
        other=0,
        redirect=0,
        allowed_methods=frozenset({"GET", "HEAD"}),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=0.2,
        backoff_max=2.0,
        respect_retry_after_header=True,
        raise_on_status=False,
    )


# -- pools that tell the exchange which connection it is using ---------------------------------
class _WatchedPoolMixin:
    """``_get_conn`` / ``_put_conn`` are the pool's only ways a connection is lent and returned
    (``urlopen`` takes one per try and puts it back, or ``None`` after closing it; a streamed
    response puts it back through ``release_conn``). Lent connections belong to the current
    exchange's watchdog; returned ones no longer do."""

    def _get_conn(self, timeout=None):
        conn = super()._get_conn(timeout)
        exchange = _current.get()
        if exchange is not None:
            conn._factus_exchange = exchange
            exchange.watch(conn)
        return conn

    def _put_conn(self, conn):
        exchange = getattr(conn, "_factus_exchange", None)
        if exchange is not None:
            conn._factus_exchange = None
            exchange.unwatch(conn)
        return super()._put_conn(conn)


class WatchedHTTPConnectionPool(_WatchedPoolMixin, HTTPConnectionPool):
    pass


class WatchedHTTPSConnectionPool(_WatchedPoolMixin, HTTPSConnectionPool):
    pass


POOL_CLASSES = {"http": WatchedHTTPConnectionPool, "https": WatchedHTTPSConnectionPool}


class DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter whose pools report lent connections to the exchange's watchdog.

    urllib3's PoolManager (and ProxyManager, its subclass) builds pools from its instance attribute
    ``pool_classes_by_scheme``; replacing it is the documented-by-code extension point. A SOCKS proxy
    manager keeps its own pools: there only the deadline checks of points 1 and 3 apply.
    """

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = POOL_CLASSES

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = POOL_CLASSES
        return manager


class FactusSession(requests.Session):
    """A Session that knows the total deadline and the connect timeout of one exchange."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT):
        super().__init__()
        self.total_timeout = float(timeout)
        self.connect_timeout = float(connect_timeout)


def build_session(conf: FactusSettings | None = None) -> FactusSession:
    """A Session with the exchange deadline, JSON headers, a User-Agent and GET retries."""
    conf = conf or FactusSettings.from_django()
    session = FactusSession(conf.timeout, conf.connect_timeout)
    session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
    adapter = DeadlineAdapter(max_retries=build_retry(), pool_connections=4, pool_maxsize=16)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    # requests reads the proxy and CA-bundle variables on every request, walking all of os.environ
    # (about 1.5 ms of each submission here); every request of this session goes to conf.base_url
    # and the environment is fixed for the process, so they are read once, here. (Nor is ~/.netrc
    # read for credentials: Factus gets its bearer token.)
    session.proxies.update(requests.utils.get_environ_proxies(conf.base_url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    session.trust_env = False
    return session


# -- one exchange -------------------------------------------------------------------------------
def exchange_seconds(session: requests.Session) -> float:
    """The deadline of an exchange started now: ``min(FACTUS_TIMEOUT, deadline.remaining())``."""
    seconds = float(getattr(session, "total_timeout", DEFAULT_TIMEOUT))
    left = deadline.remaining()
    return seconds if left is None else min(seconds, left)


def send(session: requests.Session, method: str, url: str, **kwargs) -> requests.Response:
    """Perform one exchange within its total deadline; the body is read in full before returning.

    Raises:
        FactusTimeout: the deadline passed (``may_have_reached_server`` True once the request may
            have been sent; False when the window was spent before sending or the connect timed out).
        FactusConnectionError: refused / unresolvable (``may_have_reached_server=False``) or the
            connection dropped after sending (``True``).
        FactusBadResponse: the body could not be decoded or is absurdly large.
        FactusThrottled: the fleet's rate limit gave no turn before the deadline (nothing sent).
    """
    ratelimit.take_turn()  # the fleet's shared budget; FactusThrottled: nothing sent
    seconds = exchange_seconds(session)
    if seconds < MIN_EXCHANGE_SECONDS:
        raise FactusTimeout(NOT_SENT_MESSAGE, may_have_reached_server=False)
    exchange = Exchange(seconds)
    connect = min(float(getattr(session, "connect_timeout", DEFAULT_CONNECT_TIMEOUT)), seconds)
    kwargs["timeout"] = DeadlineTimeout(connect=connect, read=seconds, exchange_deadline=exchange.deadline)
    kwargs.setdefault("allow_redirects", False)
    token = _current.set(exchange)
    exchange.start()
    failure: Exception | None = None
    try:
        response = session.request(method, url, stream=True, **kwargs)
        try:
            _read_body(response, exchange)
        finally:
            response.close()  # after a full read: back to the pool; otherwise the connection is closed
    except requests.exceptions.RequestException as exc:
        failure = exc
    except (HTTPError, OSError) as exc:  # urllib3 errors of the body read are not wrapped by requests
        failure = exc
    except _DeadlineReached as exc:
        failure = exc
    finally:
        on_time = exchange.finish()
        _current.reset(token)
    if failure is not None or not on_time:
        raise _fault(failure, exchange, on_time) from failure
    if response.status_code == 429:  # the whole fleet waits what Factus asked
        ratelimit.pause(parse_retry_after(response.headers.get("Retry-After")))
    return response


class _DeadlineReached(Exception):
    pass


def _read_body(response: requests.Response, exchange: Exchange) -> None:
    """Read the whole body, checking the deadline between chunks.

    ``HTTPResponse.read1`` (urllib3 >= 2.3) makes at most one ``recv``, so a drip returns a byte at a
    time instead of blocking until a full chunk arrived. Storing the bytes in ``_content`` (and
    ``_content_consumed``) is how requests itself caches a read body: ``.content``, ``.text`` and
    ``.json()`` then work as for a non-streamed response.
    """
    chunks, size = [], 0
    while True:
        if exchange.expired():
            raise _DeadlineReached
        chunk = response.raw.read1(CHUNK_SIZE, decode_content=True)
        if not chunk:
            break
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise FactusBadResponse(
                f"Factus envió una respuesta de más de {MAX_BODY_BYTES // (1024 * 1024)} MB; se descartó.",
                status_code=response.status_code,
            )
        chunks.append(chunk)
    response._content = b"".join(chunks)
    response._content_consumed = True


def _fault(exc: Exception | None, exchange: Exchange, on_time: bool) -> Exception:
    """Name what happened: timeout, refused / never sent, dropped after sending, bad body."""
    cause = _cause(exc)
    # urllib3 2: NewConnectionError (refused, DNS) subclasses ConnectTimeoutError; both mean the
    # request never left this machine, like requests' ConnectTimeout.
    sent = not (isinstance(cause, _NOT_SENT) or isinstance(exc, requests.exceptions.ConnectTimeout))
    if not on_time or isinstance(exc, _DeadlineReached) or exchange.expired():
        return FactusTimeout(
            TIMEOUT_MESSAGE.format(seconds=exchange.seconds) if sent else NOT_SENT_MESSAGE,
            may_have_reached_server=sent,
        )
    if isinstance(cause, NewConnectionError):
        return FactusConnectionError(REFUSED_MESSAGE, may_have_reached_server=False)
    if not sent:
        return FactusTimeout(CONNECT_TIMEOUT_MESSAGE, may_have_reached_server=False)
    if isinstance(cause, ReadTimeoutError | TimeoutError) or isinstance(exc, requests.exceptions.Timeout):
        return FactusTimeout(TIMEOUT_MESSAGE.format(seconds=exchange.seconds), may_have_reached_server=True)
    if isinstance(cause, DecodeError) or isinstance(exc, requests.exceptions.ContentDecodingError):
        return FactusBadResponse("Factus envió una respuesta que no se pudo decodificar.")
    if isinstance(exc, _NOT_SENDABLE):
        return FactusConnectionError(NOT_SENT_ERROR_MESSAGE, may_have_reached_server=False)
    return FactusConnectionError(DROPPED_MESSAGE, may_have_reached_server=True)


_NOT_SENT = (NewConnectionError, NameResolutionError, ConnectTimeoutError)
# Refused by requests before anything was sent (e.g. an empty FACTUS_BASE_URL).
_NOT_SENDABLE = (
    requests.exceptions.InvalidURL,
    requests.exceptions.InvalidHeader,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.URLRequired,
)


def _cause(exc: BaseException | None) -> BaseException | None:
    """The innermost urllib3 reason behind a requests exception (MaxRetryError / ProtocolError)."""
    seen = 0
    while exc is not None and seen < 5:
        seen += 1
        if isinstance(exc, MaxRetryError):
            exc = exc.reason
        elif (
            isinstance(exc, requests.exceptions.RequestException)
            and exc.args
            and isinstance(exc.args[0], BaseException)
        ):
            exc = exc.args[0]
        elif isinstance(exc, ProtocolError) and len(exc.args) > 1 and isinstance(exc.args[1], BaseException):
            return exc  # "Connection aborted." after sending: the request was on the wire
        else:
            return exc
    return exc
