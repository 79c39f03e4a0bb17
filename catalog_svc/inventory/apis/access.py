"""Who may call the inventory endpoints, and the scopes a client token needs for them."""

from common.permissions import has_role, service_scope
from common.scopes import resource_scopes

RESERVE_SCOPE = "inventory:reserve"
# Distributors manage their own warehouses' stock; admins every warehouse's.
BackOffice = has_role("distributor", "admin")
Reserver = service_scope(RESERVE_SCOPE)
INVENTORY_SCOPES = resource_scopes("inventory")
RESERVER_SCOPES = {"read": RESERVE_SCOPE, "write": RESERVE_SCOPE}
