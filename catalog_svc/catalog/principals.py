"""Who a caller is, in the two forms this service's services take: an actor label for the
audit trail, and the organization whose warehouses the caller is limited to (the admin's
equivalent is ``common.admin.admin_organization_scope``)."""

from common.authentication import Principal
from common.errors import Forbidden

ADMIN_ROLE = "admin"


def actor_label(principal: Principal) -> str:
    """A stable, human-readable name for event and ledger rows."""
    if principal.sub is None:  # a machine: a platform service or a B2B integration
        return f"client:{principal.client_id or 'unknown'}"
    name = f" {principal.username}" if principal.username else ""
    return f"user:{principal.sub}{name} ({principal.role}, org {principal.org})"


def owner_scope(principal: Principal) -> int | None:
    """The org whose warehouses the caller may see and change; ``None`` means every org."""
    if principal.role == ADMIN_ROLE:
        return None
    if principal.org is None:
        raise Forbidden("Your token names no organization.", code="no_organization")
    return principal.org


def staff_actor_label(user) -> str:
    """The actor of a change made in the admin site."""
    return f"staff:{user.get_username()}"
