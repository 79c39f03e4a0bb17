"""Who did it, in the platform's one format on every audit column of rx: ``user:<id>`` for a
person (through the API, or in the admin when signed in through auth_svc),
``client:<client_id>`` for a machine, ``staff:<username>`` for a local admin account. The
names and roles beside them are for people reading the trail."""

import importlib

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from common.authentication import Principal
from prescriptions.actors import Actor
from prescriptions.models import DocumentAccess, Fill, Prescription, PrescriptionEvent
from tests.conftest import PHARMACIST_ACTOR, PHARMACIST_ID, sign_in
from tests.factories import PrescriptionFactory

pytestmark = pytest.mark.django_db
API = "/api/rx/prescriptions/"
ADMIN = "/admin/rx/prescriptions/prescription/"


def test_a_pharmacist_is_their_user_id_in_the_api_and_in_the_admin(pharmacist, client):
    prescription = PrescriptionFactory()
    claimed = pharmacist.post(f"{API}{prescription.pk}/claim/").json()
    assert claimed["claimed_by"] == PHARMACIST_ACTOR
    sign_in(client, "phil", sub=PHARMACIST_ID)
    client.post(f"{ADMIN}{prescription.pk}/approve/", {"approve-refills": 0})
    prescription.refresh_from_db()
    assert (prescription.status, prescription.reviewed_by) == ("verified", PHARMACIST_ACTOR)
    events = PrescriptionEvent.objects.filter(prescription=prescription)
    assert [(e.by_id, e.by_name, e.by_role) for e in events] == [
        (PHARMACIST_ACTOR, "phil", "pharmacist"),
        (PHARMACIST_ACTOR, "phil", "pharmacist"),
    ]


def test_a_machine_is_its_client_id(orders_service):
    prescription = PrescriptionFactory(verified=True)
    body = {"order_ref": "ORD-1", "drug": prescription.drug_id, "quantity": 1}
    assert (
        orders_service.post(f"{API}{prescription.pk}/consume/", body, format="json").status_code
        == 201
    )
    assert Fill.objects.get().consumed_by == "client:orders-service"


def test_an_integration_acting_in_a_role_is_still_its_client_id():
    erp = Principal.from_claims({"role": "hospital", "org": 2, "client_id": "erp-7"})
    assert Actor.from_principal(erp) == Actor(id="client:erp-7", name="erp-7", role="hospital")


def test_a_local_admin_account_is_staff_and_its_username(client):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(root)
    prescription = PrescriptionFactory()
    assert client.get(f"{ADMIN}{prescription.pk}/document/").status_code == 200
    read = DocumentAccess.objects.get()
    assert (read.reader_id, read.reader_name, read.reader_role) == ("staff:root", "root", "admin")


def test_the_migration_writes_every_old_actor_in_the_one_format():
    prescription = PrescriptionFactory(in_review=True)
    Prescription.objects.update(claimed_by=PHARMACIST_ID, reviewed_by="admin:root")
    for by_id in ("42", "admin:root", "client:-", "client:orders-service", "system"):
        PrescriptionEvent.objects.create(prescription=prescription, to_status="x", by_id=by_id)
    migration = importlib.import_module("prescriptions.migrations.0005_actor_one_format")
    with connection.cursor() as cursor:
        for operation in migration.Migration.operations:
            for statement in getattr(operation, "sql", ()):
                cursor.execute(statement)
    prescription.refresh_from_db()
    assert (prescription.claimed_by, prescription.reviewed_by) == (PHARMACIST_ACTOR, "staff:root")
    assert list(PrescriptionEvent.objects.values_list("by_id", flat=True)) == [
        "user:42",
        "staff:root",
        "client:unknown",
        "client:orders-service",
        "system:expire_prescriptions",
    ]
