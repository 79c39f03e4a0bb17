"""Warehouses: a distributor sees and adds its own; admins see all and say whose."""

import pytest

from catalog.models import Warehouse
from common.demo import ACME_DISTRIBUTION
from tests.conftest import RIVAL_DISTRIBUTOR

WAREHOUSES = "/api/catalog/warehouses/"


@pytest.mark.django_db
def test_distributors_see_only_their_warehouses(
    distributor, warehouse, rival_warehouse, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        body = distributor.get(WAREHOUSES).json()
    assert [w["name"] for w in body["results"]] == ["Main DC"]


@pytest.mark.django_db
def test_admins_see_every_warehouse(admin_api, warehouse, rival_warehouse):
    assert admin_api.get(WAREHOUSES).json()["count"] == 2


@pytest.mark.django_db
def test_a_distributor_adds_a_warehouse_it_owns(distributor):
    response = distributor.post(
        WAREHOUSES, {"name": "South DC", "owner_org": RIVAL_DISTRIBUTOR}, format="json"
    )
    assert response.status_code == 201
    assert Warehouse.objects.get(name="South DC").owner_org == ACME_DISTRIBUTION


@pytest.mark.django_db
def test_duplicate_names_within_an_org_are_409(distributor, warehouse):
    response = distributor.post(WAREHOUSES, {"name": "Main DC"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_warehouse"


@pytest.mark.django_db
def test_admins_must_name_the_owner(admin_api):
    response = admin_api.post(WAREHOUSES, {"name": "East DC"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "owner_org_required"
    created = admin_api.post(WAREHOUSES, {"name": "East DC", "owner_org": 7}, format="json")
    assert created.json()["owner_org"] == 7


@pytest.mark.django_db
@pytest.mark.parametrize("client_name", ["hospital", "reserver"])
def test_buyers_and_services_have_no_warehouses(request, client_name):
    assert request.getfixturevalue(client_name).get(WAREHOUSES).status_code == 403


@pytest.mark.django_db
def test_an_owner_id_out_of_range_is_400(admin_api):
    body = {"name": "Far DC", "owner_org": 2**40}
    response = admin_api.post(WAREHOUSES, body, format="json")
    assert response.status_code == 400
    assert "owner_org" in response.json()["errors"]
