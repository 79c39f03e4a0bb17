"""Query-parameter filters of the inventory's list endpoints (django-filter)."""

from datetime import timedelta

import django_filters
from django.utils import timezone

from inventory.models import Lot, LotStatus, Movement, MovementKind

MAX_DAYS = 3650


class LotFilter(django_filters.FilterSet):
    drug = django_filters.NumberFilter(field_name="drug_id")
    warehouse = django_filters.NumberFilter(field_name="warehouse_id")
    status = django_filters.ChoiceFilter(
        choices=LotStatus.choices,
        field_name="current_status",
        help_text="As of today: a lot past its expiry date is 'expired'.",
    )
    expiring_within_days = django_filters.NumberFilter(
        method="filter_expiring",
        min_value=0,
        max_value=MAX_DAYS,
        help_text="Lots not yet expired whose expiry date is within this many days.",
    )
    lot_number = django_filters.CharFilter()

    class Meta:
        model = Lot
        fields = ["drug", "warehouse", "status", "expiring_within_days", "lot_number"]

    def filter_expiring(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(
            expiry_date__gte=today, expiry_date__lte=today + timedelta(days=int(value))
        )


class MovementFilter(django_filters.FilterSet):
    lot = django_filters.NumberFilter(field_name="lot_id")
    drug = django_filters.NumberFilter(field_name="lot__drug_id")
    kind = django_filters.ChoiceFilter(choices=MovementKind.choices)
    reservation = django_filters.NumberFilter(field_name="reservation_id")

    class Meta:
        model = Movement
        fields = ["lot", "drug", "kind", "reservation"]
