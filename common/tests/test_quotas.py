"""Per-caller quotas: a budget per person, client or address, shared through Redis, with the
contract's headers on every answer; Redis down fails reads open and writes closed."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from common import quotas
from common.redis import get_redis
from common.testing import integration_token, mint_token, service_token

WHOAMI = "/api/commontest/whoami/"
WRITE = "/api/commontest/unchecked-group/"
SIGN_IN = "/api/commontest/sign-in-like/"


@pytest.fixture(autouse=True)
def _small_budgets(settings):
    settings.QUOTAS = {**settings.QUOTAS, "read": "5/60", "write": "3/60", "sign_in": "2/60"}
    yield


def person(sub: str) -> str:
    return mint_token(sub=sub, role="hospital", org=2, org_type="hospital")


def integration(client_id: str) -> str:
    return integration_token(role="hospital", org=2, scope="inventory:reserve", client_id=client_id)


@pytest.mark.django_db
def test_a_burst_gets_429_with_the_headers_while_another_caller_is_served(api_client):
    alice = api_client(person("1"))
    answers = [alice.get(WHOAMI) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert [a["RateLimit-Remaining"] for a in answers] == ["4", "3", "2", "1", "0", "0"]
    assert {a["RateLimit-Limit"] for a in answers} == {"5"}
    assert all(0 < int(a["RateLimit-Reset"]) <= 60 for a in answers)
    refused = answers[-1]
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 12  # one request's worth: 60 s / 5
    bob = api_client(person("2")).get(WHOAMI)
    assert bob.status_code == 200 and bob["RateLimit-Remaining"] == "4"


@pytest.mark.django_db
def test_a_budget_that_is_not_whole_milliseconds_per_request_is_kept(api_client, settings):
    settings.QUOTAS = {**settings.QUOTAS, "read": "7/60", "write": "7/60"}  # one per 8571.4 ms
    alice = api_client(person("1"))
    reads = [alice.get(WHOAMI) for _ in range(8)]
    assert [r.status_code for r in reads] == [200] * 7 + [429]
    assert [r["RateLimit-Remaining"] for r in reads[:7]] == ["6", "5", "4", "3", "2", "1", "0"]
    written = alice.post(WRITE, {"id": 900002, "name": "q7"}, format="json")
    assert written.status_code == 201


@pytest.mark.django_db
def test_reads_and_writes_are_separate_budgets(api_client):
    alice = api_client(person("1"))
    for _ in range(5):
        alice.get(WHOAMI)
    assert alice.get(WHOAMI).status_code == 429
    written = alice.post(WRITE, {"id": 900001, "name": "q1"}, format="json")
    assert written.status_code == 201 and written["RateLimit-Limit"] == "3"


@pytest.mark.django_db
def test_an_integration_is_counted_by_its_client_and_services_not_at_all(api_client):
    erp = api_client(integration("erp-a"))
    assert [erp.get(WHOAMI).status_code for _ in range(6)][-1] == 429
    assert api_client(integration("erp-b")).get(WHOAMI).status_code == 200
    service = api_client(service_token("inventory:reserve"))
    answers = [service.get(WHOAMI) for _ in range(8)]
    assert {a.status_code for a in answers} == {200}
    assert "RateLimit-Limit" not in answers[0]


@pytest.mark.django_db
def test_anonymous_callers_are_counted_by_the_address_the_gateway_saw():
    def sign_in(address: str):
        # HAProxy appends the address it saw; whatever the client put before it is ignored.
        return Client().post(SIGN_IN, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {address}")

    assert [sign_in("10.0.0.1").status_code for _ in range(3)] == [200, 200, 429]
    assert sign_in("10.0.0.2").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_over_admit(api_client):
    """The arithmetic is one script on Redis: 24 racing requests, a budget of 5."""
    codes = []

    def call():
        codes.append(api_client(person("7")).get(WHOAMI).status_code)

    threads = [threading.Thread(target=call) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes.count(200) == 5 and codes.count(429) == 19


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    get_redis.cache_clear()
    quotas._script.cache_clear()
    yield
    get_redis.cache_clear()
    quotas._script.cache_clear()


@pytest.mark.django_db
def test_redis_down_serves_reads_and_refuses_writes_leaving_nothing_written(api_client, redis_down):
    alice = api_client(person("1"))
    read = alice.get(WHOAMI)
    assert read.status_code == 200 and "RateLimit-Limit" not in read
    write = alice.post(WRITE, {"id": 900002, "name": "never"}, format="json")
    assert write.status_code == 503
    assert write.json()["code"] == "rate_limit_unavailable" and write["Retry-After"] == "1"
    assert not Group.objects.filter(name="never").exists()
