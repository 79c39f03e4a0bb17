"""Who may call the inventory endpoints."""

from common.permissions import has_role, service_scope

RESERVE_SCOPE = "inventory:reserve"
# Distributors manage their own warehouses' stock; admins every warehouse's.
BackOffice = has_role("distributor", "admin")
Reserver = service_scope(RESERVE_SCOPE)
