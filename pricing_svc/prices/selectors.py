"""Reads of list prices."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Q, QuerySet

from common.prepared import AnyOf, Param, PreparedQuery
from prices.models import PriceList, PriceListItem


def active_on_q(on: date | Param, prefix: str = "") -> Q:
    """In force on ``on``: both ends inclusive, an empty ``valid_to`` is open-ended."""
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__gte": on}) | Q(**{f"{prefix}valid_to__isnull": True})
    )


def price_lists() -> QuerySet[PriceList]:
    # Meta.ordering does not reach a grouped query: order explicitly, newest first.
    return PriceList.objects.annotate(item_count=Count("items")).order_by("-valid_from", "-id")


def price_list_items(*, price_list: PriceList) -> QuerySet[PriceListItem]:
    return price_list.items.select_related("price_list")


_list_prices_on = PreparedQuery(
    lambda: PriceListItem.objects.filter(
        active_on_q(Param("on"), "price_list__"), drug=AnyOf("drugs")
    )
    .select_related("price_list")
    .order_by("drug", "-price_list__valid_from", "-price_list__id")
    .distinct("drug")
)


def list_prices_on(*, drugs: Iterable[int], on: date) -> dict[int, PriceListItem]:
    """The list price of each drug on ``on`` (one query, compiled once per process).

    Where several price lists in force price a drug, the latest-starting list wins, then the
    highest id: the newest list is the one meant to be in force.
    """
    return {item.drug: item for item in _list_prices_on(drugs=list(drugs), on=on)}
