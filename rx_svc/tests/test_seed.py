"""``seed``: the demo patient's pending and verified prescriptions, with real documents,
created once however often it runs, and without calling any other service."""

from io import StringIO

import pytest
from django.core.management import call_command

from common.demo import CORNER_PHARMACY
from common.demo.catalog import drugs
from common.demo.people import DEMO_PATIENT_ID, DEMO_PHARMACIST_ID
from prescriptions.documents import document_inspect
from prescriptions.models import Prescription, PrescriptionEvent
from prescriptions.storage import document_storage

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed", stdout=StringIO())


def test_seed_makes_a_pending_and_a_verified_prescription_once(catalog, document_dir):
    seed()
    seed()
    prescriptions = {p.status: p for p in Prescription.objects.all()}
    assert set(prescriptions) == {"pending_review", "verified"}
    assert {p.patient_id for p in prescriptions.values()} == {str(DEMO_PATIENT_ID)}
    # Sent to the demo pharmacist's pharmacy, so they see and reviewed them.
    assert {p.pharmacy_id for p in prescriptions.values()} == {CORNER_PHARMACY}
    verified = prescriptions["verified"]
    assert (verified.reviewed_by, verified.fills_remaining) == (f"user:{DEMO_PHARMACIST_ID}", 3)
    by_id = {drug.id: drug for drug in drugs()}
    for prescription in prescriptions.values():
        drug = by_id[prescription.drug_id]
        assert drug.rx_only and not drug.schedule and prescription.drug_name == drug.name
        with document_storage().open(prescription.document_name) as handle:
            inspected = document_inspect(upload=handle, size=prescription.document_size)
        assert inspected.kind.content_type == prescription.document_type
        assert inspected.sha256 == prescription.document_sha256
    assert len(list(document_dir.iterdir())) == 2
    assert PrescriptionEvent.objects.count() == 4  # uploaded x2, claimed, approved
    assert len(catalog.mock.calls) == 0


def test_seed_restores_documents_the_store_lost(document_dir):
    seed()
    for path in document_dir.iterdir():
        path.unlink()
    seed()
    assert Prescription.objects.count() == 2
    assert all(
        document_storage().exists(name)
        for name in Prescription.objects.values_list("document_name", flat=True)
    )
