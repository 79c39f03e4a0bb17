"""EPCIS 2.0 out: every document the endpoint answers is checked against the project's JSON
Schema of the standard (fulfillment/schemas), and says what shipped, from where, to whom."""

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from common.testing import mint_token
from orders.models import Order
from tests.upstream import CATALOG

pytestmark = pytest.mark.django_db
ORDERS = "/api/orders/"
SCHEMA = json.loads(
    (
        Path(__file__).parent.parent / "fulfillment/schemas/epcis-2.0-document.schema.json"
    ).read_text()
)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
GTIN_1, GTIN_2 = "00312345678906", "00300935558295"


def shipped_lot(lot, lot_number, drug, gtin, warehouse, quantity, serials=()):
    return {
        "lot": lot,
        "lot_number": lot_number,
        "expiry_date": "2028-01-31",
        "drug": drug,
        "gtin": gtin,
        "warehouse": warehouse,
        "warehouse_name": f"DC {warehouse}",
        "seller_org": 1,
        "quantity": quantity,
        "buyer_org": 2,
        "order_ref": "PC-1",
        "shipped_at": "2026-11-01T10:00:00+00:00",
        "serials": list(serials),
    }


@pytest.fixture
def shipped(confirmed, distributor, upstream):
    assert (
        distributor.post(f"{ORDERS}{confirmed['id']}/ship/", {}, format="json").status_code == 200
    )
    reservation = Order.objects.get(pk=confirmed["id"]).reservation_id
    upstream.mock.get(
        f"{CATALOG}/reservations/{reservation}/shipments/",
        json=[
            shipped_lot(901, "L1", 1, GTIN_1, 10, 4, serials=["S1", "S2", "S3"]),
            shipped_lot(902, "L 2/B", 2, GTIN_2, 11, 1),
        ],
    )
    return confirmed


def document(client, order):
    response = client.get(f"{ORDERS}{order['id']}/epcis/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/ld+json"
    body = response.json()
    VALIDATOR.validate(body)
    return body


def test_a_shipped_order_has_one_shipping_event_per_warehouse(hospital, shipped):
    body = document(hospital, shipped)
    assert body["@context"] == ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"]
    first, second = body["epcisBody"]["eventList"]
    for event in (first, second):
        assert (event["bizStep"], event["disposition"], event["action"]) == (
            "shipping",
            "in_transit",
            "OBSERVE",
        )
        assert event["eventTime"].startswith(Order.objects.get().shipped_at.date().isoformat())
        assert event["destinationList"][0] == {
            "type": "owning_party",
            "destination": "https://pharmaconnect.example/id/organization/2",
        }
        assert event["sourceList"][0]["source"].endswith("/organization/1")
    assert first["epcList"] == [f"https://id.gs1.org/01/{GTIN_1}/21/S{n}" for n in (1, 2, 3)]
    assert first["quantityList"] == [
        {"epcClass": f"https://id.gs1.org/01/{GTIN_1}/10/L1", "quantity": 1}
    ]
    assert first["readPoint"] == {"id": "https://pharmaconnect.example/id/warehouse/10"}
    assert "epcList" not in second
    assert second["quantityList"] == [
        {"epcClass": f"https://id.gs1.org/01/{GTIN_2}/10/L%202%2FB", "quantity": 1}
    ]
    assert first["eventID"] != second["eventID"]
    assert document(hospital, shipped)["epcisBody"]["eventList"][0]["eventID"] == first["eventID"]


def deliver(hospital, order, rejected_on_line_1=0):
    received = [
        {
            "line": 1,
            "accepted": 4 - rejected_on_line_1,
            "rejected": rejected_on_line_1,
            "reason": "damaged" if rejected_on_line_1 else "",
        },
        {"line": 2, "accepted": 1, "rejected": 0, "reason": ""},
    ]
    answer = hospital.post(f"{ORDERS}{order['id']}/deliver/", {"received": received}, format="json")
    assert answer.status_code == 200, answer.content


def test_a_delivered_order_adds_the_buyers_receiving_event(hospital, distributor, shipped):
    deliver(hospital, shipped)
    events = document(distributor, shipped)["epcisBody"]["eventList"]
    assert [e["bizStep"] for e in events] == ["shipping", "shipping", "receiving"]
    receiving = events[2]
    assert receiving["disposition"] == "in_progress"
    assert receiving["bizLocation"]["id"].endswith("/organization/2")
    assert receiving["epcList"] == events[0]["epcList"]
    assert len(receiving["quantityList"]) == 2


def test_units_refused_at_delivery_are_not_received(hospital, shipped):
    deliver(hospital, shipped, rejected_on_line_1=2)
    receiving = document(hospital, shipped)["epcisBody"]["eventList"][-1]
    assert "epcList" not in receiving
    assert receiving["quantityList"] == [
        {"epcClass": f"https://id.gs1.org/01/{GTIN_1}/10/L1", "quantity": 2},
        {"epcClass": f"https://id.gs1.org/01/{GTIN_2}/10/L%202%2FB", "quantity": 1},
    ]


def test_only_the_buyer_and_the_seller_read_it(api_client, patient, shipped):
    rival = api_client(mint_token(role="hospital", sub="99", org=3, org_type="hospital"))
    assert rival.get(f"{ORDERS}{shipped['id']}/epcis/").status_code == 404
    rival_seller = api_client(mint_token(role="distributor", sub="98", org=7))
    assert rival_seller.get(f"{ORDERS}{shipped['id']}/epcis/").status_code == 404
    assert patient.get(f"{ORDERS}{shipped['id']}/epcis/").status_code == 403


def test_an_order_not_shipped_has_no_document(hospital, confirmed):
    answer = hospital.get(f"{ORDERS}{confirmed['id']}/epcis/")
    assert answer.status_code == 404 and answer.json()["code"] == "not_shipped"


def test_catalog_down_answers_503(hospital, confirmed, distributor, upstream):
    assert (
        distributor.post(f"{ORDERS}{confirmed['id']}/ship/", {}, format="json").status_code == 200
    )
    reservation = Order.objects.get(pk=confirmed["id"]).reservation_id
    upstream.mock.get(f"{CATALOG}/reservations/{reservation}/shipments/", status=503)
    answer = hospital.get(f"{ORDERS}{confirmed['id']}/epcis/")
    assert answer.status_code == 503 and answer.json()["code"] == "upstream_unavailable"


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d["epcisBody"]["eventList"][0].pop("epcList"),
        lambda d: d["epcisBody"]["eventList"][0].update(bizStep="shiping"),
        lambda d: d["epcisBody"]["eventList"][0].update(action="MOVE"),
        lambda d: d["epcisBody"]["eventList"][0].update(eventTime="yesterday"),
        lambda d: d["epcisBody"]["eventList"][0].update(epcList=["https://id.gs1.org/01/123/21/x"]),
        lambda d: d.update(schemaVersion="1.2"),
        lambda d: d["epcisBody"]["eventList"][0]["sourceList"][0].pop("source"),
    ],
)
def test_the_schema_refuses_what_the_standard_does_not_allow(hospital, shipped, breakage):
    body = document(hospital, shipped)
    broken = copy.deepcopy(body)
    event = broken["epcisBody"]["eventList"][0]
    event.pop("quantityList")
    breakage(broken)
    assert not VALIDATOR.is_valid(broken)
