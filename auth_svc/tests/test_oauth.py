"""OAuth2 client credentials: the same RS256 JWT shape, scopes limited per client."""

import jwt
import pytest
from oauth2_provider.models import Application

from tests.factories import PASSWORD, OrganizationFactory, UserFactory
from tokens.models import ClientProfile

pytestmark = pytest.mark.django_db
SECRET = "s3cret-for-tests"


def make_client(client_id, scopes, organization=None):
    app = Application.objects.create(
        client_id=client_id,
        client_secret=SECRET,
        name=client_id,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    ClientProfile.objects.create(application=app, allowed_scopes=scopes, organization=organization)
    return app


def token(client, client_id, secret=SECRET, scope=None):
    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    if scope is not None:
        data["scope"] = scope
    return client.post("/api/auth/oauth/token/", data)


def test_a_service_gets_a_jwt_with_its_scopes_and_no_person(client):
    make_client("orders-service", "inventory:reserve rx:consume")
    response = token(client, "orders-service", scope="inventory:reserve")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "inventory:reserve"
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["scope"] == "inventory:reserve"
    assert claims["token_type"] == "access" and claims["client_id"] == "orders-service"
    assert "sub" not in claims and claims["role"] is None
    assert jwt.get_unverified_header(body["access_token"])["kid"]


def test_without_a_scope_the_client_gets_all_of_its_own(client):
    make_client("rx-service", "catalog:read")
    body = token(client, "rx-service").json()
    assert body["scope"] == "catalog:read"


def test_a_client_cannot_ask_for_a_scope_it_was_not_granted(client):
    make_client("rx-service", "catalog:read")
    response = token(client, "rx-service", scope="inventory:reserve")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_scope"


def test_an_integration_acts_for_its_organization(client, api_client):
    hospital = OrganizationFactory(type="hospital")
    make_client("erp", "orders:write", organization=hospital)
    access = token(client, "erp").json()["access_token"]
    claims = jwt.decode(access, options={"verify_signature": False})
    assert (claims["role"], claims["org"], claims["org_type"]) == (
        "hospital",
        hospital.id,
        "hospital",
    )


@pytest.mark.parametrize(
    ("client_id", "secret"), [("nobody", SECRET), ("orders-service", "wrong"), ("", "")]
)
def test_unknown_client_or_wrong_secret_is_401_invalid_client(client, client_id, secret):
    make_client("orders-service", "inventory:reserve")
    response = token(client, client_id, secret=secret)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_client"
    assert response.json()["error"] == "invalid_client"


def test_the_service_token_verifies_on_other_services(client, api_client):
    make_client("orders-service", "organizations:read")
    access = token(client, "orders-service").json()["access_token"]
    assert api_client(access).get("/api/auth/organizations/").status_code == 200


def password_grant(client, client_id, username, password):
    return client.post(
        "/api/auth/oauth/token/",
        {
            "grant_type": "password",
            "client_id": client_id,
            "client_secret": SECRET,
            "username": username,
            "password": password,
        },
    )


@pytest.mark.parametrize(
    "grant_type", [Application.GRANT_CLIENT_CREDENTIALS, Application.GRANT_PASSWORD]
)
def test_the_password_grant_answers_the_same_whatever_the_password(client, settings, grant_type):
    app = make_client("erp", "orders:read")
    app.authorization_grant_type = grant_type
    app.save()
    user = UserFactory()
    answers = [
        password_grant(client, "erp", user.username, PASSWORD),
        password_grant(client, "erp", user.username, "wrong"),
    ]
    for _ in range(settings.LOGIN_MAX_FAILURES_PER_ACCOUNT):
        client.post(
            "/api/auth/token/",
            {"username": user.username, "password": "wrong"},
            content_type="application/json",
        )
    answers.append(password_grant(client, "erp", user.username, PASSWORD))  # now locked
    answers.append(password_grant(client, "erp", "nobody", "x"))
    bodies = {(a.status_code, a.content) for a in answers}
    assert len(bodies) == 1
    assert answers[0].status_code == 400
    assert answers[0].json()["code"] == "unsupported_grant_type"
    assert not any("access_token" in a.json() for a in answers)
