"""The base of the lists' django-filter FilterSets (credit notes, customers, products)."""

from __future__ import annotations

import django_filters


class SortedFilterSet(django_filters.FilterSet):
    """Filters plus a column sort in ``orden`` (an ``OrderingFilter`` the subclass declares, its
    values the column keys) and ``default_sort``, the key the list is in when none is chosen.

    The rows' order always ends with the primary key (core.keyset adds it), so a page never repeats
    or skips a row of equal keys.
    """

    default_sort = ""

    @property
    def current_sort(self) -> str:
        """The key the rows are sorted by ("-fecha"), for ``{% sort_header %}``."""
        self.form.errors  # noqa: B018  (validates the form: cleaned_data holds the valid fields)
        chosen = self.form.cleaned_data.get("orden")
        return chosen[0] if chosen else self.default_sort
