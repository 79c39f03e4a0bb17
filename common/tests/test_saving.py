"""save_fields writes exactly the named columns, as save(update_fields=...) would; insert_rows
stores rows as bulk_create would, in one statement."""

import pytest
from django.db import DatabaseError, connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from common.saving import insert_rows, save_fields
from tests.project.models import Parcel, ParcelEvent


@pytest.mark.django_db
def test_only_the_named_columns_are_written_and_auto_now_is_stamped():
    parcel = Parcel.objects.create(note="a")
    Parcel.objects.filter(pk=parcel.pk).update(touched=9)  # a change the stale copy lacks
    stamped = parcel.updated_at
    parcel.note, parcel.status = "b", "sent"
    with CaptureQueriesContext(connection) as queries:
        save_fields(parcel, ["note", "status", "updated_at"])
    (update,) = [q["sql"] for q in queries]
    assert update.startswith("UPDATE") and '"touched"' not in update
    parcel.refresh_from_db()
    assert (parcel.note, parcel.status, parcel.touched) == ("b", "sent", 9)
    assert parcel.updated_at > stamped


@pytest.mark.django_db
def test_an_expression_goes_through_the_orm_and_a_missing_row_is_an_error():
    parcel = Parcel.objects.create(touched=1)
    parcel.touched = F("touched") + 1
    save_fields(parcel, ["touched"])
    parcel.refresh_from_db()
    assert parcel.touched == 2
    Parcel.objects.filter(pk=parcel.pk).delete()
    with pytest.raises(DatabaseError):
        save_fields(parcel, ["note"])


def columns(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.mark.django_db
def test_rows_are_inserted_in_one_statement_as_bulk_create_would():
    parcel = Parcel.objects.create()
    events = [ParcelEvent(parcel=parcel, from_status="", to_status=s) for s in ("a", "b", "c")]
    with CaptureQueriesContext(connection) as queries:
        made = insert_rows(events)
    assert len(queries) == 1
    assert made == events and all(event.pk and not event._state.adding for event in events)
    assert [columns(ParcelEvent.objects.get(pk=e.pk)) for e in events] == [
        columns(e) for e in events
    ]
    (new,) = insert_rows([Parcel(note="n")])
    assert columns(Parcel.objects.get(pk=new.pk)) == columns(new)  # auto_now stamped, id set
    assert insert_rows([]) == []
