"""Catalog's lots and the audit trail across the real services, through HAProxy: a recall
answers the lot as it then stands, a lot that cannot be sold lists nothing available, and one
person is the same ``user:<id>`` (auth_svc's id) in catalog's and rx's trails."""

from datetime import date, timedelta
from pathlib import Path

from conftest import Api, create_user

from common.demo import CORNER_PHARMACY

LOTS = "/api/catalog/lots/"
PRESCRIPTION_PNG = Path(__file__).parent / "postman" / "files" / "prescription.png"


def test_a_recall_answers_the_lot_as_it_stands_after_its_holds_moved(platform, stock_finder):
    drug, _ = stock_finder(50)
    order = Api(platform, "hospital_a").post(
        "/api/orders/", {"lines": [{"drug": drug, "quantity": 3}]}
    )
    assert order.status_code == 201, order.text
    lot = order.json()["lines"][0]["allocations"][0]["lot"]
    distributor = Api(platform, "distributor")
    recall = distributor.post(f"{LOTS}{lot}/recall/", {"reason": "e2e recall drill"})
    assert recall.status_code == 200, recall.text
    listed = distributor.get(LOTS, params={"drug": drug, "page_size": 200}).json()["results"]
    after = next(row for row in listed if row["id"] == lot)
    assert recall.json()["lot"] == after
    assert (after["status"], after["reserved"], after["available"]) == ("recalled", 0, 0)
    assert after["on_hand"] > 0  # units still on the shelf, none of them for sale


def test_one_person_is_the_same_actor_in_catalog_and_rx(platform, stock_finder):
    distributor = Api(platform, "distributor")
    distributor_id = distributor.get("/api/auth/me/").json()["id"]
    drug, _ = stock_finder(1)
    lots = distributor.get(LOTS, params={"drug": drug, "status": "available"}).json()["results"]
    lot = next(row for row in lots if row["reserved"] == 0)  # holds stay where they are
    for move in ("quarantine", "release"):
        answer = distributor.post(f"{LOTS}{lot['id']}/{move}/", {"reason": "e2e audit"})
        assert answer.status_code == 200, answer.text
    events = distributor.get(f"{LOTS}{lot['id']}/events/").json()["results"]
    assert [event["actor"] for event in events[-2:]] == [f"user:{distributor_id}"] * 2

    username, patient_id = create_user(platform, role="patient", organization=None)
    patient = Api(platform, username)
    rx_drug, _ = stock_finder(1, rx_only=True)
    upload = patient.session.post(
        platform.url("/api/rx/prescriptions/"),
        data={
            "drug": rx_drug,
            "quantity": 1,
            "prescriber_name": "Dr. Ada Lovelace",
            "prescriber_license": "MD-AUDIT",
            "written_on": (date.today() - timedelta(days=3)).isoformat(),
            "pharmacy": CORNER_PHARMACY,
        },
        files={"file": ("prescription.png", PRESCRIPTION_PNG.read_bytes(), "image/png")},
        timeout=30,
    )
    assert upload.status_code == 201, upload.text
    pharmacist = Api(platform, "pharmacist")
    pharmacist_id = pharmacist.get("/api/auth/me/").json()["id"]
    url = f"/api/rx/prescriptions/{upload.json()['id']}/"
    assert pharmacist.post(f"{url}claim/").json()["claimed_by"] == f"user:{pharmacist_id}"
    trail = pharmacist.get(url).json()["events"]
    assert [event["by_id"] for event in trail] == [f"user:{patient_id}", f"user:{pharmacist_id}"]
