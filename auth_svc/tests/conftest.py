import pytest

from common.redis import get_redis
from tests.factories import PASSWORD, UserFactory
from tokens.services import token_pair_issue


def access_for(user) -> str:
    """An access token for ``user``, as a sign-in would issue it."""
    return token_pair_issue(user=user).access


@pytest.fixture(autouse=True)
def _clean_login_counters():
    for key in get_redis().scan_iter("pharma:login:*"):
        get_redis().delete(key)
    yield


@pytest.fixture
def hospital_user(db):
    return UserFactory(role="hospital")


@pytest.fixture
def login(client):
    """``login(user)`` → the token pair answer of a password sign-in."""

    def sign_in(user, password=PASSWORD, **extra):
        return client.post(
            "/api/auth/token/",
            {"username": user.username, "password": password},
            content_type="application/json",
            **extra,
        )

    return sign_in
