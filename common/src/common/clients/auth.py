"""The client for auth_svc, and this service's own token (OAuth2 client credentials).

A service calls others with its own access token, obtained from auth_svc with its client id
and secret and cached in the process until shortly before it expires.
"""

import logging
import threading
import time
from dataclasses import asdict, dataclass
from datetime import date

import redis
from django.conf import settings
from django.core.cache import cache
from django_redis.exceptions import ConnectionInterrupted

from common.clients.base import ServiceClient
from common.errors import NotFound, UpstreamUnavailable
from common.registry import service

log = logging.getLogger(__name__)

# Renew this long before expiry, so a token never expires on its way to the upstream.
RENEW_BEFORE_EXPIRY_SECONDS = 30
# How long a pharmacy looked up at auth_svc is trusted without asking again. An
# organization's type never changes (auth refuses it), so the only staleness is a renamed
# pharmacy; five minutes keeps auth out of every upload without holding a name for long.
PHARMACY_CACHE_SECONDS = 300
PHARMACY_CACHE_KEY = "pharma:auth:pharmacy:{id}"


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str


@dataclass(frozen=True)
class License:
    kind: str  # "dea" | "state"
    number: str
    schedules: tuple[str, ...]
    expires_on: date


@dataclass(frozen=True)
class Organization:
    id: int
    name: str
    type: str
    licenses: tuple[License, ...]

    @classmethod
    def from_json(cls, body: dict) -> "Organization":
        licenses = tuple(
            License(
                kind=item["kind"],
                number=item["number"],
                schedules=tuple(item.get("schedules") or ()),
                expires_on=date.fromisoformat(item["expires_on"]),
            )
            for item in body.get("licenses", [])
        )
        return cls(id=body["id"], name=body["name"], type=body["type"], licenses=licenses)


@dataclass(frozen=True)
class Pharmacy:
    """A pharmacy patients may send prescriptions to."""

    id: int
    name: str


class AuthClient(ServiceClient):
    upstream = "auth"

    def pharmacy(self, org_id: int) -> Pharmacy:
        """The pharmacy ``org_id`` (needs scope ``organizations:read``), from the cache when it
        was looked up in the last ``PHARMACY_CACHE_SECONDS``. An unknown organization, or one
        that is not a pharmacy, raises ``NotFound`` with code ``unknown_pharmacy``; auth being
        unreachable raises ``UpstreamUnavailable``. Only pharmacies are cached, so an id
        refused now is asked about again next time."""
        key = PHARMACY_CACHE_KEY.format(id=int(org_id))
        cached = _cache_get(key)
        if cached is not None:
            return Pharmacy(**cached)
        try:
            organization = self.organization(org_id)
        except NotFound as exc:
            raise _unknown_pharmacy(org_id) from exc
        if organization.type != "pharmacy":
            raise _unknown_pharmacy(org_id)
        pharmacy = Pharmacy(id=organization.id, name=organization.name)
        _cache_set(key, asdict(pharmacy), PHARMACY_CACHE_SECONDS)
        return pharmacy

    def organization(self, org_id: int) -> Organization:
        """An organization with its licences (needs scope ``organizations:read``)."""
        response = self.request("GET", f"organizations/{int(org_id)}/")
        if response.status_code == 404:
            raise NotFound(f"Organization {org_id} does not exist.", code="unknown_organization")
        return Organization.from_json(self.answer(response))

    def client_credentials(self, *, client_id: str, client_secret: str, scope: str) -> IssuedToken:
        response = self.request(
            "POST",
            "oauth/token/",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
                "scope": scope,
            },
            authenticated=False,
        )
        if response.status_code != 200:
            # A refused credential is a deployment fault this service cannot work around.
            raise UpstreamUnavailable(
                "auth", f"client credentials refused ({response.status_code})"
            )
        body = response.json()
        return IssuedToken(body["access_token"], int(body["expires_in"]), body.get("scope", ""))


def _unknown_pharmacy(org_id: int) -> NotFound:
    return NotFound(f"There is no pharmacy {org_id}.", code="unknown_pharmacy")


# The cache only spares auth a call: when Redis is unreachable, ask auth instead of failing.
def _cache_get(key: str) -> dict | None:
    try:
        return cache.get(key)
    except (redis.RedisError, ConnectionInterrupted):
        log.warning("cache unreachable: asking auth_svc", extra={"cache_key": key})
        return None


def _cache_set(key: str, value: dict, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except (redis.RedisError, ConnectionInterrupted):
        log.warning("cache unreachable: not kept", extra={"cache_key": key})


class ServiceToken:
    """Callable token provider for ``ServiceClient(token_provider=...)``."""

    def __init__(self, *, scope: str | None = None, client: AuthClient | None = None):
        # By default, every scope the registry grants this service's client.
        self.scope = scope if scope is not None else service(settings.SERVICE_NAME).scope
        self.client = client or AuthClient()
        self._token: IssuedToken | None = None
        self._renew_at = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._renew_at:
                self._token = self.client.client_credentials(
                    client_id=settings.SERVICE_CLIENT_ID,
                    client_secret=settings.SERVICE_CLIENT_SECRET,
                    scope=self.scope,
                )
                lifetime = max(0, self._token.expires_in - RENEW_BEFORE_EXPIRY_SECONDS)
                self._renew_at = time.monotonic() + lifetime
            return self._token.access_token
