"""An illegal move of a lot or a reservation answers the platform's one 409: code
``invalid_transition`` with ``from``, ``to`` and the moves ``allowed`` from there."""

import pytest

from inventory.models import LotEvent, ReservationEvent
from tests.factories import stocked_lot

pytestmark = pytest.mark.django_db
RESERVATIONS = "/api/catalog/reservations/"


def refusal(response) -> dict:
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "invalid_transition"
    return {name: body[name] for name in ("from", "to", "allowed")}


def test_a_lot_refuses_a_move_its_table_does_not_have(distributor, warehouse, drug):
    lot = stocked_lot(drug=drug, warehouse=warehouse)
    url = f"/api/catalog/lots/{lot.pk}/"
    assert refusal(distributor.post(f"{url}release/", {"reason": "x"}, format="json")) == {
        "from": "available",
        "to": "available",
        "allowed": ["expired", "quarantined", "recalled"],
    }
    distributor.post(f"{url}recall/", {"reason": "FDA"}, format="json")
    assert refusal(distributor.post(f"{url}quarantine/", {"reason": "x"}, format="json")) == {
        "from": "recalled",
        "to": "quarantined",
        "allowed": [],
    }
    assert LotEvent.objects.filter(lot=lot).count() == 1


@pytest.fixture
def released(reserver, warehouse, drug):
    stocked_lot(drug=drug, warehouse=warehouse)
    body = {"reference": "SO-GONE", "lines": [{"drug": drug.pk, "quantity": 2}]}
    reservation = reserver.post(RESERVATIONS, body, format="json").json()
    reserver.post(f"{RESERVATIONS}{reservation['id']}/release/")
    return reservation


def test_a_released_reservation_can_be_neither_shipped_nor_confirmed(reserver, released):
    url = f"{RESERVATIONS}{released['id']}/"
    commit = reserver.post(f"{url}commit/", {"buyer_org": 2}, format="json")
    assert refusal(commit) == {"from": "released", "to": "committed", "allowed": []}
    assert refusal(reserver.post(f"{url}confirm/")) == {
        "from": "released",
        "to": "held",
        "allowed": [],
    }
    assert ReservationEvent.objects.filter(reservation_id=released["id"]).count() == 2
