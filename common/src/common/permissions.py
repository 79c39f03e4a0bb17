"""Permission classes for roles and scopes, composable with DRF's ``&`` and ``|``."""

from rest_framework.permissions import BasePermission

from common.authentication import Principal


def _principal(request) -> Principal | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, Principal) else None


def has_role(*roles: str) -> type[BasePermission]:
    """Callers whose token carries one of ``roles``: people, and B2B integrations acting in
    their organization's role. Platform services have no role and never pass."""

    class HasRole(BasePermission):
        message = f"Requires one of the roles: {', '.join(roles)}."

        def has_permission(self, request, view) -> bool:
            principal = _principal(request)
            return principal is not None and principal.role in roles

    HasRole.__name__ = f"HasRole[{'|'.join(roles)}]"
    return HasRole


def service_scope(scope: str) -> type[BasePermission]:
    """Machine clients (no ``sub``) granted ``scope``; a person's token never passes."""

    class HasServiceScope(BasePermission):
        message = f"Requires a service token with scope '{scope}'."

        def has_permission(self, request, view) -> bool:
            principal = _principal(request)
            return principal is not None and principal.is_service and scope in principal.scopes

    HasServiceScope.__name__ = f"HasServiceScope[{scope}]"
    return HasServiceScope
