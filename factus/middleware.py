"""Every web request gets one Factus budget, so no page can wait on Factus past the worker timeout."""

from __future__ import annotations

from . import deadline
from .conf import request_budget


class FactusBudgetMiddleware:
    """Run each request inside ``deadline.budget(FACTUS_REQUEST_BUDGET)``.

    A net under the services that open their own budget (an inner window only shortens this one):
    whatever a view does, its Factus calls together end within the budget, and
    ``FACTUS_REQUEST_BUDGET + 10 <= WEB_TIMEOUT`` (check factus.W002) keeps gunicorn from killing
    the worker first. The window starts with the request, so time spent before the first Factus
    call counts too: the request as a whole stays below the worker timeout.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with deadline.budget(request_budget()):
            return self.get_response(request)
