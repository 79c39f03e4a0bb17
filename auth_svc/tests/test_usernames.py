"""One account per name: usernames are NFKC-normalised and unique whatever their case, in the
API, in the Django admin and in the database itself; sign-in and the lockout agree."""

# ruff: noqa: RUF001, RUF003 - look-alike characters are what these tests are about

import pytest
from django.db import IntegrityError
from django.test import Client

from accounts.models import User
from common.testing import race
from tests.conftest import access_for
from tests.factories import PASSWORD, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
FULLWIDTH = "ｓｐ_ｐａｔ１"  # NFKC: sp_pat1


def register(client, username):
    body = {"username": username, "email": "p@example.test", "password": "a-long-passphrase-42"}
    return client.post("/api/auth/register/", body, content_type="application/json")


def test_registration_stores_the_nfkc_form(client):
    response = register(client, FULLWIDTH)
    assert response.status_code == 201
    assert response.json()["username"] == "sp_pat1"
    assert User.objects.get().username == "sp_pat1"


@pytest.mark.parametrize("second", ["SP_PAT1", "sp_pat1", "Sp_Pat1", "ＳＰ_ＰＡＴ１"])
def test_the_same_name_in_another_case_or_width_is_409(client, second):
    assert register(client, FULLWIDTH).status_code == 201
    response = register(client, second)
    assert response.status_code == 409
    assert response.json()["code"] == "username_taken"
    assert User.objects.count() == 1


def test_a_name_that_normalises_outside_the_pattern_is_400(client):
    # "½" is a word character, but its NFKC form "1⁄2" holds a fraction slash, which is not.
    assert register(client, "half½").status_code == 400
    assert not User.objects.exists()


def test_admin_api_creation_normalises_and_refuses_case_duplicates(api_client):
    admin_api = api_client(access_for(UserFactory(role="admin", organization=None)))
    pharmacy = OrganizationFactory(type="pharmacy")
    body = {
        "email": "r@example.test",
        "password": "a-long-passphrase-42",
        "role": "pharmacist",
        "organization": pharmacy.id,
    }
    created = admin_api.post("/api/auth/users/", {**body, "username": "ＲＰＨ"}, format="json")
    assert created.status_code == 201 and created.json()["username"] == "RPH"
    duplicate = admin_api.post("/api/auth/users/", {**body, "username": "rph"}, format="json")
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "username_taken"
    assert User.objects.filter(role="pharmacist").count() == 1


def test_the_database_refuses_a_case_duplicate_whatever_the_code_path():
    UserFactory(username="patient")
    with pytest.raises(IntegrityError):
        User.objects.create(username="PATIENT", role="patient", organization=None)


@pytest.mark.parametrize("typed", ["patient", "PATIENT", "ＰＡＴＩＥＮＴ", "Patient"])
def test_sign_in_finds_the_account_however_its_name_is_typed(client, typed):
    patient = UserFactory(username="patient", role="patient", organization=None)
    UserFactory(username="patient2", role="patient", organization=None)
    response = client.post(
        "/api/auth/token/",
        {"username": typed, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert client.get(
        "/api/auth/me/", HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}"
    ).json()["id"] == (patient.id)


def test_failures_under_any_spelling_count_toward_one_lockout(client, settings):
    UserFactory(username="patient", role="patient", organization=None)
    spellings = ["patient", "PATIENT", "ＰＡＴＩＥＮＴ", "Patient", "pAtient"]
    for typed in spellings[: settings.LOGIN_MAX_FAILURES_PER_ACCOUNT]:
        client.post(
            "/api/auth/token/",
            {"username": typed, "password": "wrong"},
            content_type="application/json",
        )
    response = client.post(
        "/api/auth/token/",
        {"username": "patient", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 429


@pytest.fixture
def admin_site(client):
    client.force_login(
        UserFactory(role="admin", organization=None, is_staff=True, is_superuser=True)
    )
    return client


def test_django_admin_add_form_refuses_a_case_duplicate(admin_site):
    UserFactory(username="sp_pat1", role="patient", organization=None)
    response = admin_site.post(
        "/admin/auth/accounts/user/add/",
        {
            "username": "ＳＰ_ＰＡＴ１",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
            "usable_password": "true",
            "role": "patient",
            "email": "x@example.test",
        },
    )
    assert response.status_code == 200  # the form again, with its error
    assert b"already exists" in response.content
    assert User.objects.filter(username__iexact="sp_pat1").count() == 1


def test_django_admin_change_form_refuses_renaming_onto_another_account(admin_site):
    UserFactory(username="patient", role="patient", organization=None)
    other = UserFactory(username="someone", role="patient", organization=None)
    response = admin_site.post(
        f"/admin/auth/accounts/user/{other.pk}/change/",
        {
            "username": "PATIENT",
            "email": other.email,
            "role": "patient",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert b"already exists" in response.content
    other.refresh_from_db()
    assert other.username == "someone"


@pytest.mark.django_db(transaction=True)
def test_racing_registrations_of_one_name_in_two_cases_create_one_account():
    names = ["sp_pat1", "SP_PAT1", FULLWIDTH, "Sp_Pat1"]
    answers = race([lambda name=name: register(Client(), name) for name in names])
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201, 409, 409, 409]
    assert User.objects.count() == 1
