"""Issuing, rotating and revoking a person's tokens.

Each login starts a refresh-token family. Refreshing retires the presented token and issues
the next one in the family; presenting a retired token again means it leaked, so the whole
family is revoked. Logout revokes the family too.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import User
from common.errors import ApplicationError
from tokens.claims import user_claims
from tokens.jwt_backend import PlatformAccessToken, PlatformRefreshToken, token_backend
from tokens.models import RefreshFamily

FAMILY_CLAIM = "fam"


class TokenRefused(ApplicationError):
    status = 401
    code = "token_invalid"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    expires_in: int


def _pair(user: User, family: RefreshFamily) -> TokenPair:
    claims = user_claims(user)
    refresh = PlatformRefreshToken.for_user(user)
    refresh[FAMILY_CLAIM] = str(family.id)
    access = PlatformAccessToken.for_user(user)
    for name, value in claims.items():
        refresh[name] = value
        access[name] = value
    lifetime = int(access.lifetime.total_seconds())
    return TokenPair(access=str(access), refresh=str(refresh), expires_in=lifetime)


@transaction.atomic
def token_pair_issue(*, user: User) -> TokenPair:
    """Tokens for a fresh sign-in: a new refresh family."""
    return _pair(user, RefreshFamily.objects.create(user=user))


def _load_refresh(raw: str) -> dict:
    """The claims of a refresh token this platform signed and that has not expired.

    Signature (against the published keys), expiry, issuer and audience are checked before
    anything is read from the token; the blacklist is checked by the callers, under the family
    lock, because a rotated token coming back must revoke its family rather than just fail.
    """
    try:
        claims = token_backend.decode(raw)
    except TokenBackendError as exc:
        raise TokenRefused(str(exc)) from exc
    if claims.get("token_type") != "refresh" or not claims.get(FAMILY_CLAIM):
        raise TokenRefused("Not a refresh token of this platform.")
    return claims


def token_refresh_rotate(*, raw_refresh: str) -> TokenPair:
    """Exchange a live refresh token for the next pair of its family."""
    claims = _load_refresh(raw_refresh)
    with transaction.atomic():
        family = RefreshFamily.objects.select_for_update().filter(id=claims[FAMILY_CLAIM]).first()
        if family is None or family.revoked_at is not None:
            raise TokenRefused("This session has been signed out.", code="token_revoked")
        outstanding = OutstandingToken.objects.filter(jti=claims["jti"]).first()
        reused = outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists()
        if reused:
            # Committed before refusing: the revocation must outlive this request.
            _revoke(family, reason="refresh_reused")
        elif not family.user.is_active:
            raise TokenRefused("The account is disabled.", code="account_disabled")
        else:
            BlacklistedToken.objects.create(token=outstanding)
            return _pair(family.user, family)
    raise TokenRefused(
        "This refresh token was already used; the session is signed out.", code="token_reused"
    )


@transaction.atomic
def token_family_revoke(*, raw_refresh: str, user_id: str) -> None:
    """Logout: the presented refresh token's whole family stops working."""
    claims = _load_refresh(raw_refresh)
    family = RefreshFamily.objects.select_for_update().filter(id=claims[FAMILY_CLAIM]).first()
    if family is None or str(family.user_id) != str(user_id):
        # Someone else's token: say nothing about it.
        raise TokenRefused("Unknown refresh token.")
    _revoke(family, reason="logout")


def _revoke(family: RefreshFamily, *, reason: str) -> None:
    if family.revoked_at is None:
        family.revoked_at = timezone.now()
        family.revoked_reason = reason
        family.save(update_fields=["revoked_at", "revoked_reason"])
