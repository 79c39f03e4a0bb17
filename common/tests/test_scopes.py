"""A client's token (client credentials) does only what its scopes allow; people's tokens keep
their role rules. Once an ERP's ``orders:read`` token placed an order."""

import pytest

from common.testing import integration_token, mint_token

DISTRIBUTORS = "/api/commontest/distributors-only/"  # declares groups:read
RESERVE = "/api/commontest/reserve/"  # declares inventory:reserve for writes
CONFLICT = "/api/commontest/conflict/"  # declares nothing


def integration(scope: str) -> str:
    return integration_token(role="distributor", org=3, scope=scope, client_id="acme-erp")


def assert_insufficient_scope(response) -> None:
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "insufficient_scope"


@pytest.mark.django_db
def test_an_integration_with_the_declared_scope_passes_its_role_rules(api_client):
    assert api_client(integration("groups:read")).get(DISTRIBUTORS).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["", "groups:write", "orders:read inventory:reserve"])
def test_an_integration_without_the_declared_scope_is_refused(api_client, scope):
    assert_insufficient_scope(api_client(integration(scope)).get(DISTRIBUTORS))


@pytest.mark.django_db
def test_an_endpoint_that_declares_no_scope_takes_no_client_token(api_client):
    every_scope = "groups:read groups:write inventory:reserve"
    assert_insufficient_scope(api_client(integration(every_scope)).post(CONFLICT, {}))
    service = mint_token(sub=None, scope=every_scope, client_id="orders-service")
    assert_insufficient_scope(api_client(service).post(CONFLICT, {}))


@pytest.mark.django_db
def test_a_service_token_needs_the_scope_too(api_client):
    reserving = mint_token(sub=None, scope="inventory:reserve", client_id="orders-service")
    reading = mint_token(sub=None, scope="catalog:read", client_id="rx-service")
    assert api_client(reserving).post(RESERVE, {}).status_code == 200
    assert_insufficient_scope(api_client(reading).post(RESERVE, {}))


@pytest.mark.django_db
def test_people_follow_their_role_whatever_their_token_says_about_scopes(api_client):
    person = mint_token(sub="5", role="distributor", org=3, org_type="distributor", scope="")
    assert api_client(person).get(DISTRIBUTORS).status_code == 200
    assert api_client(person).post(CONFLICT, {}).json()["code"] == "insufficient_stock"
