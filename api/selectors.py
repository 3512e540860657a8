"""Reads of the API's own records."""

from django.db.models import QuerySet

from api.models import ApiToken


def user_tokens(*, user) -> QuerySet[ApiToken]:
    """The user's tokens, active first, newest first."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created", "-id")
