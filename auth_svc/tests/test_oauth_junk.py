"""Junk at the OAuth token endpoint (NUL bytes, broken Basic credentials) is the client's
fault: 400 problem+json with a code, never a 500, and no token."""

import base64

import pytest
from oauth2_provider.models import AccessToken

from tests.test_oauth import SECRET, make_client

pytestmark = pytest.mark.django_db
NUL = chr(0)


def basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    "body",
    [
        {"grant_type": "client_credentials", "client_id": f"a{NUL}b", "client_secret": SECRET},
        {"grant_type": "client_credentials", "client_id": "svc", "client_secret": f"s{NUL}"},
        {"grant_type": f"client_credentials{NUL}", "client_id": "svc", "client_secret": SECRET},
        {
            "grant_type": "password",
            "client_id": "svc",
            "client_secret": SECRET,
            "username": f"admin{NUL}",
            "password": "x",
        },
    ],
)
def test_a_nul_byte_in_a_field_is_400(client, body):
    make_client("svc", "catalog:read")
    response = client.post("/api/auth/oauth/token/", body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_request"
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize(
    "authorization",
    [
        basic(f"a{NUL}b:{SECRET}".encode()),
        basic(f"svc:{SECRET}{NUL}".encode()),
        basic(b"\xff\xfe:" + SECRET.encode()),  # not UTF-8
        "Basic !!!not-base64!!!",
        basic(b"no-colon-at-all"),
    ],
)
def test_broken_basic_credentials_are_400(client, authorization):
    make_client("svc", "catalog:read")
    response = client.post(
        "/api/auth/oauth/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=authorization,
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_request"
    assert response.json()["error"] == "invalid_request"
    assert not AccessToken.objects.exists()


def test_good_basic_credentials_still_work(client):
    make_client("svc", "catalog:read")
    response = client.post(
        "/api/auth/oauth/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic(f"svc:{SECRET}".encode()),
    )
    assert response.status_code == 200 and response.json()["access_token"]


@pytest.mark.parametrize("path", ["/api/auth/token/", "/api/auth/register/"])
@pytest.mark.parametrize("field", ["username", "password"])
def test_a_nul_byte_at_sign_in_or_registration_is_400(client, path, field):
    body = {"username": "someone", "email": "s@example.test", "password": "a-long-passphrase-42"}
    body[field] = f"some{NUL}thing-long-enough"
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid"
