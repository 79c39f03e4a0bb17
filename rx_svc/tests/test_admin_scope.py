"""Pharmacists signed in to the back office through single sign-on see and act on their own
pharmacy's prescriptions only (the ``org`` of their sign-on); another pharmacy's are absent
from every list and page, exactly like one that does not exist. Admins see every pharmacy's."""

import pytest

from prescriptions.models import DocumentAccess, Prescription
from tests.conftest import (
    OTHER_PATIENT_ID,
    PHARMACIST_ID,
    RIVAL_PHARMACY,
    sign_in,
    sign_in_as_admin,
)
from tests.factories import PrescriptionFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/rx/prescriptions/queuedprescription/"
ALL = "/admin/rx/prescriptions/prescription/"


def page(prescription, view: str) -> str:
    return f"{QUEUE}{prescription.pk}/{view}/"


@pytest.fixture
def two_pharmacies():
    ours = PrescriptionFactory(drug_name="OURS-DRUG")
    theirs = PrescriptionFactory(
        pharmacy_id=RIVAL_PHARMACY, patient_id=OTHER_PATIENT_ID, drug_name="THEIRS-DRUG"
    )
    return ours, theirs


def listed(client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200
    return [p.pk for p in response.context["cl"].result_list]


def test_a_pharmacist_sees_only_their_own_pharmacys_queue_and_prescriptions(client, two_pharmacies):
    ours, theirs = two_pharmacies
    sign_in(client, "phil")
    assert listed(client, QUEUE) == [ours.pk] and listed(client, ALL) == [ours.pk]
    assert "THEIRS-DRUG" not in client.get(QUEUE).content.decode()
    sign_in(client, "rita", org=RIVAL_PHARMACY)
    assert listed(client, QUEUE) == [theirs.pk] and listed(client, ALL) == [theirs.pk]


def test_an_admin_sees_every_pharmacys_queue(client, two_pharmacies):
    ours, theirs = two_pharmacies
    sign_in_as_admin(client)
    assert listed(client, QUEUE) == [ours.pk, theirs.pk]


def test_a_pharmacist_whose_sign_on_names_no_pharmacy_sees_nothing(client, two_pharmacies):
    sign_in(client, "lost", org=None)
    assert listed(client, QUEUE) == [] and listed(client, ALL) == []


@pytest.mark.parametrize("admin_url", [QUEUE, ALL])
def test_another_pharmacys_page_is_like_one_that_does_not_exist(client, two_pharmacies, admin_url):
    _, theirs = two_pharmacies
    sign_in(client, "phil")
    response = client.get(f"{admin_url}{theirs.pk}/change/", follow=True)
    missing = client.get(f"{admin_url}999999/change/", follow=True)
    assert response.redirect_chain == missing.redirect_chain == [("/admin/rx/", 302)]
    assert "THEIRS-DRUG" not in response.content.decode()


def test_another_pharmacys_document_is_404_and_unread(client, two_pharmacies):
    _, theirs = two_pharmacies
    sign_in(client, "phil")
    assert client.get(page(theirs, "document")).status_code == 404
    assert DocumentAccess.objects.count() == 0


@pytest.mark.parametrize(
    ("view", "form", "held"),
    [
        ("claim", {}, False),
        ("release", {}, True),
        ("approve", {"approve-refills": 0}, True),
        ("reject", {"reject-reason": "suspected_fraud"}, True),
    ],
)
def test_a_pharmacist_cannot_act_on_another_pharmacys_prescription(client, view, form, held):
    theirs = PrescriptionFactory(pharmacy_id=RIVAL_PHARMACY, in_review=held)
    before = (theirs.status, theirs.claimed_by)
    # Even one held in their name: the pharmacy decides, not the claim.
    sign_in(client, "phil", sub=PHARMACIST_ID if held else None)
    assert client.post(page(theirs, view), form).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.status, theirs.claimed_by) == before


def test_a_pharmacist_cannot_claim_another_pharmacys_prescription_from_the_list(
    client, two_pharmacies
):
    ours, theirs = two_pharmacies
    sign_in(client, "phil")
    client.post(QUEUE, {"action": "claim_selected", "_selected_action": [ours.pk, theirs.pk]})
    statuses = dict(Prescription.objects.values_list("pk", "status"))
    assert statuses == {ours.pk: "in_review", theirs.pk: "pending_review"}


def test_an_admins_preview_of_any_pharmacys_document_is_logged(client, two_pharmacies):
    _, theirs = two_pharmacies
    sign_in_as_admin(client)
    response = client.get(page(theirs, "document"))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    read = DocumentAccess.objects.get()
    assert (read.prescription_id, read.reader_name, read.reader_role, read.channel) == (
        theirs.pk,
        "root",
        "admin",
        "admin",
    )
