"""After confirmation: shipping, delivery, cancelling, the DSCSA record, and who may see what."""

import pytest
from django.db import IntegrityError, transaction

from fulfillment.models import ChargebackReport, TransactionRecord
from orders.models import Order

pytestmark = pytest.mark.django_db
ORDERS = "/api/orders/"


def test_shipping_commits_stock_records_lots_dscsa_and_chargebacks(
    confirmed, distributor, hospital, upstream, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = distributor.post(f"{ORDERS}{confirmed['id']}/ship/", {}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "shipped"
    assert body["lines"][0]["shipped_lots"] == [
        {"lot": 901, "lot_number": "L1", "expiry_date": "2028-01-31", "quantity": 4}
    ]
    (commit,) = upstream.calls("/commit/")
    assert b'"buyer_org": 2' in commit.request.body
    assert ChargebackReport.objects.filter(sent_at__isnull=False).count() == 2
    record = hospital.get(f"{ORDERS}{confirmed['id']}/transaction-record/").json()["document"]
    info = record["transaction_information"]
    assert info["buyer"]["organization"] == 2 and info["seller"]["organization"] == 1
    assert {p["ndc"] for p in info["products"]} == {"12345-0001-01", "12345-0002-01"}
    assert (
        info["products"][0] | {"lot_number": "L1", "number_of_containers": 4, "container_size": 100}
        == info["products"][0]
    )
    assert "Drug Supply Chain Security Act" in record["transaction_statement"]
    assert distributor.get(f"{ORDERS}{confirmed['id']}/transaction-record/").status_code == 200


def test_the_dscsa_record_cannot_be_edited_or_deleted(confirmed, distributor):
    distributor.post(f"{ORDERS}{confirmed['id']}/ship/", {}, format="json")
    record = TransactionRecord.objects.get()
    for change in (
        lambda: TransactionRecord.objects.filter(pk=record.pk).update(document={}),
        lambda: TransactionRecord.objects.filter(pk=record.pk).delete(),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            change()
    assert TransactionRecord.objects.get().document == record.document


def test_pricing_down_at_shipment_keeps_the_chargeback_for_reconcile(
    confirmed, distributor, upstream, django_capture_on_commit_callbacks
):
    from orders.reconcile import orders_reconcile

    upstream.mock.remove("POST", "http://gw.test/api/pricing/chargebacks/events/")
    upstream.mock.post("http://gw.test/api/pricing/chargebacks/events/", status=503)
    with django_capture_on_commit_callbacks(execute=True):
        shipped = distributor.post(f"{ORDERS}{confirmed['id']}/ship/", {}, format="json")
    assert shipped.status_code == 200
    assert ChargebackReport.objects.filter(sent_at__isnull=True).count() == 2
    upstream.mock.remove("POST", "http://gw.test/api/pricing/chargebacks/events/")
    upstream.chargebacks()
    from common.clients import breakers

    breakers.breakers_forget()
    assert orders_reconcile().chargebacks_sent == 2


def test_delivery_records_accepted_and_rejected_units(confirmed, distributor, hospital):
    distributor.post(f"{ORDERS}{confirmed['id']}/ship/", {}, format="json")
    received = [
        {"line": 1, "accepted": 3, "rejected": 1, "reason": "damaged carton"},
        {"line": 2, "accepted": 1, "rejected": 0},
    ]
    response = hospital.post(
        f"{ORDERS}{confirmed['id']}/deliver/", {"received": received}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "delivered"
    assert response.json()["lines"][0]["rejection_reason"] == "damaged carton"


@pytest.mark.parametrize(
    ("received", "code"),
    [
        ([{"line": 1, "accepted": 4, "rejected": 0}], "delivery_lines_mismatch"),
        (
            [{"line": 1, "accepted": 9, "rejected": 0}, {"line": 2, "accepted": 1, "rejected": 0}],
            "delivery_quantity_mismatch",
        ),
        (
            [{"line": 1, "accepted": 3, "rejected": 1}, {"line": 2, "accepted": 1, "rejected": 0}],
            "reason_required",
        ),
    ],
)
def test_bad_proofs_of_delivery_are_refused(confirmed, distributor, hospital, received, code):
    distributor.post(f"{ORDERS}{confirmed['id']}/ship/", {}, format="json")
    response = hospital.post(
        f"{ORDERS}{confirmed['id']}/deliver/", {"received": received}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert Order.objects.get().status == "shipped"


def test_cancelling_releases_the_reservation(confirmed, hospital, upstream):
    response = hospital.post(
        f"{ORDERS}{confirmed['id']}/cancel/", {"reason": "ordered twice"}, format="json"
    )
    assert response.json()["status"] == "cancelled"
    assert len(upstream.calls("/release/")) == 1
    assert Order.objects.get().reservation_state == "released"


@pytest.mark.parametrize(
    ("steps", "action", "who", "current", "allowed"),
    [
        ([], "deliver", "hospital", "confirmed", ["cancelled", "shipped"]),
        (["ship"], "ship", "distributor", "shipped", ["delivered"]),
        (["ship"], "cancel", "hospital", "shipped", ["delivered"]),
        (["cancel"], "ship", "distributor", "cancelled", []),
        (["cancel"], "cancel", "hospital", "cancelled", []),
    ],
)
def test_moves_the_status_machine_forbids_are_409(
    confirmed, distributor, hospital, upstream, steps, action, who, current, allowed
):
    for step in steps:
        client = distributor if step == "ship" else hospital
        client.post(f"{ORDERS}{confirmed['id']}/{step}/", {}, format="json")
    commits = len(upstream.calls("/commit/"))
    client = {"hospital": hospital, "distributor": distributor}[who]
    body = {"received": [{"line": 1, "accepted": 4, "rejected": 0}]} if action == "deliver" else {}
    response = client.post(f"{ORDERS}{confirmed['id']}/{action}/", body, format="json")
    refusal = response.json()
    assert (response.status_code, refusal["code"]) == (409, "invalid_transition")
    to = {"deliver": "delivered", "ship": "shipped", "cancel": "cancelled"}[action]
    assert (refusal["from"], refusal["to"], refusal["allowed"]) == (current, to, allowed)
    assert not {"order_status", "current_status"} & set(refusal)
    assert len(upstream.calls("/commit/")) == commits  # a refused shipment ships nothing
    assert Order.objects.get().status == current


def test_a_buyer_cannot_ship(confirmed, hospital):
    assert hospital.post(f"{ORDERS}{confirmed['id']}/ship/", {}, format="json").status_code == 403


def test_events_tell_the_history(confirmed, distributor, hospital):
    distributor.post(f"{ORDERS}{confirmed['id']}/ship/", {}, format="json")
    events = hospital.get(f"{ORDERS}{confirmed['id']}/events/").json()
    assert [(e["from"], e["to"]) for e in events] == [
        (None, "pending"),
        ("pending", "confirmed"),
        ("confirmed", "shipped"),
    ]
    assert events[-1]["by"] == "user:2"


def test_the_schema_of_events_names_the_fields_the_answer_has(confirmed, hospital):
    answer = hospital.get(f"{ORDERS}{confirmed['id']}/events/").json()
    schema = hospital.get(f"{ORDERS}schema/", {"format": "json"}).json()
    items = schema["paths"]["/api/orders/{id}/events/"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]["items"]
    event = schema["components"]["schemas"][items["$ref"].rsplit("/", 1)[-1]]
    assert set(event["properties"]) == set(answer[0]) == {"from", "to", "at", "by", "reason"}
    assert event["properties"]["from"]["nullable"] and answer[0]["from"] is None


def test_other_tenants_get_404(confirmed, api_client):
    from common.testing import mint_token

    other_hospital = api_client(mint_token(role="hospital", sub="99", org=3, org_type="hospital"))
    other_distributor = api_client(
        mint_token(role="distributor", sub="98", org=8, org_type="distributor")
    )
    patient = api_client(mint_token(role="patient", sub="7"))
    for client in (other_hospital, other_distributor, patient):
        assert client.get(f"{ORDERS}{confirmed['id']}/").status_code == 404
        assert client.get(f"{ORDERS}{confirmed['id']}/transaction-record/").status_code == 404
        assert client.get(ORDERS).json()["count"] == 0
    assert (
        other_hospital.post(f"{ORDERS}{confirmed['id']}/cancel/", {}, format="json").status_code
        == 404
    )


def test_the_list_filters_and_has_no_n_plus_one(hospital, upstream, django_assert_max_num_queries):
    for drug in range(1, 7):
        upstream.drug(drug)
    upstream.prices({drug: "1.0000" for drug in range(1, 7)})
    upstream.stock()
    for drug in range(1, 7):
        hospital.post(ORDERS, {"lines": [{"drug": drug, "quantity": 1}]}, format="json")
    with django_assert_max_num_queries(3):  # count, the page, its lines: not one per order
        body = hospital.get(ORDERS, {"status": "confirmed"}).json()
    assert body["count"] == 6 and all(len(o["lines"]) == 1 for o in body["results"])
    assert hospital.get(ORDERS, {"status": "shipped"}).json()["count"] == 0
    assert hospital.get(ORDERS, {"status": "nonsense"}).status_code == 400


def test_a_patients_shipment_names_the_patient_in_the_dscsa_record(patient, distributor, upstream):
    upstream.drug(3, rx_only=True)
    upstream.prices({3: "12.0000"})
    upstream.fills()
    upstream.stock()
    order = patient.post(
        ORDERS, {"lines": [{"drug": 3, "quantity": 1, "prescription": 44}]}, format="json"
    ).json()
    assert distributor.post(f"{ORDERS}{order['id']}/ship/", {}, format="json").status_code == 200
    (commit,) = upstream.calls("/commit/")
    assert b'"buyer_org": null' in commit.request.body
    record = patient.get(f"{ORDERS}{order['id']}/transaction-record/").json()["document"]
    assert record["transaction_information"]["buyer"] == {"organization": None, "name": "patient 7"}
    assert not ChargebackReport.objects.exists()  # no contract, no organization: no chargeback
