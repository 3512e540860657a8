"""The base of the lists' django-filter FilterSets (credit notes, customers, products)."""

from __future__ import annotations

import django_filters


class SortedFilterSet(django_filters.FilterSet):
    """Filters plus a column sort in ``orden`` (an ``OrderingFilter`` the subclass declares, its
    values the column keys) and ``default_sort``, the key the list is in when none (or no valid one)
    is chosen.

    The rows' order ends with the primary key, in the direction of the first key (the newest first
    among notes of one date), so the pages (core.keyset) and the CSV keep one order for equal keys.
    """

    default_sort = ""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("orden"):
            queryset = self.filters["orden"].filter(queryset, [self.default_sort])
        tie = "-pk" if self.current_sort.startswith("-") else "pk"
        return queryset.order_by(*queryset.query.order_by, tie)

    @property
    def current_sort(self) -> str:
        """The key the rows are sorted by ("-fecha"), for ``{% sort_header %}``."""
        self.form.errors  # noqa: B018  (validates the form: cleaned_data holds the valid fields)
        chosen = self.form.cleaned_data.get("orden")
        return chosen[0] if chosen else self.default_sort
