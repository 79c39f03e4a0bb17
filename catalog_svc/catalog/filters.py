"""Query-parameter filters of the catalog's list endpoints (django-filter)."""

import functools

import django_filters

from catalog.models import Drug, Schedule
from catalog.selectors import drug_search

UNCONTROLLED = "none"
SEARCH_MAX_LENGTH = 200


def strict_boolean(**kwargs) -> django_filters.TypedChoiceFilter:
    """``true`` or ``false``; anything else is a 400, not silently "no filter"."""
    return django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
        **kwargs,
    )


class DrugFilter(django_filters.FilterSet):
    schedule = django_filters.ChoiceFilter(
        choices=[(UNCONTROLLED, "Not controlled"), *Schedule.choices[1:]],
        method="filter_schedule",
        help_text="CII, CIII, CIV, CV, or 'none' for drugs that are not controlled.",
    )
    rx_only = strict_boolean()
    active = strict_boolean()
    manufacturer = django_filters.CharFilter(lookup_expr="icontains")
    # Last, so that it searches within the other filters' results.
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Name, generic name, NDC or GTIN; typo-tolerant.",
    )

    class Meta:
        model = Drug
        fields = ["schedule", "rx_only", "active", "manufacturer", "search"]

    def get_form_class(self):
        return _form_class(type(self))

    def filter_search(self, queryset, name, value):
        return drug_search(queryset=queryset, query=value)

    def filter_schedule(self, queryset, name, value):
        return queryset.filter(schedule="" if value == UNCONTROLLED else value)


@functools.cache
def _form_class(filterset: type[django_filters.FilterSet]) -> type:
    """The form that validates a filter set's parameters, built once per filter set instead
    of per request (django-filter's default): its fields depend only on the filters
    declared, and every form made from it copies them."""
    fields = {name: declared.field for name, declared in filterset.base_filters.items()}
    return type(f"{filterset.__name__}Form", (filterset._meta.form,), fields)
