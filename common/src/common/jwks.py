"""The issuer's public keys, fetched from ``JWKS_URL`` and cached in the process.

Keys are refetched when the cache is older than ``JWKS_CACHE_SECONDS`` or when a token names
a ``kid`` the cache does not hold (key rotation), but never more often than
``JWKS_MIN_REFETCH_SECONDS``, so a flood of forged kids cannot hammer the issuer.
"""

import logging
import threading
import time

import jwt
import requests
from django.conf import settings

log = logging.getLogger(__name__)
# The issuer is local to the platform: a slow JWKS answer is a fault, not something to wait on.
FETCH_TIMEOUT = (0.5, 2.0)


class KeySet:
    def __init__(self) -> None:
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def install(self, jwks: dict) -> None:
        """Replace the cached keys with those of a JWKS document."""
        keys = {}
        for jwk in jwks.get("keys", []):
            if jwk.get("kid") and jwk.get("kty") == "RSA":
                keys[jwk["kid"]] = jwt.PyJWK(jwk, algorithm="RS256")
        with self._lock:
            self._keys = keys
            self._fetched_at = time.monotonic()

    def get(self, kid: str) -> jwt.PyJWK | None:
        age = time.monotonic() - self._fetched_at
        stale = kid not in self._keys or age > settings.JWKS_CACHE_SECONDS
        if stale and (age > settings.JWKS_MIN_REFETCH_SECONDS or not self._keys):
            self._refresh()
        return self._keys.get(kid)

    def _refresh(self) -> None:
        try:
            response = requests.get(settings.JWKS_URL, timeout=FETCH_TIMEOUT)
            response.raise_for_status()
            self.install(response.json())
        except (requests.RequestException, ValueError) as exc:
            # Keep serving the keys we have; tokens with unknown kids fail as invalid.
            log.warning("jwks fetch failed", extra={"url": settings.JWKS_URL, "error": str(exc)})
            self._fetched_at = time.monotonic()


key_set = KeySet()
