"""A service's own token: fetched with client credentials, reused until shortly before it
expires, and a refused credential is an upstream fault (503), never a silent anonymous call."""

import pytest
import responses

from common.clients import breakers
from common.clients.auth import AuthClient, Pharmacy, ServiceToken
from common.errors import NotFound, UpstreamUnavailable

TOKEN_URL = "http://auth.test/api/auth/oauth/token/"


@pytest.fixture(autouse=True)
def fresh_breakers():
    breakers.breakers_forget()
    yield
    breakers.breakers_forget()


def provider(**kwargs) -> ServiceToken:
    return ServiceToken(
        scope="inventory:reserve", client=AuthClient(base_url="http://auth.test/api/auth"), **kwargs
    )


@responses.activate
def test_the_token_is_fetched_once_and_reused(settings):
    settings.SERVICE_CLIENT_ID, settings.SERVICE_CLIENT_SECRET = "orders-service", "s3cret"
    responses.post(
        TOKEN_URL, json={"access_token": "tok-1", "expires_in": 600, "scope": "inventory:reserve"}
    )
    token = provider()
    assert token() == "tok-1" and token() == "tok-1"
    assert len(responses.calls) == 1
    sent = responses.calls[0].request.body
    assert "grant_type=client_credentials" in sent and "client_id=orders-service" in sent
    assert "scope=inventory%3Areserve" in sent
    assert "Authorization" not in responses.calls[0].request.headers


@responses.activate
def test_a_token_near_its_expiry_is_renewed():
    responses.post(TOKEN_URL, json={"access_token": "short", "expires_in": 10})
    responses.post(TOKEN_URL, json={"access_token": "next", "expires_in": 600})
    token = provider()
    assert token() == "short"
    assert token() == "next"  # 10 s is inside the renewal margin


@responses.activate
def test_refused_credentials_are_an_upstream_fault():
    responses.post(TOKEN_URL, json={"error": "invalid_client"}, status=401)
    with pytest.raises(UpstreamUnavailable) as raised:
        provider()()
    assert raised.value.status == 503


@responses.activate
def test_an_organization_comes_with_its_licences():
    responses.get(
        "http://auth.test/api/auth/organizations/2/",
        json={
            "id": 2,
            "name": "St. Mary's Hospital",
            "type": "hospital",
            "licenses": [
                {"kind": "dea", "number": "BS1", "schedules": ["CII"], "expires_on": "2030-01-31"}
            ],
        },
    )
    org = AuthClient(base_url="http://auth.test/api/auth").organization(2)
    (licence,) = org.licenses
    assert (org.type, licence.schedules, licence.expires_on.year) == ("hospital", ("CII",), 2030)


@responses.activate
def test_an_unknown_organization_is_not_found():
    responses.get("http://auth.test/api/auth/organizations/99/", status=404, json={})
    with pytest.raises(NotFound):
        AuthClient(base_url="http://auth.test/api/auth").organization(99)


@responses.activate
def test_by_default_a_service_asks_for_every_scope_the_registry_grants_it(settings):
    settings.SERVICE_NAME = "orders"
    responses.post(TOKEN_URL, json={"access_token": "tok", "expires_in": 600})
    ServiceToken(client=AuthClient(base_url="http://auth.test/api/auth"))()
    sent = responses.calls[0].request.body
    assert "scope=organizations%3Aread+catalog%3Aread+inventory%3Areserve" in sent
    assert "rx%3Aconsume+pricing%3Aquote+pricing%3Achargeback" in sent


# -- pharmacies: the organizations a patient may send a prescription to ----------------------

ORG_URL = "http://auth.test/api/auth/organizations/{id}/"


@pytest.fixture
def no_cached_pharmacies():
    from django.core.cache import cache

    cache.delete_many([f"pharma:auth:pharmacy:{org}" for org in (2, 4, 99)])
    yield
    cache.delete_many([f"pharma:auth:pharmacy:{org}" for org in (2, 4, 99)])


def organization_body(org_id: int, type_: str, name: str = "Corner Pharmacy") -> dict:
    return {"id": org_id, "name": name, "type": type_, "licenses": []}


@responses.activate
def test_a_pharmacy_is_looked_up_once_then_cached(no_cached_pharmacies):
    responses.get(ORG_URL.format(id=4), json=organization_body(4, "pharmacy"))
    client = AuthClient(base_url="http://auth.test/api/auth")
    assert client.pharmacy(4) == Pharmacy(id=4, name="Corner Pharmacy")
    assert AuthClient(base_url="http://auth.test/api/auth").pharmacy(4).name == "Corner Pharmacy"
    assert len(responses.calls) == 1


@responses.activate
def test_an_organization_that_is_no_pharmacy_is_an_unknown_pharmacy(no_cached_pharmacies):
    responses.get(ORG_URL.format(id=2), json=organization_body(2, "hospital", "St. Mary's"))
    client = AuthClient(base_url="http://auth.test/api/auth")
    for _ in range(2):  # refusals are not cached: auth is asked again
        with pytest.raises(NotFound) as raised:
            client.pharmacy(2)
        assert raised.value.code == "unknown_pharmacy"
    assert len(responses.calls) == 2


@responses.activate
def test_an_unknown_organization_is_an_unknown_pharmacy(no_cached_pharmacies):
    responses.get(ORG_URL.format(id=99), status=404, json={"code": "not_found"})
    with pytest.raises(NotFound) as raised:
        AuthClient(base_url="http://auth.test/api/auth").pharmacy(99)
    assert raised.value.code == "unknown_pharmacy"


@responses.activate
def test_auth_down_is_an_upstream_fault_for_a_pharmacy(no_cached_pharmacies):
    responses.get(ORG_URL.format(id=4), status=503)
    with pytest.raises(UpstreamUnavailable) as raised:
        AuthClient(base_url="http://auth.test/api/auth").pharmacy(4)
    assert raised.value.status == 503
