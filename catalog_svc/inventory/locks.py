"""Row locks of the inventory, taken in one global order so that no two transactions can
wait on each other in a cycle:

    drugs (by pk)  →  reservations (by pk)  →  lots (by pk)

Anything that changes which lots hold a reservation (reserving, releasing, committing,
expiring, re-allocating on recall) first locks the drugs concerned; a drug lock is what
makes "choose lots, then hold them" atomic per drug. Work on one lot's counters alone
(receipts, adjustments) locks only lots, the last level, and so fits the same order.
Each function must be called inside ``transaction.atomic()``.
"""

from collections.abc import Iterable

from django.db.models import F, QuerySet

from catalog.models import Drug
from common.prepared import AnyOf, Param, PreparedQuery
from inventory.models import Lot, LotStatus, Reservation

# The reservation's hot locks, compiled once per process.
_drugs = PreparedQuery(
    lambda: Drug.objects.filter(pk=AnyOf("drugs"))
    .only("active")
    .order_by("pk")
    .select_for_update(no_key=True)
)


def drugs_lock(drug_ids: Iterable[int]) -> dict[int, Drug]:
    """Lock the drugs; ``FOR NO KEY UPDATE`` so rows referencing them can still be added.
    Only ``active`` is loaded."""
    return {drug.pk: drug for drug in _drugs(drugs=sorted(set(drug_ids)))}


def reservations_lock(reservation_ids: Iterable[int]) -> list[Reservation]:
    return list(
        Reservation.objects.filter(pk__in=set(reservation_ids)).order_by("pk").select_for_update()
    )


def _in_lock_order(lots: QuerySet[Lot]) -> QuerySet[Lot]:
    return lots.order_by("pk").select_for_update(of=("self",))


def lots_lock(lots: QuerySet[Lot]) -> list[Lot]:
    """Lock the lots of ``lots`` in pk order and return them with their current counters."""
    return list(_in_lock_order(lots))


_sellable_lots = PreparedQuery(
    lambda: _in_lock_order(
        Lot.objects.filter(
            drug=AnyOf("drugs"),
            status=LotStatus.AVAILABLE,
            expiry_date__gte=Param("cutoff"),
            on_hand__gt=F("reserved"),
        )
    )
)


def sellable_lots_lock(*, drug_ids: Iterable[int], expiring_on_or_after) -> list[Lot]:
    """Lock the lots of these drugs that could be allocated: available status, stock left,
    and an expiry no earlier than ``expiring_on_or_after``."""
    return _sellable_lots(drugs=sorted(set(drug_ids)), cutoff=expiring_on_or_after)
