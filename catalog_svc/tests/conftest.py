"""Callers of the catalog API as the platform has them, and a distributor's warehouses."""

import pytest

from common.demo import ACME_DISTRIBUTION, ST_MARYS_HOSPITAL
from common.testing import mint_token, service_token
from tests.factories import DrugFactory, WarehouseFactory

RIVAL_DISTRIBUTOR = 99


def _person(api_client, role: str, sub: str, org: int | None, org_type: str | None = None):
    return api_client(mint_token(role=role, sub=sub, org=org, org_type=org_type, username=role))


@pytest.fixture
def distributor(api_client):
    return _person(api_client, "distributor", "11", ACME_DISTRIBUTION, "distributor")


@pytest.fixture
def rival(api_client):
    return _person(api_client, "distributor", "12", RIVAL_DISTRIBUTOR, "distributor")


@pytest.fixture
def admin_api(api_client):
    return _person(api_client, "admin", "1", None)


@pytest.fixture
def hospital(api_client):
    return _person(api_client, "hospital", "21", ST_MARYS_HOSPITAL, "hospital")


@pytest.fixture
def reserver(api_client):
    """orders_svc's own token: a platform service with the reservation scope."""
    return api_client(service_token("inventory:reserve"))


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(name="Main DC")


@pytest.fixture
def north(db):
    return WarehouseFactory(name="North DC")


@pytest.fixture
def rival_warehouse(db):
    return WarehouseFactory(name="Rival DC", owner_org=RIVAL_DISTRIBUTOR)


@pytest.fixture
def drug(db):
    return DrugFactory()
