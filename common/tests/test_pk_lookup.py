"""get_by_pk: the same row the ORM would return, in one statement, or None."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.pk_lookup import get_by_pk
from tests.project.models import Parcel, ParcelEvent


@pytest.mark.django_db
def test_returns_the_whole_row_in_one_statement():
    parcel = Parcel.objects.create(status="sent", note="fragile", touched=2)
    with CaptureQueriesContext(connection) as queries:
        found = get_by_pk(Parcel, parcel.pk)
        assert (found.pk, found.status, found.note, found.touched) == (
            parcel.pk,
            "sent",
            "fragile",
            2,
        )
    assert len(queries) == 1
    event = ParcelEvent.objects.create(parcel=parcel, from_status="packed", to_status="sent")
    assert get_by_pk(ParcelEvent, event.pk).parcel_id == parcel.pk


@pytest.mark.django_db
@pytest.mark.parametrize("pk", [0, 999_999, 2**63, -(2**63) - 1])
def test_no_such_row_is_none_even_out_of_the_columns_range(pk):
    Parcel.objects.create()
    assert get_by_pk(Parcel, pk) is None
