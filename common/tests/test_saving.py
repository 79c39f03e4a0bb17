"""save_fields writes exactly the named columns, as save(update_fields=...) would."""

import pytest
from django.db import DatabaseError, connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from common.saving import save_fields
from tests.project.models import Parcel


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
