"""A service's admin accepts the single sign-on cookie from auth_svc and nothing else."""

import time
import uuid

import jwt
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from common import sso
from common.testing import TEST_KID, signing_key

pytestmark = pytest.mark.django_db
ADMIN = "/admin/commontest/"


def cookie(**overrides) -> str:
    now = int(time.time())
    claims = {
        "iss": settings.JWT_ISSUER,
        "aud": sso.AUDIENCE,
        "sub": "17",
        "username": "rph",
        "email": "rph@example.test",
        "role": "pharmacist",
        "is_staff": True,
        "is_superuser": False,
        "token_type": sso.TOKEN_TYPE,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 3600,
        **overrides,
    }
    return jwt.encode(claims, signing_key(), algorithm="RS256", headers={"kid": TEST_KID})


def browser(token: str | None = None) -> Client:
    client = Client()
    if token:
        client.cookies[sso.COOKIE_NAME] = token
    return client


def test_without_a_cookie_the_admin_sends_people_to_the_one_sign_in():
    response = browser().get(ADMIN, follow=True)
    assert response.redirect_chain[-1] == ("/admin/auth/login/?next=%2Fadmin%2Fcommontest%2F", 302)


def test_the_cookie_signs_a_pharmacist_in_with_the_roles_permissions():
    response = browser(cookie()).get(ADMIN)
    assert response.status_code == 200
    user = get_user_model().objects.get(username="rph")
    assert user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert user.has_perm("auth.view_group") and not user.has_perm("auth.change_group")


def test_a_superuser_cookie_makes_a_superuser():
    browser(cookie(username="boss", role="admin", is_superuser=True)).get(ADMIN)
    assert get_user_model().objects.get(username="boss").is_superuser


@pytest.mark.parametrize(
    "token",
    [
        lambda: cookie(aud="pharmaconnect"),  # an API access token is not an admin session
        lambda: cookie(token_type="access"),
        lambda: cookie(exp=int(time.time()) - 10),
        lambda: cookie(is_staff=False),
        lambda: cookie(iss="https://evil.test"),
        lambda: "garbage",
    ],
)
def test_anything_but_a_valid_staff_session_is_not_signed_in(token):
    response = browser(token()).get(ADMIN)
    assert response.status_code == 302


def test_signing_out_revokes_the_cookie_everywhere():
    token = cookie()
    client = browser(token)
    assert client.get(ADMIN).status_code == 200
    response = client.post(f"{ADMIN}logout/")
    assert response.status_code == 302 and response["Location"] == "/admin/auth/login/"
    assert response.cookies[sso.COOKIE_NAME].value == ""
    assert browser(token).get(ADMIN).status_code == 302


def test_a_role_change_moves_the_local_user_to_the_new_roles_group():
    browser(cookie(role="distributor")).get(ADMIN)
    browser(cookie(role="pharmacist")).get(ADMIN)
    user = get_user_model().objects.get(username="rph")
    assert list(user.groups.values_list("name", flat=True)) == ["role:pharmacist"]


def test_ending_a_persons_sessions_refuses_every_cookie_issued_before():
    old = cookie(sub="41", sgen=sso.admin_session_generation("41"))
    assert browser(old).get(ADMIN).status_code == 200
    sso.admin_sessions_end("41")  # auth_svc: role changed, or the account was deactivated
    assert browser(old).get(ADMIN).status_code == 302
    fresh = cookie(sub="41", sgen=sso.admin_session_generation("41"))
    assert browser(fresh).get(ADMIN).status_code == 200
    assert browser(cookie(sub="42", sgen=0)).get(ADMIN).status_code == 200  # others untouched
