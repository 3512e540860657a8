"""``{% load lists %}``: the column headers of every sortable list (invoices, credit notes,
customers, products), one way.

``{% sort_header "fecha" "Fecha" current=sort %}`` renders ``_sort_header.html``: a link that sorts by
the column, or toggles its direction when it is the current sort, keeping the filters and dropping
the page (``cursor``, ``page``: a new order starts at its first page), with ``aria-sort`` and an
arrow on the current column. ``current`` is the list's effective sort key ("-fecha"), which the view
takes from its filters (their default when none, or no valid one, was chosen).
"""

from django import template

register = template.Library()

POSITION_PARAMS = ("cursor", "page")


@register.inclusion_tag("_sort_header.html", takes_context=True)
def sort_header(context, key: str, label: str, *, current: str, param: str = "orden", css: str = "") -> dict:
    active = current.lstrip("-") == key
    descending = current.startswith("-")
    params = context["request"].GET.copy()
    for name in POSITION_PARAMS:
        params.pop(name, None)
    params[param] = key if active and descending else f"-{key}" if active else key
    return {
        "label": label,
        "css": css,
        "url": f"?{params.urlencode()}",
        "aria": ("descending" if descending else "ascending") if active else None,
    }
