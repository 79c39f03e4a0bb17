"""Who did it, in the platform's one format on every audit row of the inventory: ``user:<id>``
for a person (through the API or signed in to the admin through auth_svc),
``client:<client_id>`` for a machine, ``staff:<username>`` for a local admin account."""

import importlib

import pytest
from django.db import connection

from common.demo import ACME_DISTRIBUTION
from common.testing import integration_token
from inventory.models import LotEvent, Movement, Receipt, ReservationEvent
from tests.factories import stocked_lot
from tests.test_admin_scope import staff_browser

pytestmark = pytest.mark.django_db
LOTS = "/api/catalog/lots/"


@pytest.fixture
def lot(warehouse, drug):
    return stocked_lot(drug=drug, warehouse=warehouse, lot_number="WHO-1")


def test_a_person_is_their_user_id(distributor, lot):
    distributor.post(f"{LOTS}{lot.pk}/quarantine/", {"reason": "QA"}, format="json")
    event = distributor.get(f"{LOTS}{lot.pk}/events/").json()["results"][0]
    assert event["actor"] == "user:11"


def test_an_integration_is_its_client_id(api_client, warehouse, drug):
    erp = api_client(
        integration_token(
            role="distributor", org=ACME_DISTRIBUTION, scope="inventory:write", client_id="acme-wms"
        )
    )
    line = {"drug": drug.pk, "lot_number": "ERP-1", "expiry_date": "2030-01-31", "quantity": 5}
    response = erp.post(
        "/api/catalog/receipts/", {"warehouse": warehouse.pk, "lines": [line]}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Receipt.objects.get().actor == "client:acme-wms"
    assert Movement.objects.get(lot__lot_number="ERP-1").actor == "client:acme-wms"


def test_staff_signed_in_through_auth_are_their_user_id_in_the_admin(lot):
    browser = staff_browser("distributor", ACME_DISTRIBUTION)
    browser.post(
        "/admin/catalog/inventory/lot/",
        {"action": "quarantine", "_selected_action": [lot.pk], "apply": "1", "reason": "QA"},
    )
    assert LotEvent.objects.get(lot=lot).actor == "user:2"


def test_the_migration_turns_old_person_labels_into_user_ids(distributor, reserver, lot, drug):
    reserver.post(
        "/api/catalog/reservations/",
        {"reference": "SO-OLD", "lines": [{"drug": drug.pk, "quantity": 1}]},
        format="json",
    )
    distributor.post(f"{LOTS}{lot.pk}/quarantine/", {"reason": "QA"}, format="json")
    Movement.objects.update(actor="user:11 jane (distributor, org 1)")
    LotEvent.objects.update(actor="user:11 (distributor, org 1)")
    ReservationEvent.objects.update(actor="staff:backoffice")
    migration = importlib.import_module("inventory.migrations.0004_actor_one_format")
    with connection.cursor() as cursor:
        for operation in migration.Migration.operations:
            for statement, params in operation.sql:
                cursor.execute(statement, params)
    assert set(Movement.objects.values_list("actor", flat=True)) == {"user:11"}
    assert set(LotEvent.objects.values_list("actor", flat=True)) == {"user:11"}
    assert set(ReservationEvent.objects.values_list("actor", flat=True)) == {"staff:backoffice"}
