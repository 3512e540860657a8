"""Pages Django leaves bare: a 405 (a bookmarked POST-only address) gets a Spanish page."""

from __future__ import annotations

from django.template.loader import render_to_string


class MethodNotAllowedPageMiddleware:
    """Give the empty body of ``HttpResponseNotAllowed`` (``require_POST`` and friends) the
    Spanish 405 page, keeping its status and ``Allow`` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and request.method != "HEAD":
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
