"""get_by_pk: the same instance the ORM would build, in one statement, or None."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.pk_lookup import get_by_pk
from tests.project.models import Parcel, ParcelEvent


def fields(instance) -> dict:
    return {name: value for name, value in vars(instance).items() if name != "_state"}


@pytest.mark.django_db
def test_builds_what_the_orm_builds_in_one_statement():
    parcel = Parcel.objects.create(status="sent", note="fragile", touched=2)
    person = User.objects.create_user("ann", email="ann@example.test", is_staff=True)
    event = ParcelEvent.objects.create(parcel=parcel, from_status="packed", to_status="sent")
    with CaptureQueriesContext(connection) as queries:
        found = get_by_pk(Parcel, parcel.pk)
    assert len(queries) == 1
    assert (found.status, found.note, found.touched) == ("sent", "fragile", 2)
    for model, pk in [(Parcel, parcel.pk), (User, person.pk), (ParcelEvent, event.pk)]:
        instance = get_by_pk(model, pk)
        assert fields(instance) == fields(model.objects.get(pk=pk))
        assert not instance._state.adding


@pytest.mark.django_db
@pytest.mark.parametrize("pk", [0, 999_999, 2**63, -(2**63) - 1])
def test_no_such_row_is_none_even_out_of_the_columns_range(pk):
    Parcel.objects.create()
    assert get_by_pk(Parcel, pk) is None
