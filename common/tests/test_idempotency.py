"""``common.idempotency``: replays, key reuse, per-caller keys, and races on one key between
real threads on real Postgres."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from common.idempotency import MAX_KEY_LENGTH
from common.models import IdempotencyRecord
from common.testing import mint_token, race, service_token

URL = "/api/commontest/idempotent-groups/"


@pytest.fixture
def client(api_client):
    return api_client(mint_token(role="distributor", sub="7", org=1))


def post(client, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(URL, body, format="json", **headers)


@pytest.mark.django_db
def test_a_repeat_with_the_same_key_and_body_replays_the_first_answer(client):
    first = post(client, {"name": "alpha"}, key="k-1")
    second = post(client, {"name": "alpha"}, key="k-1")
    assert first.status_code == second.status_code == 201
    assert second.content == first.content  # byte for byte, key order included
    assert second["Idempotent-Replayed"] == "true"
    assert Group.objects.filter(name="alpha").count() == 1


@pytest.mark.django_db
def test_the_wait_for_a_twin_bounds_no_lock_after_the_key_is_claimed(client):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '3s'")  # the caller's, for its own locks
        assert post(client, {"name": "timed"}, key="timed-1").status_code == 201
        assert post(client, {"name": "timed"}, key="timed-1").status_code == 201  # replayed
        cursor.execute("SELECT current_setting('lock_timeout')")
        assert cursor.fetchone() == ("3s",)


@pytest.mark.django_db
def test_body_key_order_does_not_change_the_request(client):
    post(client, {"name": "beta", "delay": 0}, key="k-2")
    again = post(client, {"delay": 0, "name": "beta"}, key="k-2")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(client):
    post(client, {"name": "gamma"}, key="k-3")
    response = post(client, {"name": "delta"}, key="k-3")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert not Group.objects.filter(name="delta").exists()


@pytest.mark.django_db
def test_without_a_key_every_request_runs(client):
    assert post(client, {"name": "eps"}).status_code == 201
    assert post(client, {"name": "eps"}).json()["code"] == "duplicate_group"
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.django_db
def test_keys_belong_to_their_caller(api_client):
    alice = api_client(mint_token(role="hospital", sub="1", org=2))
    machine = api_client(service_token("inventory:reserve"))
    assert post(alice, {"name": "zeta"}, key="shared").status_code == 201
    # Another caller with the same key is a different request: it runs (and is refused).
    assert post(machine, {"name": "zeta"}, key="shared").json()["code"] == "duplicate_group"


@pytest.mark.django_db
def test_a_refusal_is_an_outcome_and_is_replayed(client):
    Group.objects.create(name="taken")
    first = post(client, {"name": "taken"}, key="k-4")
    Group.objects.filter(name="taken").delete()
    again = post(client, {"name": "taken"}, key="k-4")
    assert first.status_code == again.status_code == 409
    assert again.json() == first.json()
    assert again["Content-Type"] == "application/problem+json"
    assert not Group.objects.filter(name="taken").exists()


@pytest.mark.django_db
def test_a_crash_stores_nothing_and_undoes_its_writes(client):
    client.raise_request_exception = False
    assert post(client, {"name": "explode"}, key="k-5").status_code == 500
    assert not Group.objects.filter(name="explode").exists()
    assert not IdempotencyRecord.objects.filter(key="k-5").exists()


@pytest.mark.django_db
def test_same_key_on_another_endpoint_is_a_different_request(client):
    post(client, {"name": "eta"}, key="k-6")
    response = client.post(
        "/api/commontest/validate/", {"quantity": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k-6"
    )
    assert response.status_code == 200  # that view does not use idempotency keys at all
    record = IdempotencyRecord.objects.get(key="k-6")
    assert record.status_code == 201


@pytest.mark.django_db
def test_overlong_keys_are_refused(client):
    response = post(client, {"name": "theta"}, key="k" * (MAX_KEY_LENGTH + 1))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert not Group.objects.filter(name="theta").exists()


@pytest.mark.django_db
def test_the_scheduled_command_purges_records_older_than_a_week(client):
    post(client, {"name": "iota"}, key="old")
    post(client, {"name": "kappa"}, key="new")
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(days=8)
    )
    out = StringIO()
    call_command("purge_idempotency_records", stdout=out)
    assert "purged 1 idempotency record(s)" in out.getvalue()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    with pytest.raises(CommandError):
        call_command("purge_idempotency_records", "--days", "0")


@pytest.mark.django_db
def test_keys_are_scoped_by_the_callers_actor(client, api_client):
    post(client, {"name": "lambda"}, key="who-1")
    post(api_client(service_token("inventory:reserve", client_id="wms")), {"name": "mu"}, "who-2")
    assert dict(IdempotencyRecord.objects.values_list("key", "principal")) == {
        "who-1": "user:7",
        "who-2": "client:wms",
    }


@pytest.mark.django_db
def test_a_retry_after_the_actor_format_changed_replays_the_record_it_made(api_client):
    anonymous_machine = api_client(service_token("inventory:reserve", client_id=None))
    first = post(anonymous_machine, {"name": "nu"}, key="before-release")
    IdempotencyRecord.objects.filter(key="before-release").update(principal="client:-")
    retry = post(anonymous_machine, {"name": "nu"}, key="before-release")
    assert (retry.status_code, retry.content) == (first.status_code, first.content)
    assert retry["Idempotent-Replayed"] == "true"
    assert Group.objects.filter(name="nu").count() == 1
    assert IdempotencyRecord.objects.filter(key="before-release").count() == 1


def _race(api_client, bodies: list[dict], key: str) -> list:
    """Send each body from its own thread at once, all with ``key``; their responses."""
    token = mint_token(role="distributor", sub="9", org=1)
    return race([lambda body=body: post(api_client(token), body, key=key) for body in bodies])


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_execute_once(api_client):
    body = {"name": "race", "delay": 0.3}
    responses = _race(api_client, [body] * 4, key="race-1")
    assert [r.status_code for r in responses] == [201] * 4
    assert len({r.content for r in responses}) == 1  # everyone got the one outcome
    assert sum(r.has_header("Idempotent-Replayed") for r in responses) == 3
    assert Group.objects.filter(name="race").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_request_waiting_too_long_for_its_twin_gets_409_in_progress(api_client, settings):
    settings.IDEMPOTENCY_WAIT_SECONDS = 0.2
    body = {"name": "slow", "delay": 1.0}
    responses = _race(api_client, [body, body], key="race-2")
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 409]
    refused = next(r for r in responses if r.status_code == 409)
    assert refused.json()["code"] == "idempotency_key_in_progress"
    assert refused["Retry-After"] == "1"
    assert Group.objects.filter(name="slow").count() == 1
    # Once the first has finished, the same request is answered from the record.
    token = mint_token(role="distributor", sub="9", org=1)
    replay = post(api_client(token), body, key="race-2")
    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
