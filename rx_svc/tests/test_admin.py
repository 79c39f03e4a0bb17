"""The pharmacists' review queue in the admin: oldest first, claim, the document beside its
metadata (streamed by a view that checks permissions and logs the read), approve or reject
through the same services as the API."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from prescriptions.actors import Actor
from prescriptions.models import DocumentAccess, Prescription, PrescriptionEvent
from prescriptions.preview import PREVIEW_WIDTH_PX
from prescriptions.sample_documents import pdf_document
from prescriptions.services.transitions import event_write
from prescriptions.storage import document_storage
from tests.conftest import PHARMACIST_ID, sign_in, sign_in_as_admin
from tests.factories import PrescriptionFactory

pytestmark = pytest.mark.django_db
QUEUE = "/admin/rx/prescriptions/queuedprescription/"


@pytest.fixture
def phil(client):
    return sign_in(client, "phil")


def page(prescription, view: str = "change") -> str:
    return f"{QUEUE}{prescription.pk}/{view}/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_pharmacist_group_gets_the_configured_permissions(settings):
    group = Group.objects.get(name="role:pharmacist")
    granted = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }
    assert granted == set(settings.ADMIN_ROLE_PERMISSIONS["pharmacist"])


def test_the_queue_lists_waiting_prescriptions_oldest_first(phil):
    first = PrescriptionFactory()
    second = PrescriptionFactory(in_review=True)
    PrescriptionFactory(verified=True)
    PrescriptionFactory(status="rejected")
    response = phil.get(QUEUE)
    assert response.status_code == 200
    assert [p.pk for p in response.context["cl"].result_list] == [first.pk, second.pk]


def test_each_queue_row_says_how_long_whose_what_and_who_prescribed(phil):
    now = timezone.now()
    old = PrescriptionFactory(created_at=now - timedelta(days=2, hours=3))
    recent = PrescriptionFactory(
        created_at=now - timedelta(minutes=7), prescriber_name="Dr. Lisa Cuddy"
    )
    uploader = Actor(id=old.patient_id, name="patricia", role="patient")
    for prescription in (old, recent):
        event_write(prescription=prescription, from_status="", by=uploader, reason="uploaded")
    html = phil.get(QUEUE).content.decode()
    body = re.search(r"<tbody>(.*)</tbody>", html, re.S).group(1)
    rows = re.findall(r"<tr>.*?</tr>", body, re.S)
    assert len(rows) == 2
    assert "2 d 3 h" in rows[0] and "7 min" in rows[1]  # oldest first
    assert all("patricia" in row and "Demo Drug 1 10 mg Tablet" in row for row in rows)
    assert "Dr. Gregory House (MD-123456)" in rows[0]
    assert "Dr. Lisa Cuddy (MD-123456)" in rows[1]
    # A prescription whose upload event is missing still names its patient by id.
    PrescriptionFactory(created_at=now)
    assert f"patient {old.patient_id}" in phil.get(QUEUE).content.decode()


def test_the_queue_takes_as_many_queries_for_2_rows_as_for_40(phil):
    PrescriptionFactory.create_batch(2)
    phil.get(QUEUE)  # the first sign-in makes phil's local user: not the queue's cost
    with CaptureQueriesContext(connection) as few:
        phil.get(QUEUE)
    PrescriptionFactory.create_batch(38, in_review=True)
    with CaptureQueriesContext(connection) as many:
        assert len(phil.get(QUEUE).context["cl"].result_list) == 40
    assert len(many) == len(few)


def test_claiming_from_the_list(phil):
    one, two = PrescriptionFactory(), PrescriptionFactory()
    response = phil.post(
        QUEUE, {"action": "claim_selected", "_selected_action": [one.pk, two.pk]}, follow=True
    )
    assert "Claimed 2 prescription(s)." in messages_of(response)
    assert set(Prescription.objects.values_list("status", "claimed_by_name")) == {
        ("in_review", "phil")
    }


def test_two_pharmacists_cannot_both_hold_one(client):
    prescription = PrescriptionFactory()
    sign_in(client, "phil")
    client.post(page(prescription, "claim"))
    sign_in(client, "paula")
    response = client.post(page(prescription, "claim"), follow=True)
    assert any("being reviewed by phil" in m for m in messages_of(response))
    assert Prescription.objects.get().claimed_by_name == "phil"
    response = client.post(page(prescription, "approve"), {"approve-refills": 0}, follow=True)
    assert any("being reviewed by phil" in m for m in messages_of(response))
    assert Prescription.objects.get().status == "in_review"


def test_the_review_page_shows_the_image_beside_the_metadata(phil):
    prescription = PrescriptionFactory()
    html = phil.get(page(prescription)).content.decode()
    assert f'<img src="{page(prescription, "preview")}"' in html
    assert prescription.drug_name in html and prescription.prescriber_license in html
    assert "Claim for review" in html and 'id="rx-approve"' not in html
    assert DocumentAccess.objects.count() == 0  # the page itself reads no document


def test_a_pdf_is_previewed_as_its_first_page_drawn_on_the_server(phil):
    # A PDF that carries JavaScript, as an attacker would upload it: the browser never gets
    # it to render, only a picture of its first page.
    scripted = pdf_document(["Rx: amoxicillin 500 mg", "Dr. Gregory House"]).replace(
        b"%%EOF", b"% /OpenAction << /S /JavaScript /JS (app.alert(1)) >>\n%%EOF"
    )
    prescription = PrescriptionFactory(content=scripted, document_type="application/pdf")
    html = phil.get(page(prescription)).content.decode()
    assert f'<img src="{page(prescription, "preview")}"' in html
    assert "First page of the PDF" in html
    assert "<iframe" not in html and "<object" not in html and "<embed" not in html
    response = phil.get(page(prescription, "preview"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Page-Count"] == "1"
    picture = Image.open(io.BytesIO(response.content)).convert("L")
    # US Letter at the preview's width, and the text is drawn: dark pixels in the top third.
    assert picture.width == PREVIEW_WIDTH_PX
    assert abs(picture.height - PREVIEW_WIDTH_PX * 792 / 612) <= 1
    top = picture.crop((0, 0, picture.width, picture.height // 3))
    assert top.getextrema()[0] < 80
    assert picture.crop((0, picture.height // 2, picture.width, picture.height)).getextrema() == (
        255,
        255,
    )
    read = DocumentAccess.objects.get()
    assert (read.prescription_id, read.reader_name, read.channel) == (
        prescription.pk,
        "phil",
        "admin",
    )
    # The whole file is still there to download, sandboxed.
    download = phil.get(page(prescription, "document"))
    assert download["Content-Security-Policy"] == "sandbox"
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_pdfium_cannot_read_is_previewed_as_a_notice(phil):
    broken = b"%PDF-1.4\n" + b"\x00" * 200 + b"\nstartxref\n9\n%%EOF\n"
    prescription = PrescriptionFactory(content=broken, document_type="application/pdf")
    response = phil.get(page(prescription, "preview"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Page-Count"] == "0"
    assert Image.open(io.BytesIO(response.content)).size == (PREVIEW_WIDTH_PX, 120)
    assert DocumentAccess.objects.count() == 1


def test_an_image_is_previewed_as_uploaded(phil):
    prescription = PrescriptionFactory()
    response = phil.get(page(prescription, "preview"))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content) == prescription_document(prescription)
    assert DocumentAccess.objects.count() == 1


def prescription_document(prescription) -> bytes:
    with document_storage().open(prescription.document_name, "rb") as handle:
        return handle.read()


def test_every_admin_preview_is_logged(phil):
    prescription = PrescriptionFactory()
    b"".join(phil.get(page(prescription, "document")).streaming_content)
    read = DocumentAccess.objects.get()
    assert (read.prescription_id, read.reader_name, read.reader_role, read.channel) == (
        prescription.pk,
        "phil",
        "pharmacist",
        "admin",
    )


def test_staff_without_the_permission_see_neither_queue_nor_documents(client):
    sign_in(client, "dora", role="distributor", org=1)
    prescription = PrescriptionFactory()
    assert client.get(QUEUE).status_code == 403
    assert client.get(page(prescription, "document")).status_code == 403
    assert client.get(page(prescription, "preview")).status_code == 403
    assert client.post(page(prescription, "claim")).status_code == 403
    assert DocumentAccess.objects.count() == 0
    assert Prescription.objects.get().status == "pending_review"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    prescription = PrescriptionFactory()
    response = client.get(page(prescription, "document"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_approve_through_the_admin(phil):
    prescription = PrescriptionFactory()
    phil.post(page(prescription, "claim"))
    html = phil.get(page(prescription)).content.decode()
    assert 'id="rx-approve"' in html and 'id="rx-reject"' in html
    response = phil.post(
        page(prescription, "approve"), {"approve-refills": 2, "approve-notes": "ok"}, follow=True
    )
    assert f"Prescription {prescription.pk} is verified." in messages_of(response)
    prescription.refresh_from_db()
    assert (prescription.status, prescription.fills_remaining) == ("verified", 3)
    event = PrescriptionEvent.objects.filter(prescription=prescription).last()
    assert (event.to_status, event.by_name, event.by_role) == ("verified", "phil", "pharmacist")


def test_reject_through_the_admin_needs_a_reason(phil):
    prescription = PrescriptionFactory()
    phil.post(page(prescription, "claim"))
    response = phil.post(page(prescription, "reject"), {"reject-reason": "bogus"}, follow=True)
    assert any(m.startswith("reason:") for m in messages_of(response))
    assert Prescription.objects.get().status == "in_review"
    phil.post(
        page(prescription, "reject"),
        {"reject-reason": "suspected_fraud", "reject-notes": "altered"},
    )
    prescription.refresh_from_db()
    assert (prescription.status, prescription.rejection_reason) == ("rejected", "suspected_fraud")


def test_a_claim_made_through_the_api_is_the_same_pharmacists_in_the_admin(client, pharmacist):
    # Signed in through auth_svc (the SSO cookie), a pharmacist has the same user id as in
    # their API tokens.
    prescription = PrescriptionFactory()
    pharmacist.post(f"/api/rx/prescriptions/{prescription.pk}/claim/")
    sign_in(client, "phil", sub=PHARMACIST_ID)
    html = client.get(page(prescription)).content.decode()
    assert 'id="rx-approve"' in html
    client.post(page(prescription, "approve"), {"approve-refills": 0})
    assert Prescription.objects.get().status == "verified"


def test_the_access_log_is_read_only_for_admins(client):
    sign_in_as_admin(client)
    PrescriptionFactory()
    assert client.get("/admin/rx/prescriptions/documentaccess/").status_code == 200
    assert client.get("/admin/rx/prescriptions/documentaccess/add/").status_code == 403
    sign_in(client, "phil")
    assert client.get("/admin/rx/prescriptions/documentaccess/").status_code == 403


def test_every_prescription_has_a_read_only_page_with_its_document(phil):
    prescription = PrescriptionFactory(verified=True)
    response = phil.get(f"/admin/rx/prescriptions/prescription/{prescription.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/admin/rx/prescriptions/prescription/" in html and "<img src=" in html
    assert 'id="rx-approve"' not in html and "Claim for review" not in html
    assert phil.get(QUEUE + f"{prescription.pk}/change/").status_code == 302  # not queued


def test_an_admin_can_release_a_claim_someone_abandoned(client):
    prescription = PrescriptionFactory(in_review=True)  # held by another pharmacist
    sign_in_as_admin(client)
    client.post(QUEUE, {"action": "release_selected", "_selected_action": [prescription.pk]})
    prescription.refresh_from_db()
    assert (prescription.status, prescription.claimed_by) == ("pending_review", "")
    event = PrescriptionEvent.objects.get()
    assert (event.from_status, event.to_status, event.by_role) == (
        "in_review",
        "pending_review",
        "admin",
    )
