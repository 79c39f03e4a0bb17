"""Token verification: what a forged, stale or misused token gets (401), and what a good one
yields."""

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from common.admin import admin_actor
from common.authentication import Principal
from common.jwks import key_set
from common.testing import TEST_KID, mint_token, signing_key

WHOAMI = "/api/commontest/whoami/"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(**overrides) -> dict:
    token = mint_token(role="hospital", org=7, org_type="hospital")
    claims = jwt.decode(token, options={"verify_signature": False})
    claims.update(overrides)
    return claims


def _assert_rejected(api_client, token: str, code: str = "token_invalid") -> None:
    response = api_client(token).get(WHOAMI)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


@pytest.mark.django_db
def test_a_valid_person_token_yields_its_claims(api_client):
    token = mint_token(role="hospital", sub="42", org=7, org_type="hospital", scope="orders:read")
    response = api_client(token).get(WHOAMI)
    assert response.status_code == 200
    assert response.json() == {
        "sub": "42",
        "role": "hospital",
        "org": 7,
        "org_type": "hospital",
        "scopes": ["orders:read"],
        "is_service": False,
    }


def test_a_machine_token_has_no_subject_and_is_a_service(api_client):
    token = mint_token(sub=None, scope="inventory:reserve rx:consume", client_id="orders")
    body = api_client(token).get(WHOAMI).json()
    assert body["is_service"] is True
    assert body["scopes"] == ["inventory:reserve", "rx:consume"]


def test_no_token_is_401_with_a_bearer_challenge(api_client):
    response = api_client().get(WHOAMI)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"


def test_expired_token(api_client):
    token = mint_token(role="hospital", iat=int(time.time()) - 3600, exp=int(time.time()) - 600)
    _assert_rejected(api_client, token, code="token_expired")


def test_token_signed_by_another_key(api_client):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(_claims(), other, algorithm="RS256", headers={"kid": TEST_KID})
    _assert_rejected(api_client, token)


def test_alg_none_is_refused(api_client):
    header = _b64({"alg": "none", "typ": "JWT", "kid": TEST_KID})
    token = f"{header}.{_b64(_claims(role='admin'))}."
    _assert_rejected(api_client, token, code="authentication_failed")


def test_hs256_signed_with_the_public_key_as_secret_is_refused(api_client):
    public_pem = (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = _b64({"alg": "HS256", "typ": "JWT", "kid": TEST_KID})
    payload = _b64(_claims(role="admin"))
    import hashlib
    import hmac

    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    token = f"{header}.{payload}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
    _assert_rejected(api_client, token, code="authentication_failed")


@pytest.mark.parametrize("claim", ["iss", "aud"])
def test_wrong_issuer_or_audience(api_client, claim):
    _assert_rejected(api_client, mint_token(role="hospital", **{claim: "https://evil.example"}))


def test_tampered_claims_break_the_signature(api_client):
    header, _, signature = mint_token(role="patient").split(".")
    forged = f"{header}.{_b64(_claims(role='admin'))}.{signature}"
    _assert_rejected(api_client, forged)


def test_a_malformed_org_claim_is_refused(api_client):
    _assert_rejected(api_client, mint_token(role="hospital", org="seven"))


def test_refresh_token_is_not_an_access_token(api_client):
    _assert_rejected(api_client, mint_token(role="hospital", token_type="refresh"))


def test_token_without_kid_is_refused(api_client):
    token = jwt.encode(_claims(), signing_key(), algorithm="RS256")
    _assert_rejected(api_client, token, code="authentication_failed")


def test_token_with_unknown_kid_is_refused(api_client, settings):
    settings.JWKS_URL = "http://127.0.0.1:9/jwks.json"  # nothing listens: the refetch fails
    token = jwt.encode(_claims(), signing_key(), algorithm="RS256", headers={"kid": "nope"})
    _assert_rejected(api_client, token, code="authentication_failed")


@pytest.mark.parametrize("header", ["Bearer", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt", "Token x"])
def test_malformed_authorization_headers(api_client, header):
    response = api_client().get(WHOAMI, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.parametrize(
    ("claims", "actor"),
    [
        ({"sub": "7", "role": "hospital", "org": 3, "username": "ann"}, "user:7"),
        ({"role": "hospital", "org": 3, "client_id": "st-marys-erp"}, "client:st-marys-erp"),
        ({"client_id": "orders-service"}, "client:orders-service"),
    ],
)
def test_every_caller_has_one_actor_whatever_its_role(claims, actor):
    assert Principal.from_claims(claims).actor == actor


def test_the_admin_actor_is_the_same_person_as_in_their_tokens(rf):
    request = rf.get("/admin/")
    request.user = type("Staff", (), {"get_username": lambda self: "root"})()
    assert admin_actor(request) == "staff:root"
    request.admin_session = {"sub": 7, "role": "pharmacist"}
    assert admin_actor(request) == Principal.from_claims({"sub": "7"}).actor == "user:7"


def test_a_token_accepted_before_still_expires(api_client, settings):
    settings.JWT_LEEWAY_SECONDS = 0
    token = mint_token(role="hospital", lifetime=2)  # a second or two, as iat is whole seconds
    assert api_client(token).get(WHOAMI).status_code == 200
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    time.sleep(max(0, expires - time.time()) + 0.05)
    _assert_rejected(api_client, token, code="token_expired")


def test_a_token_accepted_before_dies_with_its_key(api_client):
    token = mint_token(role="hospital")
    assert api_client(token).get(WHOAMI).status_code == 200
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    retired = jwt.algorithms.RSAAlgorithm.to_jwk(other.public_key(), as_dict=True)
    # The issuer now publishes another key under the same id, and not the one that signed.
    key_set.install({"keys": [{**retired, "kid": TEST_KID, "alg": "RS256"}]})
    _assert_rejected(api_client, token)
