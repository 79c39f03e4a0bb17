"""Fixtures of the pricing suite: callers' tokens, and a fake catalog behind ``responses``.

The database and Redis are real; only HTTP to other services (auth's token endpoint and
catalog's drugs) is faked.
"""

import json
import re

import pytest
import responses
from django.conf import settings
from django.core.cache import cache

from common.clients import breakers
from common.redis import get_redis
from common.testing import catalog_drug_body, mint_token, service_token
from prices import drugs as drug_lookups

# Organization ids of the suite, apart from the demo's (1-4) so that Redis keys never clash.
BUYER = 7001
OTHER_BUYER = 7002
PHARMACY = 7003

TEVA = "Teva Pharmaceuticals USA"
MYLAN = "Mylan Pharmaceuticals"
# The fake catalog: drug id -> manufacturer. Any other id is unknown to it.
CATALOG = {drug: (TEVA if drug % 2 else MYLAN) for drug in range(1, 400)}


def _drug_answer(request):
    drug_id = int(re.search(r"/drugs/(\d+)/$", request.url).group(1))
    if drug_id not in CATALOG:
        return 404, {}, '{"code": "not_found"}'
    body = catalog_drug_body(drug_id, manufacturer=CATALOG[drug_id])
    return 200, {"Content-Type": "application/json"}, json.dumps(body)


def _reset_shared_state():
    cache.delete_pattern("drug:*")
    breakers.breakers_forget()
    for key in get_redis().scan_iter(f"pharma:breaker:{settings.SERVICE_NAME}:*"):
        get_redis().delete(key)
    for key in get_redis().scan_iter("pharma:lastquote:700*"):
        get_redis().delete(key)


@pytest.fixture(autouse=True)
def shared_state():
    _reset_shared_state()
    drug_lookups.catalog_drugs.cache_clear()
    yield
    _reset_shared_state()


@pytest.fixture
def catalog():
    """The fake catalog (and auth's token endpoint); ``catalog.calls`` counts drug look-ups."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(
            f"{settings.GATEWAY_URL}/api/auth/oauth/token/",
            json={"access_token": "pricing-token", "expires_in": 600, "scope": "catalog:read"},
        )
        mock.add_callback(
            responses.GET,
            re.compile(rf"{re.escape(settings.GATEWAY_URL)}/api/catalog/drugs/\d+/$"),
            callback=_drug_answer,
        )
        yield mock


def drug_calls(mock) -> int:
    return sum("/api/catalog/drugs/" in call.request.url for call in mock.calls)


@pytest.fixture
def hospital(api_client):
    return api_client(mint_token(role="hospital", org=BUYER, org_type="hospital"))


@pytest.fixture
def other_hospital(api_client):
    return api_client(mint_token(role="hospital", org=OTHER_BUYER, org_type="hospital"))


@pytest.fixture
def pharmacy(api_client):
    return api_client(mint_token(role="pharmacy", org=PHARMACY, org_type="pharmacy"))


@pytest.fixture
def distributor(api_client):
    return api_client(mint_token(role="distributor", org=1, org_type="distributor"))


@pytest.fixture
def admin(api_client):
    return api_client(mint_token(role="admin"))


@pytest.fixture
def quoting_service(api_client):
    return api_client(service_token("pricing:quote"))


@pytest.fixture
def shipping_service(api_client):
    return api_client(service_token("pricing:chargeback"))
