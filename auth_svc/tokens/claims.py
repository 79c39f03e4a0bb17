"""The claims a person's tokens carry (ARCHITECTURE.md, Identity and authorization)."""

from accounts.models import User


def user_claims(user: User) -> dict:
    org = user.organization
    return {
        "username": user.username,
        "role": user.role,
        "org": org.id if org else None,
        "org_type": org.type if org else None,
        "scope": "",
    }
