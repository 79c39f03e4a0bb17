"""A prescription belongs to the pharmacy the patient sends it to: the upload names one that
auth_svc knows as a pharmacy, and only that pharmacy's pharmacists see and review it. To a
pharmacist of another pharmacy it does not exist (404, never 403), and reading it leaves
nothing behind."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from common.demo import CORNER_PHARMACY, ST_MARYS_HOSPITAL
from common.testing import mint_token
from prescriptions.models import DocumentAccess, Prescription, PrescriptionEvent
from prescriptions.sample_documents import png_document
from tests.conftest import (
    OTHER_PATIENT_ID,
    PATIENT_ID,
    PHARMACIST_ID,
    PHARMACY,
    RIVAL_PHARMACIST_ACTOR,
    RIVAL_PHARMACY,
    UPLOAD_URL,
    upload_form,
)
from tests.factories import PrescriptionFactory

pytestmark = pytest.mark.django_db
LIST = "/api/rx/prescriptions/"
PNG_BYTES = png_document(["Rx: demo drug 1", "Dr. Gregory House"])


def url(prescription, action: str = "") -> str:
    return f"{LIST}{prescription.pk}/{action + '/' if action else ''}"


def assert_nothing_stored(document_dir):
    assert Prescription.objects.count() == 0
    assert PrescriptionEvent.objects.count() == 0
    assert not document_dir.exists() or not any(document_dir.iterdir())


# -- upload: the pharmacy it is sent to --------------------------------------------------------


def test_an_upload_is_sent_to_the_pharmacy_it_names(patient, catalog, auth):
    catalog.drug(1)
    response = patient.post(UPLOAD_URL, upload_form(PNG_BYTES), format="multipart")
    assert response.status_code == 201
    assert response.json()["pharmacy"] == PHARMACY
    assert Prescription.objects.get().pharmacy_id == PHARMACY
    assert auth.organization_calls() == 1


def test_an_upload_to_an_organization_that_is_no_pharmacy_is_400(patient, catalog, document_dir):
    catalog.drug(1)
    form = upload_form(PNG_BYTES, pharmacy=ST_MARYS_HOSPITAL)
    response = patient.post(UPLOAD_URL, form, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "unknown_pharmacy" and "pharmacy" in body["errors"]
    assert_nothing_stored(document_dir)


def test_an_upload_to_an_unknown_organization_is_400(patient, catalog, auth, document_dir):
    catalog.drug(1)
    auth.missing(99)
    response = patient.post(UPLOAD_URL, upload_form(PNG_BYTES, pharmacy=99), format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_pharmacy"
    assert_nothing_stored(document_dir)


def test_an_upload_must_name_a_pharmacy(patient, catalog, auth, document_dir):
    catalog.drug(1)
    form = upload_form(PNG_BYTES)
    del form["pharmacy"]
    response = patient.post(UPLOAD_URL, form, format="multipart")
    assert response.status_code == 400
    assert "pharmacy" in response.json()["errors"]
    assert auth.organization_calls() == 0
    assert_nothing_stored(document_dir)


def test_auth_down_at_upload_is_503_and_nothing_is_stored(patient, catalog, auth, document_dir):
    catalog.drug(1)
    auth.down(RIVAL_PHARMACY)
    form = upload_form(PNG_BYTES, pharmacy=RIVAL_PHARMACY)
    response = patient.post(UPLOAD_URL, form, format="multipart")
    assert response.status_code == 503
    assert response.json()["code"] == "upstream_unavailable"
    assert response["Retry-After"]
    assert_nothing_stored(document_dir)


def test_a_pharmacy_once_checked_is_not_asked_about_again_for_a_while(
    patient, other_patient, catalog, auth
):
    catalog.drug(1)
    patient.post(UPLOAD_URL, upload_form(PNG_BYTES), format="multipart")
    response = other_patient.post(UPLOAD_URL, upload_form(PNG_BYTES), format="multipart")
    assert response.status_code == 201
    assert auth.organization_calls() == 1


# -- pharmacists: their own pharmacy's queue only ----------------------------------------------


@pytest.fixture
def two_pharmacies():
    ours = PrescriptionFactory(pharmacy_id=PHARMACY)
    theirs = PrescriptionFactory(pharmacy_id=RIVAL_PHARMACY, patient_id=OTHER_PATIENT_ID)
    return ours, theirs


def test_a_pharmacist_lists_only_their_own_pharmacys_prescriptions(
    pharmacist, rival_pharmacist, two_pharmacies
):
    ours, theirs = two_pharmacies
    assert [row["id"] for row in pharmacist.get(LIST).json()["results"]] == [ours.pk]
    assert [row["id"] for row in rival_pharmacist.get(LIST).json()["results"]] == [theirs.pk]
    queue = pharmacist.get(LIST, {"status": "pending_review"}).json()
    assert [row["id"] for row in queue["results"]] == [ours.pk]


@pytest.mark.parametrize("path", ["", "document"])
def test_another_pharmacys_prescription_and_document_are_404(
    rival_pharmacist, two_pharmacies, path
):
    ours, _ = two_pharmacies
    response = rival_pharmacist.get(url(ours, path))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert DocumentAccess.objects.count() == 0


@pytest.mark.parametrize(
    ("action", "body", "held"),
    [
        ("claim", {}, False),
        ("release", {}, True),
        ("approve", {"refills": 1}, True),
        ("reject", {"reason": "suspected_fraud"}, True),
    ],
)
def test_a_pharmacist_cannot_review_another_pharmacys_prescription(api_client, action, body, held):
    # Even one held in this pharmacist's name (say, from before they moved pharmacy).
    theirs = PrescriptionFactory(pharmacy_id=RIVAL_PHARMACY, in_review=held)
    before = (theirs.status, theirs.claimed_by)
    phil = api_client(mint_token(role="pharmacist", sub=PHARMACIST_ID, org=PHARMACY))
    response = phil.post(url(theirs, action), body, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert (theirs.status, theirs.claimed_by) == before
    assert not PrescriptionEvent.objects.filter(prescription=theirs).exists()


def test_a_pharmacist_reviews_their_own_pharmacys_prescription(rival_pharmacist, two_pharmacies):
    _, theirs = two_pharmacies
    assert rival_pharmacist.post(url(theirs, "claim")).status_code == 200
    response = rival_pharmacist.post(url(theirs, "approve"), {"refills": 0}, format="json")
    assert response.status_code == 200
    theirs.refresh_from_db()
    assert (theirs.status, theirs.reviewed_by) == ("verified", RIVAL_PHARMACIST_ACTOR)


def test_a_pharmacist_whose_token_names_no_pharmacy_sees_nothing(api_client, two_pharmacies):
    ours, _ = two_pharmacies
    lost = api_client(mint_token(role="pharmacist", sub="999"))
    assert lost.get(LIST).json()["count"] == 0
    assert lost.get(url(ours)).status_code == 404
    assert lost.post(url(ours, "claim")).status_code == 404


def test_patients_see_their_own_prescriptions_whatever_the_pharmacy(patient, other_patient):
    mine = PrescriptionFactory(pharmacy_id=RIVAL_PHARMACY, patient_id=PATIENT_ID)
    PrescriptionFactory(pharmacy_id=RIVAL_PHARMACY, patient_id=OTHER_PATIENT_ID)
    assert [row["id"] for row in patient.get(LIST).json()["results"]] == [mine.pk]
    assert patient.get(url(mine)).json()["pharmacy"] == RIVAL_PHARMACY
    assert other_patient.get(url(mine)).status_code == 404


# -- prescriptions from before pharmacies ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_prescriptions_from_before_belong_to_corner_pharmacy():
    executor = MigrationExecutor(connection)
    before = [("prescriptions", "0002_prescription_pharmacy")]
    latest = executor.loader.graph.leaf_nodes("prescriptions")
    executor.migrate(before)
    try:
        old_model = executor.loader.project_state(before).apps.get_model(
            "prescriptions", "Prescription"
        )
        old = old_model.objects.create(
            patient_id=PATIENT_ID,
            drug_id=1,
            drug_name="Demo Drug 1",
            quantity=1,
            prescriber_name="Dr. Old",
            prescriber_license="MD-OLD",
            written_on="2026-01-01",
            document_name="old.png",
            document_type="image/png",
            document_size=1,
            document_sha256="0" * 64,
        )
        assert old.pharmacy_id is None
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    assert Prescription.objects.get(pk=old.pk).pharmacy_id == CORNER_PHARMACY
