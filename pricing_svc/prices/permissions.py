"""Who may do what in the pricing service (API.md, pricing section), and the scopes a client
token needs for it."""

from common.permissions import has_role
from common.scopes import resource_scopes

BUYER_ROLES = ("hospital", "pharmacy")

# Price lists, contracts, rules and chargebacks are managed by the seller side.
SellerStaff = has_role("distributor", "admin")
Buyer = has_role(*BUYER_ROLES)
# Contracts are read by the seller side and by the buyer they are for.
SellerOrBuyer = has_role("distributor", "admin", *BUYER_ROLES)
PRICING_SCOPES = resource_scopes("pricing")
