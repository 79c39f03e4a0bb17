"""The services orders calls, each through its breaker-wrapped client, with orders' own
service token. Built once per process, on first use."""

import functools

from common.clients.auth import AuthClient, ServiceToken
from common.clients.catalog import CatalogClient
from common.clients.drugs import CachedDrugs
from common.clients.pricing import PricingClient
from common.clients.rx import RxClient
from common.clients.traceability import TraceabilityClient

# A drug's identity (NDC, schedule, Rx-only) changes rarely; a copy this old is fine to
# check an order's licences and prescriptions with.
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


@functools.cache
def drugs() -> CachedDrugs:
    """The catalog's drugs, from the shared cache when catalog has answered recently."""
    return CachedDrugs(catalog(), max_age_seconds=DRUG_CACHE_SECONDS)
