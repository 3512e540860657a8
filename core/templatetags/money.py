"""es-CO money: `$ 1.335.000,00`, whatever the active locale (core.numbers formats it)."""

from django import template

from core.numbers import format_money

register = template.Library()


@register.filter
def money(value):
    return format_money(value)
