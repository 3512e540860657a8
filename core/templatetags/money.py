"""es-CO money: `$ 1.335.000,00`, whatever the active locale (core.numbers formats it)."""

from django import template

from core.numbers import format_money
from core.words import amount_in_words

register = template.Library()


@register.filter
def money(value):
    return format_money(value)


@register.filter
def in_words(value):
    """``1335000`` -> ``UN MILLÓN TRESCIENTOS TREINTA Y CINCO MIL PESOS M/CTE`` (core.words)."""
    return amount_in_words(value)
