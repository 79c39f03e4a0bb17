"""The organization whose warehouses a caller is limited to (the admin's equivalent is
``common.admin.admin_organization_scope``). Who did something is ``Principal.actor`` in the
API and ``common.admin.admin_actor`` in the admin."""

from common.authentication import Principal
from common.errors import Forbidden

ADMIN_ROLE = "admin"


def owner_scope(principal: Principal) -> int | None:
    """The org whose warehouses the caller may see and change; ``None`` means every org."""
    if principal.role == ADMIN_ROLE:
        return None
    if principal.org is None:
        raise Forbidden("Your token names no organization.", code="no_organization")
    return principal.org
