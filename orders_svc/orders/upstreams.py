"""The services orders calls, each through its breaker-wrapped client, with orders' own
service token. Built once per process, on first use."""

import dataclasses
import functools

from django.core.cache import cache

from common.clients.auth import AuthClient, ServiceToken
from common.clients.catalog import CatalogClient, Drug
from common.clients.pricing import PricingClient
from common.clients.rx import RxClient
from common.clients.traceability import TraceabilityClient

# A drug's identity (NDC, schedule, Rx-only) changes rarely; a copy this old is fine to
# price and check an order with, and it keeps orders working for reads while catalog is down.
DRUG_CACHE_SECONDS = 600


@functools.cache
def service_token() -> ServiceToken:
    return ServiceToken()  # everything orders asks of the others, in one token


@functools.cache
def auth() -> AuthClient:
    return AuthClient(token_provider=service_token())


@functools.cache
def catalog() -> CatalogClient:
    return CatalogClient(token_provider=service_token())


@functools.cache
def pricing() -> PricingClient:
    return PricingClient(token_provider=service_token())


@functools.cache
def traceability() -> TraceabilityClient:
    return TraceabilityClient(token_provider=service_token())


@functools.cache
def rx() -> RxClient:
    return RxClient(token_provider=service_token())


def drug(drug_id: int) -> Drug:
    """The catalog's drug, from the shared cache when catalog has answered recently."""
    key = f"orders:drug:{int(drug_id)}"
    cached = cache.get(key)
    if cached is not None:
        return Drug(**cached)
    found = catalog().get_drug(drug_id)
    cache.set(key, dataclasses.asdict(found), DRUG_CACHE_SECONDS)  # best effort (settings)
    return found
