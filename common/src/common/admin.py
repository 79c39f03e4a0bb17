"""Admin building blocks every service's back office shares."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that change only through services, or never (audit trails, DSCSA records, keys):
    the back office may look, never touch."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline of rows the parent's page shows but never adds to or edits (lines, events)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# auth_svc's ids start at 1: scoping to 0 shows nothing.
NO_ORGANIZATION = 0


def admin_organization_scope(request, *, role: str) -> int | None:
    """Whose rows a signed-in staff member may see and act on in a back office: every
    organization's (``None``) for superusers; their own organization's for staff of ``role``
    signed in through single sign-on (the cookie's ``org`` claim, in
    ``request.admin_session``); nobody's (``NO_ORGANIZATION``) otherwise. Querysets filter on
    the answer, so a row of another organization is simply absent (no enumeration)."""
    if request.user.is_superuser:
        return None
    claims = getattr(request, "admin_session", None) or {}
    if claims.get("role") == role and claims.get("org") is not None:
        return int(claims["org"])
    return NO_ORGANIZATION


def admin_actor(request) -> str:
    """Who did it in the admin, in ``Principal.actor``'s format: ``user:<id>`` for a person
    signed in through auth_svc (the same id as in their API tokens); ``staff:<username>`` for
    an account local to this service's admin (a break-glass superuser)."""
    claims = getattr(request, "admin_session", None) or {}
    if claims.get("sub") is not None:
        return f"user:{claims['sub']}"
    return f"staff:{request.user.get_username()}"
