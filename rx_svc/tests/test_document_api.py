"""Documents stream only through the authorized endpoint, as sandboxed, unsniffable
attachments, and every read lands in the access log, which admins can query."""

import pytest

from common.testing import mint_token
from prescriptions.models import DocumentAccess
from prescriptions.sample_documents import pdf_document
from tests.conftest import OTHER_PATIENT_ID, PATIENT_ACTOR, PHARMACIST_ACTOR
from tests.factories import DocumentAccessFactory, PrescriptionFactory

pytestmark = pytest.mark.django_db
ACCESS_LOG = "/api/rx/access-log/"


def document_url(prescription) -> str:
    return f"/api/rx/prescriptions/{prescription.pk}/document/"


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_owner_reads_the_document_as_a_sandboxed_attachment(patient, document_dir):
    prescription = PrescriptionFactory()
    response = patient.get(document_url(prescription), HTTP_ACCEPT="image/png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        f'attachment; filename="prescription-{prescription.pk}.png"'
    )
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert content(response) == (document_dir / prescription.document_name).read_bytes()


def test_a_pdf_is_served_as_a_pdf(pharmacist):
    pdf = pdf_document(["Rx"])
    prescription = PrescriptionFactory(content=pdf, document_type="application/pdf")
    response = pharmacist.get(document_url(prescription), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # A PDF may carry JavaScript: opened from this URL it is saved, and rendered it runs none.
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert content(response) == pdf


def test_every_read_is_logged_with_who_and_how(patient, pharmacist):
    prescription = PrescriptionFactory()
    content(patient.get(document_url(prescription), HTTP_X_REQUEST_ID="req-patient-1"))
    content(pharmacist.get(document_url(prescription)))
    content(pharmacist.get(document_url(prescription)))
    reads = list(
        DocumentAccess.objects.order_by("pk").values_list("reader_id", "reader_role", "channel")
    )
    assert reads == [
        (PATIENT_ACTOR, "patient", "api"),
        (PHARMACIST_ACTOR, "pharmacist", "api"),
        (PHARMACIST_ACTOR, "pharmacist", "api"),
    ]
    assert DocumentAccess.objects.order_by("pk").first().request_id == "req-patient-1"


def test_refused_reads_are_not_served_and_not_logged_as_reads(other_patient, api_client):
    prescription = PrescriptionFactory()
    assert other_patient.get(document_url(prescription)).status_code == 404
    hospital = api_client(mint_token(role="hospital", sub="5", org=2))
    assert hospital.get(document_url(prescription)).status_code == 403
    assert api_client().get(document_url(prescription)).status_code == 401
    assert DocumentAccess.objects.count() == 0


def test_a_document_missing_from_the_store_is_a_clear_404(patient, document_dir):
    prescription = PrescriptionFactory()
    (document_dir / prescription.document_name).unlink()
    response = patient.get(document_url(prescription))
    assert response.status_code == 404
    assert response.json()["code"] == "document_missing"


def test_the_storage_has_no_url_for_documents():
    from prescriptions.storage import document_storage

    prescription = PrescriptionFactory()
    with pytest.raises(NotImplementedError):
        document_storage().url(prescription.document_name)


def test_admins_read_the_access_log_filtered(admin_api, django_assert_num_queries):
    one, two = PrescriptionFactory(), PrescriptionFactory(patient_id=OTHER_PATIENT_ID)
    DocumentAccessFactory(prescription=one)
    DocumentAccessFactory(prescription=two, reader_id=PATIENT_ACTOR, reader_role="patient")
    DocumentAccessFactory.create_batch(5, prescription=two)
    with django_assert_num_queries(2):
        body = admin_api.get(ACCESS_LOG, {"prescription": one.pk}).json()
    assert body["count"] == 1
    assert body["results"][0]["prescription"] == one.pk
    assert body["results"][0]["reader"] == PHARMACIST_ACTOR
    assert admin_api.get(ACCESS_LOG, {"reader": PATIENT_ACTOR}).json()["count"] == 1
    with django_assert_num_queries(2):
        assert admin_api.get(ACCESS_LOG).json()["count"] == 7


def test_only_admins_read_the_access_log(pharmacist, patient):
    assert pharmacist.get(ACCESS_LOG).status_code == 403
    assert patient.get(ACCESS_LOG).status_code == 403


def test_a_bad_access_log_filter_is_a_400(admin_api):
    response = admin_api.get(ACCESS_LOG, {"prescription": "abc"})
    assert response.status_code == 400 and "prescription" in response.json()["errors"]
