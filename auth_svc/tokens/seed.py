"""Demo identity: organizations, licences, a user for every role, OAuth2 clients for the
other services and one B2B integration, and an active signing key. Idempotent."""

from datetime import date, timedelta

from django.db import connection
from oauth2_provider.models import Application

from accounts.models import User
from accounts.services import STAFF_ROLES
from common import demo
from common.demo import people
from common.management.commands.seed import demo_password
from common.registry import SERVICES
from organizations.models import License, Organization
from tokens.keys import signing_key_active
from tokens.models import ClientProfile

ALL_SCHEDULES = ["CII", "CIII", "CIV", "CV"]
LICENSES = {
    demo.ACME_DISTRIBUTION: [("dea", "RA1234563", ALL_SCHEDULES), ("state", "DIST-NJ-0042", [])],
    demo.ST_MARYS_HOSPITAL: [("dea", "BS2345675", ALL_SCHEDULES), ("state", "HOSP-NY-1001", [])],
    demo.RIVERSIDE_GENERAL: [("state", "HOSP-NY-2002", [])],
    demo.CORNER_PHARMACY: [
        ("dea", "FC3456781", ["CIII", "CIV", "CV"]),
        ("state", "PHARM-NY-3003", []),
    ],
}
# (id, username, role, organization): a new demo user gets its id from common.demo.people, as
# other services' demo data (a patient's prescriptions, say) refers to it, unless another user
# already holds that id (then it gets a new one; an existing demo user keeps its own).
USERS = [
    (people.DEMO_ADMIN_ID, "admin", User.Role.ADMIN, None),
    (people.DEMO_DISTRIBUTOR_ID, "distributor", User.Role.DISTRIBUTOR, demo.ACME_DISTRIBUTION),
    (people.DEMO_HOSPITAL_A_ID, "hospital_a", User.Role.HOSPITAL, demo.ST_MARYS_HOSPITAL),
    (people.DEMO_HOSPITAL_B_ID, "hospital_b", User.Role.HOSPITAL, demo.RIVERSIDE_GENERAL),
    (people.DEMO_PHARMACY_ID, "pharmacy", User.Role.PHARMACY, demo.CORNER_PHARMACY),
    (people.DEMO_PHARMACIST_ID, "pharmacist", User.Role.PHARMACIST, demo.CORNER_PHARMACY),
    (people.DEMO_PATIENT_ID, "patient", User.Role.PATIENT, None),
]
# A hospital ERP acting for St. Mary's. The other services' own clients come from the
# registry; their secrets follow the services' local default (common.settings.service_settings),
# and deployments create their own clients.
INTEGRATION_CLIENT = (
    "st-marys-erp",
    "st-marys-erp-local-secret",
    "orders:read orders:write webhooks",
)


def _organizations() -> None:
    for org_id, (name, org_type) in demo.ORGANIZATIONS.items():
        Organization.objects.update_or_create(id=org_id, defaults={"name": name, "type": org_type})
        License.objects.filter(organization_id=org_id).delete()
        License.objects.bulk_create(
            License(
                organization_id=org_id,
                kind=kind,
                number=number,
                schedules=schedules,
                expires_on=date.today() + timedelta(days=365),
            )
            for kind, number, schedules in LICENSES[org_id]
        )
    _sequence_past_max("organizations_organization")


def _sequence_past_max(table: str) -> None:
    """After rows with explicit ids, new rows must not collide with them."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608 - fixed table names
        )


def _users() -> None:
    for user_id, username, role, org_id in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                id=user_id if not User.objects.filter(id=user_id).exists() else None,
                username=username,
            )
        user.role = role
        user.organization_id = org_id
        user.email = f"{username}@demo.pharmaconnect.example"
        user.is_staff = role in STAFF_ROLES
        user.is_superuser = role == User.Role.ADMIN
        user.is_active = True
        user.set_password(demo_password())
        user.save()
    _sequence_past_max("accounts_user")


def _client(client_id: str, secret: str, scopes: str, organization_id: int | None) -> None:
    application = Application.objects.filter(client_id=client_id).first() or Application(
        client_id=client_id
    )
    application.name = client_id
    application.client_type = Application.CLIENT_CONFIDENTIAL
    application.authorization_grant_type = Application.GRANT_CLIENT_CREDENTIALS
    application.client_secret = secret  # hashed on save
    application.save()
    ClientProfile.objects.update_or_create(
        application=application,
        defaults={"allowed_scopes": scopes, "organization_id": organization_id},
    )


def seed_identity() -> None:
    _organizations()
    _users()
    for svc in SERVICES:
        if svc.client_scopes:
            _client(f"{svc.name}-service", f"{svc.name}-local-secret", svc.scope, None)
    client_id, secret, scopes = INTEGRATION_CLIENT
    _client(client_id, secret, scopes, demo.ST_MARYS_HOSPITAL)
    signing_key_active()
