"""Self-registration of patients, admin-created users, and who may do what."""

import pytest

from accounts.models import User
from tests.conftest import access_for
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def register(client, **body):
    data = {"username": "newpatient", "email": "p@example.test", "password": "a-long-passphrase-42"}
    return client.post("/api/auth/register/", {**data, **body}, content_type="application/json")


def test_a_patient_registers_and_can_sign_in(client, login):
    response = register(client)
    assert response.status_code == 201
    assert response.json()["role"] == "patient" and response.json()["organization"] is None
    user = User.objects.get(username="newpatient")
    assert user.password.startswith("argon2")
    assert not user.is_staff
    assert login(user, password="a-long-passphrase-42").status_code == 200


@pytest.mark.parametrize("password", ["password", "12345678", "newpatient1", "short"])
def test_weak_passwords_are_refused(client, password):
    response = register(client, password=password)
    assert response.status_code == 400
    assert response.json()["code"] == "weak_password"
    assert not User.objects.filter(username="newpatient").exists()


def test_a_taken_username_is_409(client):
    register(client)
    assert register(client, email="other@example.test").json()["code"] == "username_taken"


@pytest.mark.parametrize("username", ["a b", "x" * 151, "<script>", ""])
def test_bad_usernames_are_400(client, username):
    assert register(client, username=username).status_code == 400


@pytest.fixture
def admin_api(api_client):
    return api_client(access_for(UserFactory(role="admin", organization=None)))


def create_user(admin_api, username: str, role: str, organization):
    body = {
        "username": username,
        "email": f"{username}@example.test",
        "password": "a-long-passphrase-42",
        "role": role,
        "organization": organization.id,
    }
    return admin_api.post("/api/auth/users/", body, format="json")


def test_admin_creates_a_user_in_an_organization(admin_api):
    response = create_user(admin_api, "rph", "pharmacist", OrganizationFactory(type="pharmacy"))
    assert response.status_code == 201
    user = User.objects.get(username="rph")
    assert user.is_staff and not user.is_superuser


def test_a_role_that_does_not_fit_the_organization_is_refused(admin_api):
    response = create_user(admin_api, "dist1", "distributor", OrganizationFactory(type="hospital"))
    assert response.status_code == 400
    assert response.json()["code"] == "role_organization_mismatch"
    assert not User.objects.filter(username="dist1").exists()


def test_users_list_is_admin_only_and_has_no_n_plus_one(
    admin_api, api_client, django_assert_max_num_queries
):
    UserFactory.create_batch(5)
    with django_assert_max_num_queries(3):
        body = admin_api.get("/api/auth/users/").json()
    assert body["count"] == 6
    hospital = api_client(access_for(UserFactory(role="hospital")))
    assert hospital.get("/api/auth/users/").status_code == 403
