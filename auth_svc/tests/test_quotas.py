"""Sign-in and registration spend their own budgets, by the address HAProxy saw: a script
looping over passwords or accounts meets 429 long before the lockout's counters matter."""

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_budgets(settings):
    settings.QUOTAS = {**settings.QUOTAS, "sign_in": "3/60", "registration": "2/3600"}


def from_address(address: str) -> dict:
    return {"HTTP_X_FORWARDED_FOR": address}


def test_password_and_client_sign_ins_share_the_addresses_sign_in_budget(client):
    user = UserFactory()
    body = {"username": user.username, "password": PASSWORD}
    signed_in = client.post(
        "/api/auth/token/", body, content_type="application/json", **from_address("10.1.1.1")
    )
    assert signed_in.status_code == 200 and signed_in["RateLimit-Remaining"] == "2"
    oauth = [
        client.post(
            "/api/auth/oauth/token/",
            {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"},
            **from_address("10.1.1.1"),
        )
        for _ in range(3)
    ]
    assert [r.status_code for r in oauth] == [401, 401, 429]
    refused = oauth[-1]
    assert refused.json()["code"] == "rate_limited"
    assert refused["RateLimit-Limit"] == "3" and refused["Retry-After"]
    assert refused["Cache-Control"] == "no-store"
    other = client.post(
        "/api/auth/token/", body, content_type="application/json", **from_address("10.1.1.2")
    )
    assert other.status_code == 200


def test_registrations_are_few_per_address(client):
    def register(n: int):
        return client.post(
            "/api/auth/register/",
            {"username": f"quota{n}", "email": f"q{n}@example.test", "password": "a-long-pass-42"},
            content_type="application/json",
            **from_address("10.2.2.2"),
        )

    assert [register(n).status_code for n in range(3)] == [201, 201, 429]
