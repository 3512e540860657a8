"""Column sorting for the staff lists (search is done by the selectors)."""

import django_filters

from core.filters import SortedFilterSet


class CustomerFilter(SortedFilterSet):
    default_sort = "nombre"
    orden = django_filters.OrderingFilter(
        fields=(
            ("sort_name", "nombre"),
            ("identification", "identificacion"),
            ("email", "correo"),
            ("municipality__name", "municipio"),
            ("updated", "actualizado"),
        )
    )


class ProductFilter(SortedFilterSet):
    default_sort = "nombre"
    orden = django_filters.OrderingFilter(
        fields=(
            ("code_reference", "codigo"),
            ("name", "nombre"),
            ("price", "precio"),
            ("tax_rate", "tarifa"),
            ("is_active", "activo"),
        )
    )
