"""es-CO money: `$ 1.335.000,00`, whatever the active locale."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


def format_cop(value) -> str:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return ""
    sign = "-" if amount < 0 else ""
    integer, _, cents = f"{abs(amount):.2f}".partition(".")
    groups = f"{int(integer):,}".replace(",", ".")
    return f"{sign}$ {groups},{cents}"


@register.filter
def money(value):
    return format_cop(value)
