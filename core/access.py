"""Who is knocking: the client address that login throttling (django-axes) counts failures by."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render


def client_ip(request) -> str | None:
    """The client's IP address: REMOTE_ADDR, or behind our proxy the address it appended last.

    Only the rightmost X-Forwarded-For entry is trusted: it is the one our proxy wrote; anything
    left of it came from the client and could be forged to dodge the lockout.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The Spanish page django-axes answers (429) to a locked-out login, the admin's included."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=429)
