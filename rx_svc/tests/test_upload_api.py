"""A patient uploads a prescription: content decides the type, the name is ours, the drug is
the catalog's, and on any refusal nothing is stored (no row, no file)."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.testing import mint_token
from prescriptions.models import Prescription, PrescriptionEvent
from prescriptions.sample_documents import jpeg_document, pdf_document, png_document
from tests.conftest import PATIENT_ACTOR, PATIENT_ID, UPLOAD_URL, upload_form

pytestmark = pytest.mark.django_db

PNG_BYTES = png_document(["Rx: demo drug 1", "Dr. Gregory House"])


def stored_files(document_dir) -> list:
    return (
        [path for path in document_dir.rglob("*") if path.is_file()]
        if document_dir.exists()
        else []
    )


def assert_nothing_stored(document_dir):
    assert Prescription.objects.count() == 0
    assert PrescriptionEvent.objects.count() == 0
    assert stored_files(document_dir) == []


def test_a_patient_uploads_a_prescription(patient, catalog, document_dir):
    catalog.drug(1, name="Amoxicillin 500 mg Capsule")
    response = patient.post(UPLOAD_URL, upload_form(PNG_BYTES), format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending_review"
    assert (body["patient"], body["drug"], body["drug_name"]) == (
        PATIENT_ID,
        1,
        "Amoxicillin 500 mg Capsule",
    )
    assert body["quantity"] == 2 and body["prescriber_license"] == "MD-123456"
    assert body["document"] == {
        "content_type": "image/png",
        "size": len(PNG_BYTES),
        "sha256": hashlib.sha256(PNG_BYTES).hexdigest(),
        "url": f"/api/rx/prescriptions/{body['id']}/document/",
    }
    [stored] = stored_files(document_dir)
    assert stored.read_bytes() == PNG_BYTES
    event = PrescriptionEvent.objects.get()
    assert (event.from_status, event.to_status, event.by_id) == (
        "",
        "pending_review",
        PATIENT_ACTOR,
    )


def test_a_png_named_pdf_is_stored_as_the_png_it_is(patient, catalog, document_dir):
    catalog.drug(1)
    form = upload_form(PNG_BYTES, name="scan.pdf")
    form["file"] = SimpleUploadedFile("scan.pdf", PNG_BYTES, content_type="application/pdf")
    response = patient.post(UPLOAD_URL, form, format="multipart")
    assert response.status_code == 201
    assert response.json()["document"]["content_type"] == "image/png"
    [stored] = stored_files(document_dir)
    assert stored.suffix == ".png"


@pytest.mark.parametrize(
    ("content", "name"),
    [(pdf_document(["Rx"]), "scan.png"), (jpeg_document(["Rx"]), "photo.txt")],
    ids=["pdf", "jpeg"],
)
def test_pdf_and_jpeg_are_accepted_whatever_their_name(patient, catalog, content, name):
    catalog.drug(1)
    response = patient.post(UPLOAD_URL, upload_form(content, name=name), format="multipart")
    assert response.status_code == 201
    assert response.json()["document"]["content_type"] in {"application/pdf", "image/jpeg"}


def test_an_executable_named_png_is_refused_and_nothing_is_stored(patient, catalog, document_dir):
    catalog.drug(1)
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 4000
    response = patient.post(UPLOAD_URL, upload_form(exe, name="scan.png"), format="multipart")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_file_type"
    assert response["Content-Type"] == "application/problem+json"
    assert_nothing_stored(document_dir)
    assert catalog.drug_calls() == 0  # refused before asking anyone


def test_an_empty_file_is_refused(patient, catalog, document_dir):
    catalog.drug(1)
    response = patient.post(UPLOAD_URL, upload_form(b""), format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "empty_file"
    assert_nothing_stored(document_dir)


def test_a_path_traversal_name_is_never_used(patient, catalog, document_dir, tmp_path):
    catalog.drug(1)
    form = upload_form(PNG_BYTES, name="../../etc/passwd.png")
    response = patient.post(UPLOAD_URL, form, format="multipart")
    assert response.status_code == 201
    prescription = Prescription.objects.get()
    assert ".." not in prescription.document_name and "passwd" not in prescription.document_name
    [stored] = stored_files(document_dir)
    assert stored.parent == document_dir and stored.name == prescription.document_name
    assert not (tmp_path / "etc").exists() and not (document_dir.parent / "passwd.png").exists()


def test_the_same_file_twice_points_at_the_first_prescription(patient, catalog, document_dir):
    catalog.drug(1)
    first = patient.post(UPLOAD_URL, upload_form(PNG_BYTES), format="multipart").json()
    again = patient.post(
        UPLOAD_URL, upload_form(PNG_BYTES, name="again.png", quantity=5), format="multipart"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_document"
    assert again.json()["prescription"] == first["id"]
    assert Prescription.objects.count() == 1 and len(stored_files(document_dir)) == 1


def test_another_patient_may_upload_the_same_file(patient, other_patient, catalog):
    catalog.drug(1)
    assert patient.post(UPLOAD_URL, upload_form(PNG_BYTES), format="multipart").status_code == 201
    response = other_patient.post(UPLOAD_URL, upload_form(PNG_BYTES), format="multipart")
    assert response.status_code == 201


def test_catalog_down_is_503_and_nothing_is_stored(patient, catalog, document_dir):
    catalog.down(1)
    response = patient.post(UPLOAD_URL, upload_form(PNG_BYTES), format="multipart")
    assert response.status_code == 503
    assert response.json()["code"] == "upstream_unavailable"
    assert response["Retry-After"]
    assert_nothing_stored(document_dir)


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        (lambda catalog: catalog.missing(1), "unknown_drug"),
        (lambda catalog: catalog.drug(1, active=False), "drug_inactive"),
        (lambda catalog: catalog.drug(1, rx_only=False), "prescription_not_required"),
    ],
    ids=["unknown", "inactive", "otc"],
)
def test_the_drug_must_be_a_prescription_drug_in_the_catalog(
    patient, catalog, document_dir, setup, code
):
    setup(catalog)
    response = patient.post(UPLOAD_URL, upload_form(PNG_BYTES), format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == code and "drug" in response.json()["errors"]
    assert_nothing_stored(document_dir)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"written_on": "2999-01-01"}, "written_on_in_future"),
        ({"written_on": "2001-01-01"}, "prescription_too_old"),
        ({"quantity": 0}, "invalid"),
        ({"drug": "aspirin"}, "invalid"),
        ({"prescriber_name": ""}, "invalid"),
    ],
)
def test_bad_metadata_is_refused(patient, catalog, document_dir, fields, code):
    catalog.drug(1)
    response = patient.post(UPLOAD_URL, upload_form(PNG_BYTES, **fields), format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert_nothing_stored(document_dir)


def test_a_missing_file_is_a_field_error(patient, document_dir):
    form = upload_form(PNG_BYTES)
    del form["file"]
    response = patient.post(UPLOAD_URL, form, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_json_bodies_are_not_uploads(patient):
    response = patient.post(UPLOAD_URL, {"drug": 1}, format="json")
    assert response.status_code == 415


@pytest.mark.parametrize("role", ["pharmacist", "hospital", "admin"])
def test_only_patients_upload(api_client, role, document_dir):
    client = api_client(mint_token(role=role, sub="77"))
    response = client.post(UPLOAD_URL, upload_form(PNG_BYTES), format="multipart")
    assert response.status_code == 403
    assert_nothing_stored(document_dir)


def test_anonymous_uploads_are_401(api_client):
    response = api_client().post(UPLOAD_URL, upload_form(PNG_BYTES), format="multipart")
    assert response.status_code == 401


def test_a_second_upload_for_the_same_drug_does_not_ask_the_catalog_again(
    patient, catalog, document_dir
):
    catalog.drug(1)
    for number in range(2):
        document = png_document([f"Rx {number}: demo drug 1", "Dr. Gregory House"])
        response = patient.post(UPLOAD_URL, upload_form(document), format="multipart")
        assert response.status_code == 201, response.json()
    assert catalog.drug_calls() == 1
