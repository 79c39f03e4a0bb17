"""Query-parameter filters shared by the pricing apps' list endpoints."""

import django_filters

from prices.selectors import active_on_q


class ActiveOnFilterSet(django_filters.FilterSet):
    """``?active_on=YYYY-MM-DD``: only what is in force on that day."""

    active_on = django_filters.DateFilter(method="filter_active_on", label="In force on this date")

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(active_on_q(value))
