"""``{% load roles %}{% if not user|has_role %}``: the "no role assigned" pages (core/roles.py)."""

from django import template

from core.roles import has_role as user_has_role

register = template.Library()


@register.filter
def has_role(user) -> bool:
    return user_has_role(user)
