"""Reads of chargebacks: the claims list and the per-manufacturer report."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from chargebacks.models import Chargeback

Status = Chargeback.Status


def chargebacks() -> QuerySet[Chargeback]:
    return Chargeback.objects.all()


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def chargeback_report(
    *, manufacturer: str | None = None, date_from: date | None = None, date_to: date | None = None
) -> list[dict]:
    """Chargebacks per manufacturer and currency for lines shipped from ``date_from`` to
    ``date_to`` (both inclusive), in one query.

    ``amount`` is what may still be or was collected: open, submitted and paid claims;
    rejected ones are reported apart.
    """
    rows = chargebacks()
    if manufacturer:
        rows = rows.filter(manufacturer=manufacturer)
    # Half-open bounds on the timestamp itself, so the (…, shipped_at) indexes serve them.
    if date_from:
        rows = rows.filter(shipped_at__gte=_day_start(date_from))
    if date_to and date_to < date.max:  # nothing is shipped after the last day there is
        rows = rows.filter(shipped_at__lt=_day_start(date_to + timedelta(days=1)))
    # Aggregates may not reuse a field's name (``amount``): prefixed here, renamed below.
    sums = {
        f"sum_{status.value}": Sum("amount", filter=Q(status=status.value), default=0)
        for status in Status
    }
    groups = (
        rows.values("manufacturer", "currency")
        .annotate(
            lines=Count("id"),
            sum_quantity=Sum("quantity"),
            sum_amount=Sum("amount", filter=~Q(status=Status.REJECTED), default=0),
            **sums,
        )
        .order_by("manufacturer", "currency")
    )
    return [{name.removeprefix("sum_"): value for name, value in group.items()} for group in groups]
