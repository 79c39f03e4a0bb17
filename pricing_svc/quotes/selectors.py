"""Reads of quotes."""

from django.db.models import QuerySet

from common.authentication import Principal
from prices.permissions import BUYER_ROLES
from quotes.models import Quote


def quotes_visible_to(principal: Principal) -> QuerySet[Quote]:
    """A buyer sees its own organization's quotes; services and admins see every quote."""
    quotes = Quote.objects.prefetch_related("lines")
    if principal.is_service or principal.role == "admin":
        return quotes
    if principal.role in BUYER_ROLES and principal.org is not None:
        return quotes.filter(buyer_org=principal.org)
    return quotes.none()
