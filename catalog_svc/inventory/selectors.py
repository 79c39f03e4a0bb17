"""Reads of the inventory: lots (with their status as of today), the ledger, availability
and the expiry and low-stock reports. ``owner_org`` limits results to one distributor's
warehouses; ``None`` means every warehouse (admin)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Case,
    F,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import Drug
from catalog.selectors import warehouse_list
from common.prepared import Param, PreparedQuery
from inventory.models import (
    Allocation,
    Lot,
    LotStatus,
    Movement,
    Reservation,
    ReservationLine,
    ReservationStatus,
)


def sellable_q(today: date, prefix: str = "") -> Q:
    """Lots that may be sold today: available status and not past their expiry date, even
    before ``expire_lots`` has marked them."""
    return Q(**{f"{prefix}status": LotStatus.AVAILABLE, f"{prefix}expiry_date__gte": today})


def effective_status(today: date) -> Case:
    """A lot's status as a reader should see it: past its expiry date it is expired."""
    return Case(
        When(
            status__in=[LotStatus.AVAILABLE, LotStatus.QUARANTINED],
            expiry_date__lt=today,
            then=Value(LotStatus.EXPIRED),
        ),
        default=F("status"),
    )


def _scoped(queryset: QuerySet, owner_org: int | None, path: str) -> QuerySet:
    return queryset if owner_org is None else queryset.filter(**{path: owner_org})


def warehouse_ids_of(owner_org: int | None) -> list[int] | None:
    """The ids of ``owner_org``'s warehouses, or None for every warehouse (admin). Lots are
    filtered by these ids rather than through a join or a subquery: the planner then sizes
    the owner's share from the lots' own statistics (a subquery's share is a guess, and a low
    one made Postgres sort a whole 1M-lot window instead of reading an index in order)."""
    if owner_org is None:
        return None
    return [warehouse.pk for warehouse in _warehouses_of(org=owner_org)]


# Read on every back-office list and report: compiled once, not built by the ORM each time.
_warehouses_of = PreparedQuery(lambda: warehouse_list(owner_org=Param("org")).only("pk"))


def _in_warehouses_of(lots: QuerySet[Lot], owner_org: int | None) -> QuerySet[Lot]:
    """``lots`` in ``owner_org``'s warehouses (``warehouse_ids_of``)."""
    warehouses = warehouse_ids_of(owner_org)
    return lots if warehouses is None else lots.filter(warehouse_id__in=warehouses)


def lot_get(*, lot_id: int, owner_org: int | None) -> Lot | None:
    return _scoped(Lot.objects.filter(pk=lot_id), owner_org, "warehouse__owner_org").first()


def lot_list(*, owner_org: int | None) -> QuerySet[Lot]:
    today = timezone.localdate()
    lots = Lot.objects.annotate(current_status=effective_status(today))
    return _in_warehouses_of(lots, owner_org).order_by("expiry_date", "pk")


def lot_status_today(lot: Lot) -> str:
    """A lot's status as ``lot_list`` reads it (past its expiry date it is expired); a lot
    loaded another way shows its stored status."""
    return getattr(lot, "current_status", lot.status)


def lot_units_for_sale(lot: Lot) -> int:
    """What a lot offers buyers: its available units while it may be sold, none once it is
    quarantined, recalled or expired (the units stay on hand, for nobody)."""
    return lot.available if lot_status_today(lot) == LotStatus.AVAILABLE else 0


def movement_list(*, owner_org: int | None) -> QuerySet[Movement]:
    movements = Movement.objects.select_related("lot").order_by("-pk")
    return _scoped(movements, owner_org, "lot__warehouse__owner_org")


@dataclass(frozen=True)
class WarehouseStock:
    warehouse: int
    name: str
    available: int
    on_hand: int


@dataclass(frozen=True)
class DrugAvailability:
    drug: int
    available: int
    on_hand: int
    earliest_expiry: date | None
    warehouses: list[WarehouseStock]


def drug_availability(*, drug_id: int) -> DrugAvailability | None:
    """Sellable stock of a drug, per warehouse; ``None`` for a drug the catalog does not
    have. Unconfirmed holds whose time is up count as available even before they are
    expired, since the next reservation will take them back.

    A drug with sellable lots is known (the lots point at it), so the drug itself is looked
    up only when it has none, and its lapsed holds only when it has some."""
    today, now = timezone.localdate(), timezone.now()
    rows = _stock_by_warehouse(drug=drug_id, today=today)
    if not rows and not Drug.objects.filter(pk=drug_id).exists():
        return None
    lapsed = (
        {
            row["lot__warehouse_id"]: row["quantity"]
            for row in _lapsed_by_warehouse(drug=drug_id, today=today, now=now)
        }
        if rows
        else {}
    )
    warehouses = [
        WarehouseStock(
            warehouse=row["warehouse_id"],
            name=row["warehouse__name"],
            available=row["total_available"] + lapsed.get(row["warehouse_id"], 0),
            on_hand=row["total_on_hand"],
        )
        for row in rows
    ]
    expiries = [row["earliest"] for row in rows if row["earliest"] is not None]
    return DrugAvailability(
        drug=drug_id,
        available=sum(w.available for w in warehouses),
        on_hand=sum(w.on_hand for w in warehouses),
        earliest_expiry=min(expiries, default=None),
        warehouses=warehouses,
    )


# A buyer's look before ordering: the same two statements every time, compiled once.
_stock_by_warehouse = PreparedQuery(
    lambda: Lot.objects.filter(sellable_q(Param("today")), drug_id=Param("drug"))
    .values("warehouse_id", "warehouse__name")
    .annotate(
        earliest=Min("expiry_date", filter=Q(available__gt=0)),
        total_available=Sum("available"),
        total_on_hand=Sum("on_hand"),
    )
    .order_by("warehouse_id")
)
_lapsed_by_warehouse = PreparedQuery(
    lambda: Allocation.objects.filter(
        sellable_q(Param("today"), "lot__"),
        lot__drug_id=Param("drug"),
        line__reservation__status=ReservationStatus.HELD,
        line__reservation__confirmed_at__isnull=True,  # a confirmed hold never lapses
        line__reservation__expires_at__lte=Param("now"),
    )
    .values("lot__warehouse_id")
    .annotate(quantity=Sum("quantity"))
    .order_by()
)


def drugs_low_stock(*, owner_org: int | None) -> QuerySet[Drug]:
    """Active drugs whose sellable stock (in the caller's warehouses) is under their
    reorder point, emptiest first."""
    today = timezone.localdate()
    stock = sellable_q(today, "lots__")
    if owner_org is not None:
        stock &= Q(lots__warehouse__owner_org=owner_org)
    return (
        Drug.objects.filter(active=True, reorder_point__gt=0)
        .annotate(stock_available=Coalesce(Sum("lots__available", filter=stock), 0))
        .filter(stock_available__lt=F("reorder_point"))
        .order_by("stock_available", "name", "pk")
    )


_held_by_reference = PreparedQuery(
    lambda: Reservation.objects.filter(
        reference=Param("reference"), status=ReservationStatus.HELD
    ).only("pk")[:1]
)


def reference_holds(*, reference: str) -> bool:
    """Whether a held reservation has this business reference (compiled once per process)."""
    return bool(_held_by_reference(reference=reference))


def reservation_with_lines_held(
    reservation: Reservation, lines: dict[ReservationLine, list[Allocation]]
) -> Reservation:
    """``reservation`` as ``reservation_get`` reads it, from its lines and their allocations
    (lots loaded) already in memory, in the same order: its answer costs no query."""
    for line, allocations in lines.items():
        allocations = sorted(allocations, key=lambda a: (a.lot.expiry_date, a.lot_id))
        line._prefetched_objects_cache = {"allocations": allocations}
    reservation._prefetched_objects_cache = {"lines": sorted(lines, key=lambda line: line.drug_id)}
    return reservation


def reservation_get(*, reservation_id: int) -> Reservation | None:
    """A reservation with its lines and their allocations (lot numbers and expiries)."""
    lines = ReservationLine.objects.order_by("drug_id").prefetch_related(
        Prefetch(
            "allocations",
            queryset=Allocation.objects.select_related("lot").order_by(
                "lot__expiry_date", "lot_id"
            ),
        )
    )
    return (
        Reservation.objects.filter(pk=reservation_id)
        .prefetch_related(Prefetch("lines", queryset=lines))
        .first()
    )


# The window of ``pharma_stock_expiring_units``: a month is what a distributor needs to move
# short-dated stock (returns to the manufacturer, discounts) before it must be written off.
EXPIRING_SOON_DAYS = 30


def sellable_units_expiring(*, days: int = EXPIRING_SOON_DAYS) -> int:
    """Units no order holds, in sellable lots that expire within ``days`` (today included).

    One aggregate over ``inventory_lot_status_exp_idx`` (status, expiry_date): the rows read
    are the window's lots only, however large the ledger grows.
    """
    today = timezone.localdate()
    lots = Lot.objects.filter(sellable_q(today), expiry_date__lte=today + timedelta(days=days))
    return lots.aggregate(units=Coalesce(Sum("available"), 0))["units"]
