"""Signing in to auth's admin sets the single sign-on cookie; signing out revokes it."""

import pytest

from common import sso
from tests.factories import PASSWORD, UserFactory
from tokens import keys

pytestmark = pytest.mark.django_db


def admin_login(client, user):
    return client.post(
        "/admin/auth/login/?next=/admin/catalog/",
        {"username": user.username, "password": PASSWORD, "next": "/admin/catalog/"},
    )


def test_staff_sign_in_sets_a_cookie_for_every_admin(client):
    pharmacist = UserFactory(role="pharmacist", is_staff=True, organization__type="pharmacy")
    response = admin_login(client, pharmacist)
    assert response.status_code == 302 and response["Location"] == "/admin/catalog/"
    cookie = response.cookies[sso.COOKIE_NAME]
    assert cookie["path"] == "/admin/" and cookie["httponly"] and cookie["samesite"] == "Lax"
    claims = sso.admin_session_verify(cookie.value, key_lookup=keys.public_key)
    assert (claims["username"], claims["role"], claims["is_superuser"]) == (
        pharmacist.username,
        "pharmacist",
        False,
    )


def test_people_without_back_office_roles_get_no_cookie(client):
    hospital_buyer = UserFactory(role="hospital", is_staff=False)
    response = admin_login(client, hospital_buyer)
    assert sso.COOKIE_NAME not in response.cookies


def test_signing_out_deletes_and_revokes_the_cookie(client):
    admin = UserFactory(role="admin", organization=None, is_staff=True, is_superuser=True)
    token = admin_login(client, admin).cookies[sso.COOKIE_NAME].value
    response = client.post("/admin/auth/logout/")
    assert response.cookies[sso.COOKIE_NAME].value == ""
    assert sso.admin_session_verify(token, key_lookup=keys.public_key) is None


def test_signing_out_at_another_admin_ends_the_auth_session_too(client):
    admin = UserFactory(role="admin", organization=None, is_staff=True, is_superuser=True)
    token = admin_login(client, admin).cookies[sso.COOKIE_NAME].value
    sso.admin_session_revoke(sso.admin_session_verify(token, key_lookup=keys.public_key))
    response = client.get("/admin/auth/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/auth/login/")
