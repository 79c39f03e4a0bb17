"""A verified prescription past its validity is expired: at once for readers and orders,
and on record (with an event) once ``expire_prescriptions`` has run."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from prescriptions.models import Prescription, PrescriptionEvent
from tests.factories import PrescriptionFactory

pytestmark = pytest.mark.django_db
YESTERDAY = date.today() - timedelta(days=1)


def test_readers_see_it_expired_before_the_job_runs(patient, pharmacist):
    lapsed = PrescriptionFactory(verified=True, valid_until=YESTERDAY)
    current = PrescriptionFactory(verified=True)
    assert patient.get(f"/api/rx/prescriptions/{lapsed.pk}/").json()["status"] == "expired"
    expired = pharmacist.get("/api/rx/prescriptions/", {"status": "expired"}).json()
    verified = pharmacist.get("/api/rx/prescriptions/", {"status": "verified"}).json()
    assert [row["id"] for row in expired["results"]] == [lapsed.pk]
    assert [row["id"] for row in verified["results"]] == [current.pk]


def test_the_command_expires_what_is_due_and_writes_events():
    lapsed = PrescriptionFactory(verified=True, valid_until=YESTERDAY)
    today = PrescriptionFactory(verified=True, valid_until=date.today())
    pending = PrescriptionFactory()
    out = StringIO()
    call_command("expire_prescriptions", stdout=out)
    assert "expired 1 prescription" in out.getvalue()
    statuses = dict(Prescription.objects.values_list("pk", "status"))
    assert statuses == {lapsed.pk: "expired", today.pk: "verified", pending.pk: "pending_review"}
    event = PrescriptionEvent.objects.get(prescription=lapsed)
    assert (event.from_status, event.to_status, event.by_id) == (
        "verified",
        "expired",
        "system:expire_prescriptions",
    )
    call_command("expire_prescriptions", stdout=StringIO())  # nothing more to do
    assert PrescriptionEvent.objects.count() == 1


def test_an_expired_prescription_cannot_be_reviewed_again(pharmacist):
    lapsed = PrescriptionFactory(status="expired")
    response = pharmacist.post(f"/api/rx/prescriptions/{lapsed.pk}/claim/")
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
