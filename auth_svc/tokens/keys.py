"""Signing keys: the active one signs, retired ones stay published until their tokens expire.

The ``kid`` of a key is its RFC 7638 JWK thumbprint, so the same key always has the same id.
"""

import base64
import functools
import hashlib
import json
import re

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tokens.models import SigningKey

KEY_SIZE = 2048
# A kid is a base64url SHA-256 thumbprint; anything else (a NUL byte, say, which the database
# refuses) names no key and is never looked up.
KID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _thumbprint(jwk: dict) -> str:
    canonical = json.dumps({name: jwk[name] for name in ("e", "kty", "n")}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _new_key() -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    kid = _thumbprint(jwk)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return SigningKey(
        kid=kid, private_pem=pem, public_jwk={**jwk, "kid": kid, "alg": "RS256", "use": "sig"}
    )


def publish_window():
    """How long a retired key stays trusted: the longest-lived token it may have signed."""
    return max(
        settings.REFRESH_TOKEN_LIFETIME, settings.ADMIN_SESSION_LIFETIME
    ) + timezone.timedelta(seconds=settings.JWT_LEEWAY_SECONDS)


def signing_key_active() -> SigningKey:
    """The key that signs new tokens; the first call on a fresh database creates it."""
    key = SigningKey.objects.filter(retired_at__isnull=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            key = _new_key()
            key.save()
            return key
    except IntegrityError:  # another process created it first
        return SigningKey.objects.get(retired_at__isnull=True)


@transaction.atomic
def signing_key_rotate() -> SigningKey:
    """Retire the active key (it stays published for ``publish_window``) and activate a new one."""
    SigningKey.objects.select_for_update().filter(retired_at__isnull=True).update(
        retired_at=timezone.now()
    )
    key = _new_key()
    key.save()
    return key


def _published():
    cutoff = timezone.now() - publish_window()
    return SigningKey.objects.filter(Q(retired_at__isnull=True) | Q(retired_at__gt=cutoff))


def published_keys() -> list[SigningKey]:
    return list(_published().order_by("created_at"))


def jwks() -> dict:
    return {"keys": [key.public_jwk for key in published_keys()]}


@functools.lru_cache(maxsize=16)
def _private_key(kid: str, pem: str):
    return serialization.load_pem_private_key(pem.encode(), password=None)


def sign(claims: dict) -> str:
    key = signing_key_active()
    return jwt.encode(
        claims, _private_key(key.kid, key.private_pem), algorithm="RS256", headers={"kid": key.kid}
    )


def public_key(kid: str) -> jwt.PyJWK | None:
    """A published key by id, or None (unknown, or retired past its window)."""
    if not KID_PATTERN.fullmatch(kid):
        return None
    key = _published().filter(kid=kid).first()
    return jwt.PyJWK(key.public_jwk, algorithm="RS256") if key else None
