"""DRF authentication: RS256 access tokens issued by auth_svc, verified locally.

A token is accepted only when its header names a known ``kid`` with ``alg: RS256`` and its
``iss``, ``aud``, ``exp`` and ``token_type`` check out. The principal it yields carries the
claims the platform authorizes on; there is no user row in the verifying service. A client's
token is also held to the scope the endpoint declares (``common.scopes``).
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import jwt
from django.conf import settings
from rest_framework import authentication, exceptions

from common.jwks import key_set
from common.scopes import client_scope_check

ALGORITHM = "RS256"
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "jti", "token_type"]


@dataclass(frozen=True)
class Principal:
    """Who is calling: a person (``sub`` set) or a machine client (``is_service``)."""

    sub: str | None
    role: str | None
    org: int | None
    org_type: str | None
    scopes: frozenset[str] = field(default_factory=frozenset)
    client_id: str | None = None
    username: str | None = None

    is_authenticated = True
    is_anonymous = False

    @property
    def is_client(self) -> bool:
        """An OAuth2 client's token (client credentials): no person behind it."""
        return self.sub is None

    @property
    def is_service(self) -> bool:
        """A platform service's own token: no person and no role. (A B2B integration's
        client-credentials token has no person either, but acts in its organization's role.)"""
        return self.sub is None and self.role is None

    @property
    def pk(self) -> str | None:
        return self.sub

    @property
    def actor(self) -> str:
        """Who did it, as every audit row on the platform records it: ``user:<id>`` for a
        person (the auth_svc user id, the same in the admin, ``common.admin.admin_actor``),
        ``client:<client_id>`` for a machine (a platform service or a B2B integration)."""
        if self.is_client:
            return f"client:{self.client_id or 'unknown'}"
        return f"user:{self.sub}"

    @classmethod
    def from_claims(cls, claims: dict) -> "Principal":
        return cls(
            sub=str(claims["sub"]) if claims.get("sub") is not None else None,
            role=claims.get("role"),
            org=int(claims["org"]) if claims.get("org") is not None else None,
            org_type=claims.get("org_type"),
            scopes=frozenset((claims.get("scope") or "").split()),
            client_id=claims.get("client_id"),
            username=claims.get("username"),
        )


def decode_access_token(
    token: str, *, key_lookup: Callable[[str], jwt.PyJWK | None] = key_set.get
) -> dict:
    """Verify an access token and return its claims, or raise ``AuthenticationFailed``.

    A client sends the same token with every request for its whole life, so the outcome of
    verifying it is kept (``_verified``): a repeat costs a dictionary look-up instead of
    parsing it twice and checking an RSA signature. A kept token is accepted only while
    ``key_lookup`` still answers the key it was verified with (a key the issuer no longer
    publishes ends it) and until it expires.
    """
    verified = _verified.get(token)
    if verified is not None:
        kid, key, claims = verified
        current = key_lookup(kid)
        if current is not None and current.key == key.key:
            if claims["exp"] + settings.JWT_LEEWAY_SECONDS <= time.time():
                raise exceptions.AuthenticationFailed("Token has expired.", code="token_expired")
            return dict(claims)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise exceptions.AuthenticationFailed("Malformed token.") from exc
    if header.get("alg") != ALGORITHM or not header.get("kid"):
        raise exceptions.AuthenticationFailed("Token must be RS256 with a key id.")
    kid = str(header["kid"])
    key = key_lookup(kid)
    if key is None:
        raise exceptions.AuthenticationFailed("Token signed by an unknown key.")
    try:
        claims = jwt.decode(
            token,
            key=key.key,
            algorithms=[ALGORITHM],
            audience=settings.JWT_AUDIENCE,
            issuer=settings.JWT_ISSUER,
            leeway=settings.JWT_LEEWAY_SECONDS,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError as exc:
        raise exceptions.AuthenticationFailed("Token has expired.", code="token_expired") from exc
    except jwt.PyJWTError as exc:
        raise exceptions.AuthenticationFailed(
            f"Invalid token: {exc}.", code="token_invalid"
        ) from exc
    if claims.get("token_type") != "access":
        raise exceptions.AuthenticationFailed("Not an access token.", code="token_invalid")
    _remember(token, (kid, key, dict(claims)))
    return claims


# Verified tokens of this process, oldest first: about 1.4 MB when full (measured: 2.8 KB
# a token with its claims), a few hundred callers per worker.
_verified: dict[str, tuple[str, jwt.PyJWK, dict]] = {}
MAX_VERIFIED_TOKENS = 512
# Threaded workers (auth, catalog) evict and add at once: iterating a dict another thread
# resizes raises, so changes take the lock (reads need none).
_verified_lock = threading.Lock()


def _remember(token: str, verified: tuple[str, jwt.PyJWK, dict]) -> None:
    with _verified_lock:
        while len(_verified) >= MAX_VERIFIED_TOKENS:
            _verified.pop(next(iter(_verified)))
        _verified[token] = verified


class BearerJWTAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme != self.keyword or not token.strip():
            raise exceptions.AuthenticationFailed("Use 'Authorization: Bearer <token>'.")
        claims = decode_access_token(token.strip(), key_lookup=self.key_lookup)
        try:
            principal = Principal.from_claims(claims)
        except (TypeError, ValueError) as exc:
            raise exceptions.AuthenticationFailed(
                "Malformed claims.", code="token_invalid"
            ) from exc
        if principal.is_client:
            view = (request.parser_context or {}).get("view")
            client_scope_check(scopes=principal.scopes, view=view, method=request.method)
        return principal, claims

    def key_lookup(self, kid: str) -> jwt.PyJWK | None:
        """The issuer's public key ``kid``; auth_svc, the issuer, reads its own keys."""
        return key_set.get(kid)

    def authenticate_header(self, request):
        return f'{self.keyword} realm="pharmaconnect"'
