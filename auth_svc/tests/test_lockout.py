"""Repeated failed sign-ins lock the account, and the address, out for a while (429)."""

import pytest

from common import sso
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_an_account_is_locked_after_repeated_failures_even_for_the_right_password(
    client, login, settings
):
    user = UserFactory()
    for _ in range(settings.LOGIN_MAX_FAILURES_PER_ACCOUNT):
        assert login(user, password="wrong").status_code == 401
    response = login(user)
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert 0 < int(response["Retry-After"]) <= settings.LOGIN_LOCKOUT_SECONDS
    metrics = client.get("/metrics").content.decode()
    assert 'pharma_sign_ins_total{outcome="locked_out"}' in metrics


def test_the_lockout_is_per_account(login, settings):
    victim, bystander = UserFactory(), UserFactory()
    for _ in range(settings.LOGIN_MAX_FAILURES_PER_ACCOUNT):
        login(victim, password="wrong", REMOTE_ADDR="10.0.0.1")
    assert login(bystander, REMOTE_ADDR="10.0.0.1").status_code == 200


def test_an_address_spraying_many_accounts_is_locked_out(login, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    users = [UserFactory() for _ in range(4)]
    for user in users[:3]:
        login(user, password="wrong", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert login(users[3], HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert login(users[3], HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200


def test_the_proxy_written_address_counts_not_a_spoofed_one(login, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 2
    users = [UserFactory() for _ in range(3)]
    for n, user in enumerate(users[:2]):
        login(user, password="wrong", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 198.51.100.7")
    assert login(users[2], HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.7").status_code == 429


def test_a_success_resets_the_account_counter(login, settings):
    user = UserFactory()
    for _ in range(settings.LOGIN_MAX_FAILURES_PER_ACCOUNT - 1):
        login(user, password="wrong")
    assert login(user).status_code == 200
    assert login(user, password="wrong").status_code == 401
    assert login(user).status_code == 200


def admin_login(client, user, password=PASSWORD, **extra):
    return client.post(
        "/admin/auth/login/?next=/admin/auth/",
        {"username": user.username, "password": password, "next": "/admin/auth/"},
        **extra,
    )


def test_admin_login_failures_lock_the_account_out_of_the_admin_and_the_api(
    client, login, settings
):
    admin = UserFactory(role="admin", organization=None, is_staff=True, is_superuser=True)
    for _ in range(settings.LOGIN_MAX_FAILURES_PER_ACCOUNT):
        assert admin_login(client, admin, password="guess").status_code == 200
    response = admin_login(client, admin)  # the right password, too late
    assert response.status_code == 200
    assert b"Too many failed sign-ins" in response.content
    assert sso.COOKIE_NAME not in response.cookies
    assert client.get("/admin/auth/").status_code == 302  # still signed out
    api = login(admin)
    assert api.status_code == 429 and api.json()["code"] == "too_many_attempts"


def test_api_failures_lock_the_admin_login_too(client, login, settings):
    admin = UserFactory(role="admin", organization=None, is_staff=True, is_superuser=True)
    for _ in range(settings.LOGIN_MAX_FAILURES_PER_ACCOUNT):
        login(admin, password="guess")
    response = admin_login(client, admin)
    assert response.status_code == 200 and sso.COOKIE_NAME not in response.cookies
    assert b"Too many failed sign-ins" in response.content


def test_an_address_guessing_at_the_admin_is_locked_out(client, settings):
    settings.LOGIN_MAX_FAILURES_PER_IP = 3
    staff = [UserFactory(role="admin", organization=None, is_staff=True) for _ in range(4)]
    for user in staff[:3]:
        admin_login(client, user, password="guess", HTTP_X_FORWARDED_FOR="203.0.113.9")
    response = admin_login(client, staff[3], HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert b"Too many failed sign-ins" in response.content
