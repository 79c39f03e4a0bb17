"""Identity across the platform, through the gateway: demo sign-ins, machine tokens, one
sign-in for every admin, and lockout by the client's real address."""

import re
import uuid

import pytest
import requests
from conftest import DEMO_PASSWORD, admin_login, admin_sign_in

from common.registry import SERVICES

ROLES = {
    "admin": ("admin", None),
    "distributor": ("distributor", "Acme Pharma Distribution"),
    "hospital_a": ("hospital", "St. Mary's Hospital"),
    "hospital_b": ("hospital", "Riverside General"),
    "pharmacy": ("pharmacy", "Corner Pharmacy"),
    "pharmacist": ("pharmacist", "Corner Pharmacy"),
    "patient": ("patient", None),
}


def sign_in(platform, username, password=DEMO_PASSWORD):
    return requests.post(
        platform.url("/api/auth/token/"), json={"username": username, "password": password}
    )


@pytest.mark.parametrize("username", sorted(ROLES))
def test_every_demo_account_signs_in_with_its_role_and_organization(platform, username):
    access = sign_in(platform, username).json()["access"]
    me = requests.get(platform.url("/api/auth/me/"), headers={"Authorization": f"Bearer {access}"})
    role, org_name = ROLES[username]
    assert me.json()["role"] == role
    assert (me.json()["organization"] or {}).get("name") == org_name


def test_services_get_client_credentials_tokens_that_other_endpoints_accept(platform):
    response = requests.post(
        platform.url("/api/auth/oauth/token/"),
        data={
            "grant_type": "client_credentials",
            "client_id": "orders-service",
            "client_secret": "orders-local-secret",
            "scope": "organizations:read",
        },
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    orgs = requests.get(
        platform.url("/api/auth/organizations/"), headers={"Authorization": f"Bearer {token}"}
    )
    assert orgs.status_code == 200
    assert {o["name"] for o in orgs.json()["results"]} >= {"St. Mary's Hospital", "Corner Pharmacy"}


def test_the_jwks_lists_the_key_that_signs_access_tokens(platform):
    import jwt

    access = sign_in(platform, "patient").json()["access"]
    kids = [
        k["kid"]
        for k in requests.get(platform.url("/api/auth/.well-known/jwks.json")).json()["keys"]
    ]
    assert jwt.get_unverified_header(access)["kid"] in kids


def test_one_sign_in_opens_every_admin_and_one_sign_out_closes_them(platform):
    session = admin_sign_in(platform, "admin")
    for svc in SERVICES:
        page = session.get(platform.url(f"/admin/{svc.name}/"))
        assert page.status_code == 200 and page.url == platform.url(f"/admin/{svc.name}/"), svc.name
    page = session.get(platform.url("/admin/catalog/"))
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    session.post(
        platform.url("/admin/catalog/logout/"),
        data={"csrfmiddlewaretoken": csrf},
        headers={"Referer": platform.url("/admin/catalog/")},
    )
    for name in ("orders", "auth"):
        page = session.get(platform.url(f"/admin/{name}/"))
        assert "/admin/auth/login/" in page.url, name


def test_people_without_a_back_office_role_get_no_admin(platform):
    session, _ = admin_login(platform, "hospital_a")
    assert "/admin/auth/login/" in session.get(platform.url("/admin/catalog/")).url


def test_repeated_failures_lock_the_account_out_with_retry_after(platform):
    username = f"lock{uuid.uuid4().hex[:8]}"
    created = requests.post(
        platform.url("/api/auth/register/"),
        json={
            "username": username,
            "email": f"{username}@example.test",
            "password": "a-long-passphrase-42",
        },
    )
    assert created.status_code == 201
    codes = [sign_in(platform, username, "wrong").status_code for _ in range(5)]
    assert codes == [401] * 5
    locked = sign_in(platform, username, "a-long-passphrase-42")
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert locked.json()["code"] == "too_many_attempts"


@pytest.mark.parametrize(
    ("username", "allowed", "forbidden"),
    [
        (
            "pharmacist",
            "/admin/rx/prescriptions/queuedprescription/",
            "/admin/catalog/inventory/lot/",
        ),
        (
            "distributor",
            "/admin/catalog/inventory/lot/",
            "/admin/rx/prescriptions/queuedprescription/",
        ),
    ],
)
def test_admin_permissions_follow_the_role(platform, username, allowed, forbidden):
    """Pharmacists see the rx review queue, distributor staff see lots; not the other way."""
    session = admin_sign_in(platform, username)
    page = session.get(platform.url(allowed))
    assert page.status_code == 200 and page.url == platform.url(allowed), page.url
    assert session.get(platform.url(forbidden)).status_code == 403
