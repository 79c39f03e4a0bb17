"""The key cache: refetches the issuer's JWKS for an unknown kid (rotation), but not on every
forged kid."""

import jwt
import pytest
import responses

from common.jwks import key_set
from common.testing import TEST_KID, mint_token, signing_jwks, signing_key

JWKS_URL = "http://auth.test/api/auth/.well-known/jwks.json"


@pytest.fixture
def issuer(settings):
    settings.JWKS_URL = JWKS_URL
    settings.JWKS_MIN_REFETCH_SECONDS = 0
    key_set.install({"keys": []})
    key_set._fetched_at = 0.0


@responses.activate
def test_a_rotated_key_is_fetched_on_first_sight(issuer, api_client):
    rotated = {"keys": [{**signing_jwks()["keys"][0], "kid": "rotated-2"}]}
    responses.get(JWKS_URL, json=rotated)
    claims = jwt.decode(mint_token(role="hospital"), options={"verify_signature": False})
    token = jwt.encode(claims, signing_key(), algorithm="RS256", headers={"kid": "rotated-2"})
    assert api_client(token).get("/api/commontest/whoami/").status_code == 200
    assert len(responses.calls) == 1
    assert api_client(token).get("/api/commontest/whoami/").status_code == 200
    assert len(responses.calls) == 1  # cached


@responses.activate
def test_unknown_kids_do_not_refetch_more_often_than_allowed(issuer, settings, api_client):
    responses.get(JWKS_URL, json=signing_jwks())
    settings.JWKS_MIN_REFETCH_SECONDS = 60
    assert api_client(mint_token(role="hospital")).get("/api/commontest/whoami/").status_code == 200
    forged = mint_token(role="admin")
    header = jwt.get_unverified_header(forged)
    assert header["kid"] == TEST_KID
    claims = jwt.decode(forged, options={"verify_signature": False})
    for i in range(5):
        token = jwt.encode(claims, signing_key(), algorithm="RS256", headers={"kid": f"forged-{i}"})
        assert api_client(token).get("/api/commontest/whoami/").status_code == 401
    assert len(responses.calls) == 1


@responses.activate
def test_an_unreachable_issuer_keeps_the_cached_keys(issuer, settings, api_client):
    responses.get(JWKS_URL, json=signing_jwks())
    api_client(mint_token(role="hospital")).get("/api/commontest/whoami/")
    responses.replace(responses.GET, JWKS_URL, status=503)
    settings.JWKS_CACHE_SECONDS = 0  # force a refresh, which fails
    assert api_client(mint_token(role="hospital")).get("/api/commontest/whoami/").status_code == 200
