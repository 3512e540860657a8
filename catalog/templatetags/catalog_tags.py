from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, field: str, label: str, param: str = "orden"):
    """A column header link that sorts by ``field`` and toggles the direction when already sorted."""
    request = context["request"]
    current = request.GET.get(param, "")
    params = request.GET.copy()
    params.pop("page", None)
    params[param] = f"-{field}" if current == field else field
    state = {field: ("ascending", " ▲"), f"-{field}": ("descending", " ▼")}.get(current, ("none", ""))
    return format_html(
        '<th scope="col" aria-sort="{}"><a class="link-body-emphasis" href="?{}">{}{}</a></th>',
        state[0],
        params.urlencode(),
        label,
        state[1],
    )
