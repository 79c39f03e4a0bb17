"""Patients see their own prescriptions, pharmacists work the queue: claim, then approve or
reject; only the holder decides, every change is an event, invalid moves are 409."""

from datetime import date, timedelta

import pytest

from common.testing import mint_token
from prescriptions.models import Prescription, PrescriptionEvent
from tests.conftest import (
    OTHER_PATIENT_ID,
    OTHER_PHARMACIST_ID,
    PATIENT_ID,
    PHARMACIST_ACTOR,
)
from tests.factories import PrescriptionFactory

pytestmark = pytest.mark.django_db
LIST = "/api/rx/prescriptions/"


def url(prescription, action: str = "") -> str:
    return f"{LIST}{prescription.pk}/{action + '/' if action else ''}"


def test_a_patient_lists_only_their_own_newest_first(patient):
    older = PrescriptionFactory()
    newer = PrescriptionFactory()
    PrescriptionFactory(patient_id=OTHER_PATIENT_ID)
    body = patient.get(LIST).json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]


def test_the_pharmacist_queue_is_oldest_first_and_filtered_by_status(pharmacist):
    first = PrescriptionFactory(patient_id=OTHER_PATIENT_ID)
    second = PrescriptionFactory()
    PrescriptionFactory(in_review=True)
    PrescriptionFactory(verified=True)
    body = pharmacist.get(LIST, {"status": "pending_review"}).json()
    assert [row["id"] for row in body["results"]] == [first.pk, second.pk]
    assert pharmacist.get(LIST).json()["count"] == 4


def test_an_unknown_status_filter_is_a_400(pharmacist):
    response = pharmacist.get(LIST, {"status": "approved"})
    assert response.status_code == 400 and "status" in response.json()["errors"]


def test_lists_take_the_same_number_of_queries_for_1_or_30_rows(
    pharmacist, django_assert_num_queries
):
    PrescriptionFactory()
    with django_assert_num_queries(2):  # count + page
        assert pharmacist.get(LIST).json()["count"] == 1
    PrescriptionFactory.create_batch(29)
    with django_assert_num_queries(2):
        assert len(pharmacist.get(LIST).json()["results"]) == 30


def test_detail_shows_the_history_in_two_queries(patient, pharmacist, django_assert_num_queries):
    prescription = PrescriptionFactory()
    pharmacist.post(url(prescription, "claim"))
    pharmacist.post(url(prescription, "approve"), {"refills": 1}, format="json")
    with django_assert_num_queries(2):
        body = patient.get(url(prescription)).json()
    assert [(e["from_status"], e["to_status"]) for e in body["events"]] == [
        ("pending_review", "in_review"),
        ("in_review", "verified"),
    ]
    assert body["events"][0]["by_id"] == PHARMACIST_ACTOR


def test_a_patient_reading_another_patients_prescription_gets_404(other_patient):
    prescription = PrescriptionFactory()  # belongs to PATIENT_ID
    for path in (url(prescription), url(prescription, "document")):
        response = other_patient.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("role", ["hospital", "pharmacy", "distributor", "admin"])
def test_other_roles_cannot_read_prescriptions(api_client, role):
    client = api_client(mint_token(role=role, sub=PATIENT_ID))
    assert client.get(LIST).status_code == 403
    assert client.get(url(PrescriptionFactory())).status_code == 403


def test_claim_then_approve(pharmacist):
    prescription = PrescriptionFactory()
    claimed = pharmacist.post(url(prescription, "claim"))
    assert claimed.status_code == 200
    assert (claimed.json()["status"], claimed.json()["claimed_by"]) == (
        "in_review",
        PHARMACIST_ACTOR,
    )
    valid_until = (date.today() + timedelta(days=100)).isoformat()
    approved = pharmacist.post(
        url(prescription, "approve"),
        {"refills": 2, "valid_until": valid_until, "notes": "called the prescriber"},
        format="json",
    )
    assert approved.status_code == 200, approved.json()
    body = approved.json()
    assert (body["status"], body["refills"], body["fills_remaining"]) == ("verified", 2, 3)
    assert (body["valid_until"], body["reviewed_by"]) == (valid_until, PHARMACIST_ACTOR)
    assert body["review_notes"] == "called the prescriber"


def test_approval_defaults_to_a_year_after_writing(pharmacist):
    prescription = PrescriptionFactory(in_review=True)
    body = pharmacist.post(url(prescription, "approve"), {}, format="json").json()
    assert body["valid_until"] == (prescription.written_on + timedelta(days=365)).isoformat()
    assert body["fills_remaining"] == 1


@pytest.mark.parametrize(
    ("valid_until", "code"),
    [
        (date.today() - timedelta(days=1), "valid_until_in_past"),
        (date.today() + timedelta(days=400), "valid_until_too_late"),
    ],
)
def test_approval_validity_must_be_sensible(pharmacist, valid_until, code):
    prescription = PrescriptionFactory(in_review=True)
    response = pharmacist.post(
        url(prescription, "approve"), {"valid_until": valid_until.isoformat()}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == code
    assert Prescription.objects.get().status == "in_review"


def test_reject_with_a_reason(pharmacist, patient):
    prescription = PrescriptionFactory(in_review=True)
    response = pharmacist.post(
        url(prescription, "reject"), {"reason": "illegible", "notes": "blurry"}, format="json"
    )
    assert response.status_code == 200
    body = patient.get(url(prescription)).json()
    assert (body["status"], body["rejection_reason"], body["review_notes"]) == (
        "rejected",
        "illegible",
        "blurry",
    )
    assert body["events"][-1]["reason"] == "illegible"


def test_an_unknown_reject_reason_is_a_400(pharmacist):
    prescription = PrescriptionFactory(in_review=True)
    response = pharmacist.post(url(prescription, "reject"), {"reason": "meh"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]


def test_approving_one_claimed_by_another_pharmacist_is_409(other_pharmacist):
    prescription = PrescriptionFactory(in_review=True)  # held by PHARMACIST_ACTOR
    for action, body in (("approve", {}), ("reject", {"reason": "other"}), ("release", {})):
        response = other_pharmacist.post(url(prescription, action), body, format="json")
        assert response.status_code == 409
        assert response.json()["code"] == "claimed_by_another"
    assert Prescription.objects.get().status == "in_review"


def test_claiming_one_held_by_another_is_409_and_reclaiming_ones_own_is_harmless(
    pharmacist, other_pharmacist
):
    prescription = PrescriptionFactory()
    assert pharmacist.post(url(prescription, "claim")).status_code == 200
    assert pharmacist.post(url(prescription, "claim")).status_code == 200
    response = other_pharmacist.post(url(prescription, "claim"))
    assert response.status_code == 409 and response.json()["code"] == "claimed_by_another"
    assert PrescriptionEvent.objects.filter(to_status="in_review").count() == 1


def test_release_puts_it_back_in_the_queue(pharmacist, other_pharmacist):
    prescription = PrescriptionFactory(in_review=True)
    assert pharmacist.post(url(prescription, "release")).json()["status"] == "pending_review"
    assert other_pharmacist.post(url(prescription, "claim")).json()["claimed_by"] == (
        f"user:{OTHER_PHARMACIST_ID}"
    )


@pytest.mark.parametrize(
    ("traits", "action", "body", "refusal"),
    [
        ({}, "approve", {}, ("pending_review", "verified", ["in_review"])),  # not claimed yet
        ({}, "reject", {"reason": "other"}, ("pending_review", "rejected", ["in_review"])),
        ({"verified": True}, "claim", {}, ("verified", "in_review", ["expired", "used_up"])),
        ({"status": "rejected"}, "claim", {}, ("rejected", "in_review", [])),
        (
            {"verified": True},
            "reject",
            {"reason": "other"},
            ("verified", "rejected", ["expired", "used_up"]),
        ),
    ],
)
def test_invalid_moves_are_409_invalid_transition(pharmacist, traits, action, body, refusal):
    prescription = PrescriptionFactory(**traits)
    before = prescription.status
    response = pharmacist.post(url(prescription, action), body, format="json")
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "invalid_transition"
    assert (problem["from"], problem["to"], problem["allowed"]) == refusal
    assert Prescription.objects.get().status == before


def test_patients_cannot_review(patient):
    prescription = PrescriptionFactory()
    assert patient.post(url(prescription, "claim")).status_code == 403


def test_reviewing_a_missing_prescription_is_404(pharmacist):
    response = pharmacist.post(f"{LIST}999999/claim/")
    assert response.status_code == 404
