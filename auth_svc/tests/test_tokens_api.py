"""Password sign-in, refresh rotation with reuse detection, logout; and the tokens they give."""

import jwt
import pytest

from common.authentication import Principal

pytestmark = pytest.mark.django_db


def me(api_client, access):
    return api_client(access).get("/api/auth/me/")


def refresh(client, token):
    return client.post(
        "/api/auth/token/refresh/", {"refresh": token}, content_type="application/json"
    )


def test_sign_in_gives_a_pair_whose_access_token_has_the_platform_claims(login, hospital_user):
    response = login(hospital_user)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert 300 <= body["expires_in"] <= 900
    header = jwt.get_unverified_header(body["access"])
    assert header["alg"] == "RS256" and header["kid"]
    claims = jwt.decode(body["access"], options={"verify_signature": False})
    assert claims["sub"] == str(hospital_user.pk)
    assert claims["role"] == "hospital"
    assert claims["org"] == hospital_user.organization_id
    assert claims["org_type"] == "hospital"
    assert claims["token_type"] == "access"
    assert claims["aud"] == "pharmaconnect"
    assert {"iss", "jti", "exp", "iat"} <= set(claims)
    assert Principal.from_claims(claims).is_service is False


def test_me_describes_the_signed_in_user(login, hospital_user, api_client):
    access = login(hospital_user).json()["access"]
    body = me(api_client, access).json()
    assert body["username"] == hospital_user.username
    assert body["organization"] == {
        "id": hospital_user.organization_id,
        "name": hospital_user.organization.name,
        "type": "hospital",
    }


def test_wrong_password_is_401_invalid_credentials(login, hospital_user):
    response = login(hospital_user, password="nope")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_refresh_rotates_and_the_old_refresh_is_dead(client, login, hospital_user, api_client):
    first = login(hospital_user).json()
    second = refresh(client, first["refresh"])
    assert second.status_code == 200
    assert second.json()["refresh"] != first["refresh"]
    assert me(api_client, second.json()["access"]).status_code == 200
    replay = refresh(client, first["refresh"])
    assert replay.status_code == 401
    assert replay.json()["code"] == "token_reused"


def test_replaying_a_rotated_refresh_signs_the_whole_session_out(client, login, hospital_user):
    first = login(hospital_user).json()
    second = refresh(client, first["refresh"]).json()
    refresh(client, first["refresh"])  # the leaked token comes back
    after = refresh(client, second["refresh"])
    assert after.status_code == 401
    assert after.json()["code"] == "token_revoked"


def test_refresh_carries_the_users_current_role(client, login, hospital_user):
    tokens = login(hospital_user).json()
    hospital_user.role = "pharmacy"
    hospital_user.organization.type = "pharmacy"
    hospital_user.organization.save()
    hospital_user.save()
    access = refresh(client, tokens["refresh"]).json()["access"]
    assert jwt.decode(access, options={"verify_signature": False})["role"] == "pharmacy"


def test_logout_revokes_the_family(client, login, hospital_user, api_client):
    tokens = login(hospital_user).json()
    rotated = refresh(client, tokens["refresh"]).json()
    response = api_client(rotated["access"]).post(
        "/api/auth/token/revoke/", {"refresh": rotated["refresh"]}, format="json"
    )
    assert response.status_code == 204
    assert refresh(client, rotated["refresh"]).json()["code"] == "token_revoked"


def test_logout_with_someone_elses_refresh_is_refused(client, login, api_client, db):
    from tests.factories import UserFactory

    mine = login(UserFactory()).json()
    theirs = login(UserFactory()).json()
    response = api_client(mine["access"]).post(
        "/api/auth/token/revoke/", {"refresh": theirs["refresh"]}, format="json"
    )
    assert response.status_code == 401
    assert refresh(client, theirs["refresh"]).status_code == 200


def test_a_refresh_token_is_not_an_access_token(login, hospital_user, api_client):
    tokens = login(hospital_user).json()
    response = me(api_client, tokens["refresh"])
    assert response.status_code == 401


def test_an_access_token_is_not_a_refresh_token(client, login, hospital_user):
    tokens = login(hospital_user).json()
    response = refresh(client, tokens["access"])
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


@pytest.mark.parametrize(
    "body",
    [
        {"username": "' OR 1=1 --", "password": "x"},
        {"username": {"$ne": None}, "password": "x"},
        {"username": ["admin"], "password": "x"},
        {"username": "admin"},
        {"username": "a" * 5000, "password": "x"},
        {"username": "admin", "password": "x" * 10_000},
    ],
)
def test_junk_in_login_fields_is_a_clean_4xx(client, body):
    response = client.post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code in (400, 401)
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] in ("invalid", "invalid_credentials")


def test_a_refresh_token_that_is_garbage_is_401(client):
    assert refresh(client, "x.y.z").status_code == 401


def assert_not_cacheable(response):
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_token_answers_and_their_errors_are_never_cached(client, login, hospital_user):
    pair = login(hospital_user)
    assert pair.status_code == 200
    assert_not_cacheable(pair)
    assert_not_cacheable(login(hospital_user, password="nope"))
    rotated = refresh(client, pair.json()["refresh"])
    assert rotated.status_code == 200
    assert_not_cacheable(rotated)
    assert_not_cacheable(refresh(client, "x.y.z"))


def test_oauth_token_answers_and_their_errors_are_never_cached(client):
    from tests.test_oauth import make_client, token

    make_client("svc", "catalog:read")
    issued = token(client, "svc")
    assert issued.status_code == 200
    assert_not_cacheable(issued)
    assert_not_cacheable(token(client, "svc", secret="wrong"))
    assert_not_cacheable(token(client, "a" + chr(0)))
