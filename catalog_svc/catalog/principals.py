"""Who a caller is, in the two forms this service's services take: an actor label for the
audit trail, and the organization whose warehouses the caller is limited to."""

from common.authentication import Principal
from common.errors import Forbidden

ADMIN_ROLE = "admin"
NO_ORGANIZATION = 0  # auth_svc ids start at 1: scoping to 0 shows nothing


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


def admin_owner_scope(request) -> int | None:
    """Whose warehouses an admin-site user may see: all for superusers, their own
    organization's for distributor staff signed in through SSO, none otherwise."""
    if request.user.is_superuser:
        return None
    claims = getattr(request, "admin_session", None) or {}
    if claims.get("role") == "distributor" and claims.get("org") is not None:
        return int(claims["org"])
    return NO_ORGANIZATION
