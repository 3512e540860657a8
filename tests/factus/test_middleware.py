"""FactusBudgetMiddleware: a view's Factus calls share one budget of FACTUS_REQUEST_BUDGET."""

from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from factus import deadline
from factus.middleware import FactusBudgetMiddleware


def seen_by_the_view():
    """What ``deadline.remaining()`` says inside a view run through the middleware."""
    seen = []

    def view(request):
        seen.append(deadline.remaining())
        return HttpResponse()

    FactusBudgetMiddleware(view)(RequestFactory().get("/"))
    return seen[0]


@override_settings(FACTUS_REQUEST_BUDGET=7)
def test_a_view_runs_inside_the_request_budget():
    assert 0 < seen_by_the_view() <= 7


def test_the_window_closes_with_the_request():
    seen_by_the_view()
    assert deadline.remaining() is None


def test_the_middleware_is_installed():
    from django.conf import settings

    assert "factus.middleware.FactusBudgetMiddleware" in settings.MIDDLEWARE
