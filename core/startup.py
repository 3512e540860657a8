"""What a server process does once, before its first request (factus_project/wsgi.py)."""

import gc
from importlib import import_module

from django.conf import settings


def warm_up_and_freeze() -> None:
    """Load every view, form and template tag module, then move the startup heap out of the GC.

    A large request (a 200-line invoice form builds tens of thousands of objects) triggers full
    (generation 2) collections, and each one walked every object Django and the app keep for the
    life of the process: 90-110 ms pauses measured on the live-totals request, its p95 tail
    (bench/live_totals.py). ``gc.freeze()`` moves what exists now into a permanent generation the
    collector no longer scans, so a full collection only walks what requests create. It is the
    CPython-documented way for pre-forking servers (gc.freeze docs; gunicorn imports this module in
    each worker, no ``preload_app``); nothing is leaked: frozen objects are only those alive at start.
    """
    import_module(settings.ROOT_URLCONF)  # imports every view module (Django does it lazily)
    gc.collect()
    gc.freeze()
