"""A refresh token is honoured only if this platform signed it and it is still live: forged,
edited or expired ones answer 401 token_invalid at refresh and at logout, and change nothing."""

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from tokens import keys
from tokens.models import RefreshFamily

pytestmark = pytest.mark.django_db


def b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def parts(token: str) -> tuple[dict, dict, str]:
    signature = token.rsplit(".", 1)[1]
    return (
        jwt.get_unverified_header(token),
        jwt.decode(token, options={"verify_signature": False}),
        signature,
    )


def junk_signature(token):
    header, payload, _ = token.split(".")
    return f"{header}.{payload}.{b64(b'not a signature at all, just bytes')}"


def empty_signature(token):
    header, payload, _ = token.split(".")
    return f"{header}.{payload}."


def exp_ten_years_ahead(token):
    _, claims, signature = parts(token)
    claims["exp"] = int(time.time()) + 10 * 365 * 24 * 3600
    return f"{token.split('.')[0]}.{b64(claims)}.{signature}"


def signed_by_another_key(token):
    header, claims, _ = parts(token)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, other, algorithm="RS256", headers={"kid": header["kid"]})


def alg_none(token):
    header, claims, _ = parts(token)
    return f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': header['kid']})}.{b64(claims)}."


def nul_in_kid(token):
    header, claims, signature = parts(token)
    return f"{b64({**header, 'kid': 'a' + chr(0) + 'b'})}.{b64(claims)}.{signature}"


def expired(token):
    _, claims, _ = parts(token)
    claims["exp"] = int(time.time()) - 3600
    return keys.sign(claims)  # really signed by us, but dead


FORGERIES = [
    junk_signature,
    empty_signature,
    exp_ten_years_ahead,
    signed_by_another_key,
    alg_none,
    nul_in_kid,
    expired,
]


def refresh(client, token):
    return client.post(
        "/api/auth/token/refresh/", {"refresh": token}, content_type="application/json"
    )


@pytest.mark.parametrize("forge", FORGERIES)
def test_a_forged_or_expired_refresh_token_gets_no_new_pair(client, login, hospital_user, forge):
    genuine = login(hospital_user).json()["refresh"]
    response = refresh(client, forge(genuine))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "token_invalid"
    assert "access" not in response.json()
    # Nothing moved: the genuine token was not consumed and its session is alive.
    assert not BlacklistedToken.objects.exists()
    assert RefreshFamily.objects.get().revoked_at is None
    assert refresh(client, genuine).status_code == 200


def test_an_access_token_presented_as_refresh_is_refused_even_with_a_family_claim(
    client, login, hospital_user
):
    genuine = login(hospital_user).json()["refresh"]
    _, claims, _ = parts(genuine)
    as_access = keys.sign({**claims, "token_type": "access"})
    response = refresh(client, as_access)
    assert response.status_code == 401 and response.json()["code"] == "token_invalid"


@pytest.mark.parametrize("forge", FORGERIES)
def test_logout_with_a_forged_refresh_token_revokes_nothing(
    client, login, hospital_user, api_client, forge
):
    pair = login(hospital_user).json()
    response = api_client(pair["access"]).post(
        "/api/auth/token/revoke/", {"refresh": forge(pair["refresh"])}, format="json"
    )
    assert response.status_code == 401 and response.json()["code"] == "token_invalid"
    assert RefreshFamily.objects.get().revoked_at is None
