"""Signing keys: published in the JWKS, rotated without breaking live tokens, withdrawn ones
trusted nowhere; and tokens forged in every way we know are refused."""

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import call_command
from django.utils import timezone

from tokens import keys
from tokens.models import SigningKey

pytestmark = pytest.mark.django_db


def b64(data) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture
def access(login, hospital_user):
    return login(hospital_user).json()["access"]


def claims_of(token):
    return jwt.decode(token, options={"verify_signature": False})


def me_status(api_client, token):
    return api_client(token).get("/api/auth/me/").status_code


def test_jwks_publishes_the_active_key_with_its_thumbprint_kid(client, access):
    body = client.get("/api/auth/.well-known/jwks.json").json()
    (key,) = body["keys"]
    assert {"kid", "kty", "alg", "n", "e"} <= set(key)
    assert key["kid"] == jwt.get_unverified_header(access)["kid"]
    assert key["kid"] == keys._thumbprint(key)
    assert "d" not in key  # never the private part


def test_discovery_document_points_at_the_token_endpoint_and_jwks(client):
    body = client.get("/api/auth/.well-known/openid-configuration").json()
    assert body["token_endpoint"] == f"{body['issuer']}/oauth/token/"
    assert body["jwks_uri"] == f"{body['issuer']}/.well-known/jwks.json"


def test_rotation_keeps_old_tokens_working_and_signs_new_ones_with_the_new_key(
    client, access, api_client, login, hospital_user
):
    call_command("rotate_signing_key")
    kids = [k["kid"] for k in client.get("/api/auth/.well-known/jwks.json").json()["keys"]]
    assert len(kids) == 2
    assert me_status(api_client, access) == 200
    fresh = login(hospital_user).json()["access"]
    assert jwt.get_unverified_header(fresh)["kid"] == kids[1]


def test_a_key_retired_past_its_window_is_no_longer_trusted(client, access, api_client):
    call_command("rotate_signing_key")
    old = SigningKey.objects.get(kid=jwt.get_unverified_header(access)["kid"])
    old.retired_at = timezone.now() - keys.publish_window() - timedelta(seconds=1)
    old.save()
    assert len(client.get("/api/auth/.well-known/jwks.json").json()["keys"]) == 1
    assert me_status(api_client, access) == 401


def test_a_removed_key_fails_at_once(access, api_client):
    kid = jwt.get_unverified_header(access)["kid"]
    call_command("rotate_signing_key")
    call_command("remove_signing_key", kid)
    assert me_status(api_client, access) == 401


def test_expired_token(access, api_client):
    claims = {**claims_of(access), "iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}
    assert me_status(api_client, keys.sign(claims)) == 401


def test_token_signed_by_another_key(access, api_client):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = jwt.get_unverified_header(access)["kid"]
    forged = jwt.encode(
        {**claims_of(access), "role": "admin"}, other, "RS256", headers={"kid": kid}
    )
    assert me_status(api_client, forged) == 401


def test_alg_none(access, api_client):
    kid = jwt.get_unverified_header(access)["kid"]
    forged = f"{b64({'alg': 'none', 'kid': kid})}.{b64({**claims_of(access), 'role': 'admin'})}."
    assert me_status(api_client, forged) == 401


def test_hs256_with_the_public_key_as_secret(client, access, api_client):
    jwk = client.get("/api/auth/.well-known/jwks.json").json()["keys"][0]
    public_pem = jwt.PyJWK(jwk).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = b64({"alg": "HS256", "kid": jwk["kid"]})
    signing_input = f"{header}.{b64({**claims_of(access), 'role': 'admin'})}"
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    assert me_status(api_client, f"{signing_input}.{b64(signature)}") == 401


@pytest.mark.parametrize("claim", ["iss", "aud"])
def test_wrong_issuer_or_audience(access, api_client, claim):
    assert (
        me_status(api_client, keys.sign({**claims_of(access), claim: "https://evil.test"})) == 401
    )


def test_tampered_claims(access, api_client):
    header, _, signature = access.split(".")
    forged = f"{header}.{b64({**claims_of(access), 'role': 'admin'})}.{signature}"
    assert me_status(api_client, forged) == 401
