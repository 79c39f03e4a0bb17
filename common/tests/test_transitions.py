"""An illegal move of any state machine answers one way: 409 with from, to and allowed."""

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from common.testing import race
from common.transitions import InvalidTransition, transition_apply, transition_check
from tests.project.models import Parcel, ParcelEvent

TABLE = {"pending": {"confirmed", "rejected"}, "confirmed": {"shipped"}, "shipped": set()}


def test_an_allowed_move_passes():
    transition_check(table=TABLE, current="pending", to="confirmed", subject="The order")


@pytest.mark.parametrize(
    ("current", "to", "allowed"),
    [("shipped", "cancelled", []), ("pending", "shipped", ["confirmed", "rejected"])],
)
def test_an_illegal_move_says_from_to_and_what_is_allowed(current, to, allowed):
    with pytest.raises(InvalidTransition) as refused:
        transition_check(table=TABLE, current=current, to=to, subject="The order")
    assert (refused.value.status, refused.value.code) == (409, "invalid_transition")
    assert refused.value.extra == {"from": current, "to": to, "allowed": allowed}


def move(parcel_id: int, to: str, *, after_commit=None, note: str = "", **more) -> str:
    with transaction.atomic():
        parcel = Parcel.objects.get(pk=parcel_id)
        return transition_apply(
            parcel,
            to,
            table={"packed": {"shipped", "lost"}, "shipped": {"delivered"}},
            subject=f"Parcel {parcel_id}",
            changes={"note": note, **more},
            record=lambda current, new: ParcelEvent.objects.create(
                parcel=parcel, from_status=current, to_status=new
            ),
            after_commit=after_commit,
        )


@pytest.mark.django_db(transaction=True)
def test_a_move_saves_only_its_columns_writes_the_event_and_runs_side_effects_after_commit():
    parcel = Parcel.objects.create()
    Parcel.objects.filter(pk=parcel.pk).update(touched=7)  # a change the stale copy lacks
    created_at = parcel.updated_at
    sent = []
    with CaptureQueriesContext(connection) as queries:
        assert move(parcel.pk, "shipped", note="on the van", after_commit=lambda: sent.append(1))
    parcel.refresh_from_db()
    assert (parcel.status, parcel.note, parcel.touched) == ("shipped", "on the van", 7)
    assert parcel.updated_at > created_at  # auto_now fields follow the move unasked
    assert list(ParcelEvent.objects.values_list("from_status", "to_status")) == [
        ("packed", "shipped")
    ]
    assert sent == [1]
    sql = [query["sql"] for query in queries.captured_queries]
    assert any("FOR UPDATE" in statement for statement in sql)
    update = next(statement for statement in sql if statement.startswith("UPDATE"))
    assert '"touched"' not in update


@pytest.mark.django_db(transaction=True)
def test_a_move_may_set_a_column_from_the_row_itself():
    parcel = Parcel.objects.create(touched=4)
    move(parcel.pk, "lost", touched=F("touched") + 1)
    parcel.refresh_from_db()
    assert (parcel.status, parcel.touched) == ("lost", 5)


@pytest.mark.django_db(transaction=True)
def test_a_refused_move_changes_nothing_and_sends_nothing():
    parcel = Parcel.objects.create(status="shipped")
    sent = []
    with pytest.raises(InvalidTransition) as refused:
        move(parcel.pk, "lost", after_commit=lambda: sent.append(1))
    assert refused.value.extra == {"from": "shipped", "to": "lost", "allowed": ["delivered"]}
    parcel.refresh_from_db()
    assert (parcel.status, ParcelEvent.objects.count(), sent) == ("shipped", 0, [])


@pytest.mark.django_db(transaction=True)
def test_two_racing_moves_from_one_status_one_wins_and_one_gets_the_409():
    parcel = Parcel.objects.create()
    outcomes = race([lambda: move(parcel.pk, "shipped"), lambda: move(parcel.pk, "lost")])
    refused = [outcome for outcome in outcomes if isinstance(outcome, InvalidTransition)]
    assert len(refused) == 1 and outcomes.count("packed") == 1
    assert ParcelEvent.objects.count() == 1


def test_a_move_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError):
        transition_apply(Parcel(pk=1), "shipped", table={}, subject="Parcel 1")
