"""Pytest plugin for the services' suites (``-p common.testing``): tokens and API clients.

Tokens are minted with a test RSA key whose JWKS is installed in the service's key cache, so
the real verification path (kid lookup, RS256, iss/aud/exp) runs in every test.
"""

import functools
import threading
import time
import uuid
from collections.abc import Callable, Sequence

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from common.jwks import key_set

TEST_KID = "test-key-1"


@functools.cache
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def signing_key_pem() -> bytes:
    return signing_key().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def signing_jwks() -> dict:
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(signing_key().public_key(), as_dict=True)
    return {"keys": [{**jwk, "kid": TEST_KID, "alg": "RS256", "use": "sig"}]}


def mint_token(
    *,
    role: str | None = None,
    sub: str | None = "1",
    org: int | None = None,
    org_type: str | None = None,
    scope: str = "",
    lifetime: int = 300,
    **overrides,
) -> str:
    """An access token as auth_svc would issue it; ``overrides`` replace or add claims."""
    now = int(time.time())
    claims = {
        "iss": settings.JWT_ISSUER,
        "aud": settings.JWT_AUDIENCE,
        "sub": sub,
        "role": role,
        "org": org,
        "org_type": org_type,
        "scope": scope,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + lifetime,
        "token_type": "access",
    }
    claims.update(overrides)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, signing_key_pem(), algorithm="RS256", headers={"kid": TEST_KID})


def service_token(scope: str, client_id: str = "orders-service") -> str:
    return mint_token(sub=None, role=None, scope=scope, client_id=client_id)


def integration_token(*, role: str, org: int, scope: str, client_id: str = "erp") -> str:
    """A B2B integration's client-credentials token: no person, its organization's role."""
    return mint_token(sub=None, role=role, org=org, org_type=role, scope=scope, client_id=client_id)


@pytest.fixture(autouse=True)
def _test_signing_keys():
    key_set.install(signing_jwks())
    yield


@pytest.fixture(autouse=True)
def _fresh_quotas():
    """Every test starts with whole budgets (``common.quotas``): tests share a few callers."""
    from common.quotas import PREFIX
    from common.redis import get_redis

    redis = get_redis()
    for key in redis.scan_iter(f"{PREFIX}*", count=1000):
        redis.delete(key)
    yield


@pytest.fixture
def api_client():
    """``api_client(token)`` → a DRF test client sending that bearer token."""

    from rest_framework.test import APIClient  # DRF reads settings on import: after setup

    def make(token: str | None = None) -> APIClient:
        client = APIClient()
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


def race(tasks: Sequence[Callable[[], object]], *, timeout: float = 60) -> list:
    """Run the callables at the same moment, each in its own thread and database connection,
    and return what each returned or raised (a crash fails the test instead of vanishing with
    its thread). Fails if a thread is still running after ``timeout`` seconds (a deadlock)."""
    from django.db import connection

    start = threading.Barrier(len(tasks))
    results: list = [None] * len(tasks)

    def run(index: int, task: Callable[[], object]) -> None:
        try:
            start.wait(timeout)
            results[index] = task()
        except Exception as exc:  # handed back to the test to assert on
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(tasks)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return results


def api_views_without_scopes() -> list[str]:
    """The routes of this service whose DRF view authenticates tokens but declares no
    ``required_scopes`` (``common.scopes``; ``{}`` is a declaration: people only): every
    service's suite asserts there are none, so a new endpoint is a decision about which
    clients may call it."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from common.authentication import BearerJWTAuthentication

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.callback

    missing = []
    for route, callback in walk(get_resolver().url_patterns):
        view = getattr(callback, "cls", None)
        authenticators = getattr(view, "authentication_classes", ())
        takes_tokens = any(issubclass(a, BearerJWTAuthentication) for a in authenticators)
        if takes_tokens and not hasattr(view, "required_scopes"):
            missing.append(route)
    return missing


def catalog_drug_body(drug_id: int, **overrides) -> dict:
    """A drug as catalog_svc answers ``GET drugs/{id}/`` (API.md), for suites that fake the
    catalog; ``overrides`` set any field (``schedule="CII"``, ``active=False``…)."""
    return {
        "id": drug_id,
        "ndc": f"12345-{drug_id:04d}-01",
        "gtin": "00312345678906",
        "name": f"Drug {drug_id}",
        "generic_name": f"generic {drug_id}",
        "strength": "10 mg",
        "dosage_form": "tablet",
        "manufacturer": "Maker Inc",
        "schedule": "",
        "rx_only": False,
        "cold_chain": False,
        "pack_size": 100,
        "unit": "tablet",
        "active": True,
        **overrides,
    }
