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


@pytest.mark.parametrize(("proto", "secure"), [("https", True), ("http", False)])
def test_the_cookie_is_secure_when_the_gateway_says_the_client_used_tls(client, proto, secure):
    """HAProxy sets X-Forwarded-Proto itself (a client's own is replaced), so it can be
    trusted: over TLS the cookie is never sent back in clear."""
    pharmacist = UserFactory(role="pharmacist", is_staff=True, organization__type="pharmacy")
    response = client.post(
        "/admin/auth/login/",
        {"username": pharmacist.username, "password": PASSWORD},
        HTTP_X_FORWARDED_PROTO=proto,
    )
    assert bool(response.cookies[sso.COOKIE_NAME]["secure"]) is secure


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


def signed_in_distributor(client):
    distributor = UserFactory(role="distributor", is_staff=True, organization__type="distributor")
    token = admin_login(client, distributor).cookies[sso.COOKIE_NAME].value
    assert sso.admin_session_verify(token, key_lookup=keys.public_key) is not None
    return distributor, token


def alive(token) -> bool:
    return sso.admin_session_verify(token, key_lookup=keys.public_key) is not None


@pytest.fixture
def superuser_client(db):
    from django.test import Client

    browser = Client()
    browser.force_login(
        UserFactory(role="admin", organization=None, is_staff=True, is_superuser=True)
    )
    return browser


def change_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "email": user.email,
        "role": user.role,
        "organization": user.organization_id or "",
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        **changes,
    }
    # An unticked checkbox is absent from a form post.
    return {
        name: ("on" if value is True else value)
        for name, value in data.items()
        if value is not False
    }


@pytest.mark.parametrize(
    "changes",
    [{"role": "pharmacist"}, {"is_active": False}, {"is_staff": False}, {"is_superuser": True}],
)
def test_a_change_of_rights_in_the_admin_ends_the_persons_admin_sessions(
    client, superuser_client, django_capture_on_commit_callbacks, changes
):
    distributor, token = signed_in_distributor(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            f"/admin/auth/accounts/user/{distributor.pk}/change/",
            change_form(distributor, **changes),
        )
    assert response.status_code == 302, response.content
    assert not alive(token)


def test_a_change_to_the_organization_ends_the_sessions(client, django_capture_on_commit_callbacks):
    distributor, token = signed_in_distributor(client)
    other = UserFactory(role="distributor", organization__type="distributor").organization
    with django_capture_on_commit_callbacks(execute=True):
        distributor.organization = other
        distributor.save()  # the demo seed and management commands write users this way
    assert not alive(token)


def test_a_change_that_leaves_rights_alone_keeps_the_sessions(
    client, superuser_client, django_capture_on_commit_callbacks
):
    distributor, token = signed_in_distributor(client)
    with django_capture_on_commit_callbacks(execute=True):
        superuser_client.post(
            f"/admin/auth/accounts/user/{distributor.pk}/change/",
            change_form(distributor, first_name="Dana"),
        )
    distributor.refresh_from_db()
    assert distributor.first_name == "Dana"
    assert alive(token)


def test_a_rolled_back_change_ends_nothing(client, django_capture_on_commit_callbacks):
    from django.db import transaction

    distributor, token = signed_in_distributor(client)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        distributor.is_active = False
        distributor.save()
        raise RuntimeError("undone")
    assert alive(token)


@pytest.mark.parametrize("how", ["one", "bulk"])
def test_deleting_a_user_ends_their_sessions(
    client, superuser_client, django_capture_on_commit_callbacks, how
):
    distributor, token = signed_in_distributor(client)
    with django_capture_on_commit_callbacks(execute=True):
        if how == "one":
            response = superuser_client.post(
                f"/admin/auth/accounts/user/{distributor.pk}/delete/", {"post": "yes"}
            )
        else:
            response = superuser_client.post(
                "/admin/auth/accounts/user/",
                {"action": "delete_selected", "_selected_action": [distributor.pk], "post": "yes"},
            )
    assert response.status_code == 302
    assert not alive(token)


def test_signing_in_again_after_a_role_change_issues_a_cookie_with_the_new_role(client):
    distributor, _ = signed_in_distributor(client)
    # Even a change that bypassed the model (so no session ended) shows at the next sign-in.
    type(distributor).objects.filter(pk=distributor.pk).update(role="pharmacist")
    new = admin_login(client, distributor).cookies[sso.COOKIE_NAME].value
    assert sso.admin_session_verify(new, key_lookup=keys.public_key)["role"] == "pharmacist"


def test_a_visit_to_auth_admin_replaces_a_cookie_whose_role_is_stale(client):
    distributor, old = signed_in_distributor(client)
    type(distributor).objects.filter(pk=distributor.pk).update(role="pharmacist")
    response = client.get("/admin/auth/")
    new = response.cookies[sso.COOKIE_NAME].value
    assert sso.admin_session_verify(new, key_lookup=keys.public_key)["role"] == "pharmacist"
    assert not alive(old)
