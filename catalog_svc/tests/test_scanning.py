"""GS1 in: scans (both forms a scanner or a person gives), receipts from barcodes with serials,
serials leaving with shipments, and the verification a buyer runs before taking a return."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common.demo import CORNER_PHARMACY, ST_MARYS_HOSPITAL
from common.testing import integration_token, mint_token
from inventory.models import Lot, LotStatus, SerialNumber, SerialStatus
from inventory.services import (
    ReservationLineIn,
    lot_transition,
    reservation_commit,
    reservation_create,
)
from tests.factories import stocked_lot

SCANS, VERIFY, RECEIPTS = "/api/catalog/scans/", "/api/catalog/verify/", "/api/catalog/receipts/"
GS = "\x1d"


def yymmdd(day) -> str:
    return day.strftime("%y%m%d")


def hri(gtin, expiry, lot, serial=None) -> str:
    text = f"(01){gtin}(17){yymmdd(expiry)}(10){lot}"
    return text + (f"(21){serial}" if serial else "")


def raw(gtin, expiry, lot, serial=None) -> str:
    """As a DataMatrix scanner sends it: AIs run together, the lot ended by GS."""
    text = f"01{gtin}17{yymmdd(expiry)}10{lot}"
    return text + (f"{GS}21{serial}" if serial else "")


def wrong_check_digit(gtin: str) -> str:
    return gtin[:-1] + str((int(gtin[-1]) + 1) % 10)


@pytest.fixture
def lot(drug, warehouse):
    return stocked_lot(drug=drug, warehouse=warehouse, quantity=50, lot_number="A100")


@pytest.fixture
def pharmacy(api_client):
    return api_client(
        mint_token(role="pharmacy", sub="31", org=CORNER_PHARMACY, org_type="pharmacy")
    )


def scan(client, barcode):
    return client.post(SCANS, {"barcode": barcode}, format="json")


@pytest.mark.django_db
@pytest.mark.parametrize("form", [hri, raw, lambda *a: "]d2" + raw(*a)])
def test_a_scan_names_drug_lot_expiry_and_serial_in_either_form(hospital, drug, lot, form):
    answer = scan(hospital, form(drug.gtin, lot.expiry_date, "A100", "SN0001"))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["drug"]["id"] == drug.pk and body["drug"]["ndc"] == drug.ndc
    assert (body["gtin"], body["lot_number"], body["serial"]) == (drug.gtin, "A100", "SN0001")
    assert body["expiry_date"] == lot.expiry_date.isoformat()
    assert body["lot"] == {
        "lot_number": "A100",
        "expiry_date": lot.expiry_date.isoformat(),
        "status": "available",
        "sellable": True,
    }
    assert body["sellable"] is True and body["serial_status"] == "unknown"
    assert body["barcode"] == hri(drug.gtin, lot.expiry_date, "A100", "SN0001")


@pytest.mark.django_db
def test_day_00_means_the_last_day_of_the_month(hospital, drug):
    body = scan(hospital, f"(01){drug.gtin}(17)280200(10)NEW1").json()
    assert body["expiry_date"] == "2028-02-29" and body["lot"] is None
    assert body["sellable"] is False


@pytest.mark.django_db
def test_a_recalled_lot_scans_as_not_sellable(hospital, drug, lot):
    lot_transition(lot_id=lot.pk, to=LotStatus.RECALLED, actor="test", reason="FDA recall")
    body = scan(hospital, hri(drug.gtin, lot.expiry_date, "A100")).json()
    assert body["lot"]["status"] == "recalled" and body["sellable"] is False


@pytest.mark.django_db
def test_a_lot_past_its_expiry_scans_as_expired(hospital, drug, warehouse):
    old = stocked_lot(drug=drug, warehouse=warehouse, expiry_days=-3, lot_number="OLD1")
    body = scan(hospital, hri(drug.gtin, old.expiry_date, "OLD1")).json()
    assert body["lot"]["status"] == "expired" and body["sellable"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("barcode", "code"),
    [
        (lambda d, lot: hri(wrong_check_digit(d.gtin), lot.expiry_date, "A100"), "bad_check_digit"),
        (lambda d, lot: raw(wrong_check_digit(d.gtin), lot.expiry_date, "A100"), "bad_check_digit"),
        (lambda d, lot: hri("00012345600012", lot.expiry_date, "A100"), "unknown_gtin"),
        (
            lambda d, lot: hri(d.gtin, lot.expiry_date + timedelta(days=31), "A100"),
            "lot_expiry_mismatch",
        ),
        (lambda d, lot: f"(17){yymmdd(lot.expiry_date)}(10)A100", "missing_gtin"),
        (lambda d, lot: f"(01){d.gtin}(17)271340", "invalid_barcode"),
        (lambda d, lot: "not a barcode", "invalid_barcode"),
    ],
)
def test_unusable_scans_answer_400_with_a_stable_code(hospital, drug, lot, barcode, code):
    answer = scan(hospital, barcode(drug, lot))
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["code"] == code
    assert "barcode" in answer.json()["errors"]


@pytest.mark.django_db
def test_scans_take_an_integration_with_catalog_read_and_no_patient(api_client, drug, lot):
    barcode = {"barcode": hri(drug.gtin, lot.expiry_date, "A100")}
    reader = api_client(
        integration_token(role="hospital", org=ST_MARYS_HOSPITAL, scope="catalog:read")
    )
    assert reader.post(SCANS, barcode, format="json").status_code == 200
    other = api_client(
        integration_token(role="hospital", org=ST_MARYS_HOSPITAL, scope="orders:read")
    )
    refused = other.post(SCANS, barcode, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    patient = api_client(mint_token(role="patient", sub="77"))
    assert patient.post(SCANS, barcode, format="json").status_code == 403


def receive(client, warehouse, *lines):
    return client.post(RECEIPTS, {"warehouse": warehouse.pk, "lines": list(lines)}, format="json")


@pytest.mark.django_db
def test_a_receipt_of_scanned_packages_records_the_lot_and_every_serial(
    distributor, drug, warehouse
):
    expiry = timezone.localdate() + timedelta(days=400)
    answer = receive(
        distributor,
        warehouse,
        {"barcode": raw(drug.gtin, expiry, "SCAN1", "P001"), "serials": ["P002", "P003"]},
        {"barcode": hri(drug.gtin, expiry, "SCAN2"), "quantity": 7},
    )
    assert answer.status_code == 201, answer.content
    lines = {line["lot_number"]: line for line in answer.json()["lines"]}
    assert lines["SCAN1"]["quantity"] == 3 and lines["SCAN2"]["quantity"] == 7
    assert lines["SCAN1"]["expiry_date"] == expiry.isoformat()
    scanned = Lot.objects.get(lot_number="SCAN1")
    assert scanned.on_hand == 3
    assert sorted(scanned.serials.values_list("serial", flat=True)) == ["P001", "P002", "P003"]
    assert not Lot.objects.get(lot_number="SCAN2").serials.exists()


@pytest.mark.django_db
def test_typed_lines_may_list_serials_too(distributor, drug, warehouse):
    expiry = (timezone.localdate() + timedelta(days=300)).isoformat()
    line = {"drug": drug.pk, "lot_number": "T1", "expiry_date": expiry, "serials": ["X1", "X2"]}
    assert receive(distributor, warehouse, line).status_code == 201
    assert Lot.objects.get(lot_number="T1").on_hand == 2


@pytest.mark.django_db
def test_a_serial_is_received_once_per_gtin(distributor, drug, warehouse):
    expiry = timezone.localdate() + timedelta(days=300)
    assert receive(distributor, warehouse, {"barcode": hri(drug.gtin, expiry, "D1", "S1")})
    again = receive(distributor, warehouse, {"barcode": hri(drug.gtin, expiry, "D2", "S1")})
    assert again.status_code == 409 and again.json()["code"] == "duplicate_serial"
    assert again.json()["serials"] == ["S1"]
    assert not Lot.objects.filter(lot_number="D2", on_hand__gt=0).exists()
    twice = receive(
        distributor,
        warehouse,
        {"barcode": hri(drug.gtin, expiry, "D3", "S9"), "serials": ["S9", "S9"]},
    )
    assert twice.status_code == 400 and twice.json()["code"] == "duplicate_serial"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "code"),
    [
        (lambda d, e: {"barcode": hri(wrong_check_digit(d.gtin), e, "Q1")}, "bad_check_digit"),
        (lambda d, e: {"barcode": hri("00012345600012", e, "Q1"), "quantity": 1}, "unknown_gtin"),
        (lambda d, e: {"barcode": f"(01){d.gtin}(10)Q1", "quantity": 1}, "incomplete_barcode"),
        (lambda d, e: {"barcode": hri(d.gtin, e, "Q1")}, "invalid_quantity"),
        (
            lambda d, e: {"barcode": hri(d.gtin, e, "Q1"), "quantity": 5, "serials": ["A"]},
            "serial_quantity_mismatch",
        ),
        (
            lambda d, e: {"barcode": hri(d.gtin, e - timedelta(days=40), "A100"), "quantity": 1},
            "lot_expiry_mismatch",
        ),
    ],
)
def test_bad_barcode_lines_refuse_the_whole_receipt(distributor, drug, warehouse, lot, line, code):
    expiry = lot.expiry_date
    answer = receive(distributor, warehouse, line(drug, expiry))
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == code
    assert Lot.objects.count() == 1 and not SerialNumber.objects.exists()


@pytest.mark.django_db
def test_a_line_is_scanned_or_typed_not_both(distributor, drug, warehouse, lot):
    both = {"barcode": hri(drug.gtin, lot.expiry_date, "A100"), "drug": drug.pk, "quantity": 1}
    answer = receive(distributor, warehouse, both)
    assert answer.status_code == 400 and answer.json()["code"] == "invalid"


def ship(drug, quantity, buyer_org, reference):
    reservation = reservation_create(
        reference=reference,
        lines=[ReservationLineIn(drug=drug.pk, quantity=quantity)],
        min_shelf_life_days=0,
        client="test",
    )
    return reservation_commit(
        reservation_id=reservation.pk,
        shipped_at=timezone.now(),
        buyer_org=buyer_org,
        actor="test",
    )


@pytest.fixture
def serialized(distributor, drug, warehouse):
    expiry = timezone.localdate() + timedelta(days=500)
    serials = [f"SN{n}" for n in range(1, 6)]
    line = {"barcode": hri(drug.gtin, expiry, "SER1"), "serials": serials}
    assert receive(distributor, warehouse, line).status_code == 201
    return Lot.objects.get(lot_number="SER1")


@pytest.mark.django_db
def test_serials_leave_with_the_shipment_oldest_first(drug, serialized):
    ship(drug, 2, ST_MARYS_HOSPITAL, "PC-1")
    shipped = SerialNumber.objects.filter(status=SerialStatus.SHIPPED).order_by("serial")
    assert [s.serial for s in shipped] == ["SN1", "SN2"]
    assert {s.shipment.order_ref for s in shipped} == {"PC-1"}
    assert {s.shipment.buyer_org for s in shipped} == {ST_MARYS_HOSPITAL}
    assert SerialNumber.objects.filter(status=SerialStatus.IN_STOCK).count() == 3


def verify(client, drug, package_lot, serial=None, **overrides):
    params = {
        "gtin": drug.gtin,
        "lot": package_lot.lot_number,
        "expiry": package_lot.expiry_date.isoformat(),
    }
    if serial:
        params["serial"] = serial
    params.update(overrides)
    answer = client.get(VERIFY, params)
    assert answer.status_code == 200, answer.content
    return answer.json()


@pytest.mark.django_db
def test_a_package_shipped_to_the_asker_is_genuine_and_sellable(hospital, drug, serialized):
    ship(drug, 2, ST_MARYS_HOSPITAL, "PC-1")
    verdict = verify(hospital, drug, serialized, "SN1")
    assert verdict["verified"] is True and verdict["sellable"] is True
    assert verdict["reason"] is None and verdict["drug"] == drug.pk
    assert verdict["lot_status"] == "available"


@pytest.mark.django_db
def test_a_package_shipped_to_someone_else_is_not_genuine_for_the_asker(pharmacy, drug, serialized):
    ship(drug, 2, ST_MARYS_HOSPITAL, "PC-1")
    verdict = verify(pharmacy, drug, serialized, "SN1")
    assert (verdict["verified"], verdict["sellable"]) == (False, False)
    assert verdict["reason"] == "shipped_to_another"
    assert verify(pharmacy, drug, serialized, "SN4")["reason"] == "not_shipped"


@pytest.mark.django_db
def test_the_distributor_verifies_a_return_of_its_own_shipment(distributor, drug, serialized):
    ship(drug, 1, ST_MARYS_HOSPITAL, "PC-1")
    assert verify(distributor, drug, serialized, "SN1")["sellable"] is True


@pytest.mark.django_db
def test_a_genuine_package_of_a_recalled_lot_is_not_sellable(hospital, drug, serialized):
    ship(drug, 1, ST_MARYS_HOSPITAL, "PC-1")
    lot_transition(lot_id=serialized.pk, to=LotStatus.RECALLED, actor="test", reason="recall")
    verdict = verify(hospital, drug, serialized, "SN1")
    assert (verdict["verified"], verdict["sellable"], verdict["reason"]) == (
        True,
        False,
        "recalled",
    )


@pytest.mark.django_db
def test_an_expired_lot_is_not_sellable(hospital, drug, warehouse):
    old = stocked_lot(drug=drug, warehouse=warehouse, expiry_days=-1, lot_number="OLD")
    verdict = verify(hospital, drug, old)
    assert verdict["verified"] is True and verdict["reason"] == "expired"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"gtin": "00012345600012"}, "unknown_product"),
        ({"lot": "NOPE"}, "unknown_lot"),
        ({"expiry": "2031-01-31"}, "expiry_mismatch"),
        ({"serial": "FAKE"}, "unknown_serial"),
    ],
)
def test_unknown_or_contradicting_packages_are_not_genuine(
    hospital, drug, serialized, overrides, reason
):
    verdict = verify(hospital, drug, serialized, **overrides)
    assert (verdict["verified"], verdict["sellable"], verdict["reason"]) == (False, False, reason)


@pytest.mark.django_db
def test_a_serial_of_another_lot_is_not_genuine(distributor, hospital, drug, warehouse, serialized):
    other = stocked_lot(drug=drug, warehouse=warehouse, lot_number="OTHER")
    ship(drug, 1, ST_MARYS_HOSPITAL, "PC-1")
    assert verify(hospital, drug, other, "SN1")["reason"] == "serial_lot_mismatch"


@pytest.mark.django_db
def test_verify_refuses_a_gtin_with_a_wrong_check_digit(hospital, drug, lot):
    answer = hospital.get(
        VERIFY,
        {"gtin": wrong_check_digit(drug.gtin), "lot": "A100", "expiry": "2030-01-01"},
    )
    assert answer.status_code == 400 and answer.json()["code"] == "bad_check_digit"
    missing = hospital.get(VERIFY, {"gtin": drug.gtin})
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"lot", "expiry"}
