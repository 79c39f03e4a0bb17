"""Organizations and their licences: admins manage them, services with the scope read them."""

import pytest

from organizations.models import Organization
from tests.conftest import access_for
from tests.factories import LicenseFactory, OrganizationFactory, UserFactory
from tokens.keys import sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_api(api_client):
    return api_client(access_for(UserFactory(role="admin", organization=None)))


def service_api(api_client, scope):
    import time
    import uuid

    from django.conf import settings

    now = int(time.time())
    claims = {
        "iss": settings.JWT_ISSUER,
        "aud": settings.JWT_AUDIENCE,
        "scope": scope,
        "client_id": "orders-service",
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 300,
        "token_type": "access",
    }
    return api_client(sign(claims))


def test_admin_creates_an_organization_with_licences(admin_api):
    body = {
        "name": "Lakeside Clinic",
        "type": "hospital",
        "licenses": [
            {
                "kind": "dea",
                "number": "BL1234567",
                "schedules": ["CII", "CIII"],
                "expires_on": "2030-01-31",
            },
            {"kind": "state", "number": "HOSP-CA-1", "expires_on": "2029-06-30"},
        ],
    }
    response = admin_api.post("/api/auth/organizations/", body, format="json")
    assert response.status_code == 201
    assert response.json()["licenses"][0]["schedules"] == ["CII", "CIII"]
    assert Organization.objects.get(name="Lakeside Clinic").licenses.count() == 2


@pytest.mark.parametrize(
    "licence",
    [
        {"kind": "state", "number": "S-1", "schedules": ["CII"], "expires_on": "2030-01-01"},
        {"kind": "dea", "number": "D-1", "schedules": ["CVI"], "expires_on": "2030-01-01"},
        {"kind": "dea", "number": "D-1", "expires_on": "not a date"},
    ],
)
def test_bad_licences_are_400_and_nothing_is_created(admin_api, licence):
    body = {"name": "Bad Org", "type": "pharmacy", "licenses": [licence]}
    assert admin_api.post("/api/auth/organizations/", body, format="json").status_code == 400
    assert not Organization.objects.filter(name="Bad Org").exists()


def test_a_duplicate_name_is_409(admin_api):
    OrganizationFactory(name="Twin")
    response = admin_api.post(
        "/api/auth/organizations/", {"name": "Twin", "type": "hospital"}, format="json"
    )
    assert response.status_code == 409


def test_patch_replaces_licences_but_never_the_type(admin_api):
    org = OrganizationFactory(type="pharmacy")
    LicenseFactory(organization=org)
    url = f"/api/auth/organizations/{org.id}/"
    renewed = {"licenses": [{"kind": "state", "number": "NEW-1", "expires_on": "2031-01-01"}]}
    assert admin_api.patch(url, renewed, format="json").json()["licenses"][0]["number"] == "NEW-1"
    refused = admin_api.patch(url, {"type": "hospital"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "type_immutable"


def test_a_service_with_the_scope_reads_licences(api_client, django_assert_max_num_queries):
    for _ in range(4):
        LicenseFactory()
    reader = service_api(api_client, "organizations:read")
    with django_assert_max_num_queries(4):
        body = reader.get("/api/auth/organizations/").json()
    assert body["count"] == 4 and all(len(o["licenses"]) == 1 for o in body["results"])
    org_id = body["results"][0]["id"]
    assert reader.get(f"/api/auth/organizations/{org_id}/").status_code == 200
    assert (
        reader.post("/api/auth/organizations/", {"name": "x", "type": "hospital"}).status_code
        == 403
    )


def test_people_other_than_admins_and_services_without_the_scope_are_refused(api_client):
    org = OrganizationFactory()
    hospital = api_client(access_for(UserFactory(role="hospital", organization=org)))
    assert hospital.get(f"/api/auth/organizations/{org.id}/").status_code == 403
    assert (
        service_api(api_client, "catalog:read").get("/api/auth/organizations/").status_code == 403
    )
