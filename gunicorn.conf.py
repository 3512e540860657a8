"""gunicorn settings (gunicorn reads ./gunicorn.conf.py from its working directory by default).

Run from the repository root: ``gunicorn factus_project.wsgi``. Every value comes from the
environment; a command-line flag still overrides it. The worker timeout must leave room for
FACTUS_REQUEST_BUDGET plus a margin: the system check factus.W002 warns when it does not
(docs/deployment.md explains the numbers).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also with -c from elsewhere

from factus.conf import DEFAULT_WEB_TIMEOUT  # the one home of the default


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number of seconds/workers, got {raw!r}") from None
    if value <= 0:
        raise SystemExit(f"{name} must be positive, got {value}")
    return value


wsgi_app = "factus_project.wsgi"
bind = os.environ.get("WEB_BIND", "").strip() or "127.0.0.1:8000"
workers = _positive_int("WEB_CONCURRENCY", 4)
worker_class = "sync"  # one request per process: the Factus deadline and budget are per request
# Seconds a silent worker may live; the Factus budget of a request ends well before (factus.W002).
timeout = _positive_int("WEB_TIMEOUT", DEFAULT_WEB_TIMEOUT)
# On restart/shutdown, let a request already talking to Factus finish instead of cutting it.
graceful_timeout = timeout
accesslog = "-"  # stdout
errorlog = "-"  # stderr
# gunicorn 27's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl): two
# instances on one host would fight over it, and nothing here uses it.
control_socket_disable = True
