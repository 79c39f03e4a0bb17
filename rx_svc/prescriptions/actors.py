"""Who did something, as the audit trail records it: a person, a machine or a scheduled job."""

from dataclasses import dataclass

from common.admin import admin_actor
from common.authentication import Principal


@dataclass(frozen=True)
class Actor:
    # The platform's one format (``Principal.actor``, ``common.admin.admin_actor``):
    # "user:<auth_svc id>", "client:<client_id>", "staff:<local admin>", or "system:<job>".
    id: str
    # For people reading the trail; never compared.
    name: str = ""
    role: str = ""

    @classmethod
    def from_principal(cls, principal: Principal) -> "Actor":
        if principal.is_client:
            name, role = principal.client_id or "", principal.role or "service"
        else:
            name, role = principal.username or "", principal.role or ""
        return cls(id=principal.actor, name=name, role=role)

    @classmethod
    def from_admin_request(cls, request) -> "Actor":
        """A staff member in the admin. Signed in through auth_svc, they carry the same
        ``user:<id>`` as in their API tokens, so a claim made in one is theirs in the other."""
        user = request.user
        claims = getattr(request, "admin_session", None) or {}
        role = claims.get("role") or _role_of(user)
        return cls(id=admin_actor(request), name=user.username, role=role)


def _role_of(user) -> str:
    groups = [
        name for name in user.groups.values_list("name", flat=True) if name.startswith("role:")
    ]
    if groups:
        return groups[0].removeprefix("role:")
    return "admin" if user.is_superuser else "staff"


SYSTEM = Actor(id="system:expire_prescriptions", name="system", role="system")
