import pytest
import responses
from django.core.cache import cache

from common.clients import breakers
from common.redis import get_redis
from common.testing import mint_token
from orders import upstreams
from tests.upstream import AUTH, GW, Upstreams

HOSPITAL_ORG = 2


@pytest.fixture(autouse=True)
def upstream(settings):
    """Every test talks to faked services; each starts with fresh clients and breakers."""
    settings.GATEWAY_URL = GW
    for built in (
        upstreams.auth,
        upstreams.catalog,
        upstreams.pricing,
        upstreams.rx,
        upstreams.drugs,
        upstreams.service_token,
    ):
        built.cache_clear()
    breakers.breakers_forget()
    for key in get_redis().scan_iter("*pharma:breaker:orders:*"):
        get_redis().delete(key)
    cache.delete_pattern("drug:*")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(f"{AUTH}/oauth/token/", json={"access_token": "svc-token", "expires_in": 600})
        yield Upstreams(mock)


@pytest.fixture
def hospital(api_client):
    return api_client(mint_token(role="hospital", sub="31", org=HOSPITAL_ORG, org_type="hospital"))


@pytest.fixture
def patient(api_client):
    return api_client(mint_token(role="patient", sub="7"))


@pytest.fixture
def distributor(api_client):
    return api_client(mint_token(role="distributor", sub="2", org=1, org_type="distributor"))


@pytest.fixture
def confirmed(hospital, upstream):
    """A hospital's confirmed order of two lines (4 of drug 1 under contract 9, 1 of drug 2),
    with catalog, pricing and chargebacks faked to go along with shipping it."""
    upstream.drug(1)
    upstream.drug(2)
    upstream.prices({1: "2.0000", 2: "5.0000"}, contract=9)
    upstream.stock()
    upstream.chargebacks()
    body = hospital.post(
        "/api/orders/",
        {"lines": [{"drug": 1, "quantity": 4}, {"drug": 2, "quantity": 1}]},
        format="json",
    ).json()
    assert body["status"] == "confirmed"
    return body
