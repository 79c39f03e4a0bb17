"""Reads on orders, always through what the caller may see (others' orders: 404)."""

from django.db.models import QuerySet

from common.authentication import Principal
from orders.models import Order

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
