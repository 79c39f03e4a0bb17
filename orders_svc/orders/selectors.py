"""Reads on orders, always through what the caller may see (others' orders: 404)."""

from django.db.models import QuerySet
from rest_framework.generics import get_object_or_404

from common.authentication import Principal
from orders.models import Order, OrderLine

BUYER_ROLES = {"hospital", "pharmacy"}


def orders_visible_to(principal: Principal) -> QuerySet[Order]:
    orders = Order.objects.all()
    if principal.role == "admin":
        return orders
    if principal.role == "distributor":
        return orders.filter(seller_org=principal.org)
    if principal.role in BUYER_ROLES and principal.org is not None:
        return orders.filter(buyer_org=principal.org)
    if principal.role == "patient":
        return orders.filter(channel=Order.Channel.B2C, buyer_user=principal.sub)
    return orders.none()


def order_with_lines(queryset: QuerySet[Order]) -> QuerySet[Order]:
    return queryset.prefetch_related("lines")


def order_with_lines_held(order: Order, lines: list[OrderLine]) -> Order:
    """``order`` as ``order_with_lines`` reads it, from ``lines`` already in memory (all of
    them, in ``line_no`` order, as stored): its answer costs no query."""
    order._prefetched_objects_cache = {"lines": lines}
    return order


def order_visible(*, principal: Principal, pk: int) -> Order:
    """The order if the caller may see it; otherwise 404, never 403 (no enumeration)."""
    return get_object_or_404(orders_visible_to(principal), pk=pk)
