"""Who did something, as the audit trail records it: a person, a service or the system."""

from dataclasses import dataclass

from common.authentication import Principal


@dataclass(frozen=True)
class Actor:
    id: str  # auth_svc user id, "client:<id>" for a machine, "system" for the service itself
    name: str = ""
    role: str = ""

    @classmethod
    def from_principal(cls, principal: Principal) -> "Actor":
        if principal.sub is None:
            client = f"client:{principal.client_id or '-'}"
            return cls(id=client, name=principal.client_id or "", role="service")
        return cls(id=principal.sub, name=principal.username or "", role=principal.role or "")

    @classmethod
    def from_admin_request(cls, request) -> "Actor":
        """A staff member in the admin. Signed in through auth_svc, they carry the same user
        id as in their API tokens, so a claim made in one is theirs in the other."""
        user = request.user
        claims = getattr(request, "admin_session", None) or {}
        role = claims.get("role") or _role_of(user)
        return cls(
            id=str(claims.get("sub") or f"admin:{user.username}"), name=user.username, role=role
        )


def _role_of(user) -> str:
    groups = [
        name for name in user.groups.values_list("name", flat=True) if name.startswith("role:")
    ]
    if groups:
        return groups[0].removeprefix("role:")
    return "admin" if user.is_superuser else "staff"


SYSTEM = Actor(id="system", name="system", role="system")
