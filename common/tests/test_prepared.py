"""PreparedQuery: compiled once, run with new parameters, the instances the ORM builds."""

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from common.prepared import AnyOf, Param, PreparedQuery
from tests.project.models import Parcel, ParcelEvent

pytestmark = pytest.mark.django_db


def fields(instance) -> dict:
    return {name: value for name, value in vars(instance).items() if name != "_state"}


def test_runs_compiled_once_and_builds_what_the_orm_builds():
    parcels = [Parcel.objects.create(status=status, touched=n) for n, status in enumerate("abc")]
    for parcel in parcels:
        for to in ("sent", "lost"):
            ParcelEvent.objects.create(parcel=parcel, from_status="packed", to_status=to)
    builds = []

    def events():
        builds.append(1)
        return (
            ParcelEvent.objects.filter(parcel=AnyOf("parcels"), to_status=Param("to"))
            .select_related("parcel")
            .annotate(siblings=Count("parcel__events"))
            .order_by("-id")
        )

    prepared = PreparedQuery(events)
    for chosen, to in [(parcels[:1], "sent"), (parcels, "lost"), (parcels[1:], "sent")]:
        ids = [parcel.pk for parcel in chosen]
        with CaptureQueriesContext(connection) as queries:
            found = prepared(parcels=ids, to=to)
        assert len(queries) == 1
        expected = list(
            ParcelEvent.objects.filter(parcel__in=ids, to_status=to)
            .select_related("parcel")
            .annotate(siblings=Count("parcel__events"))
            .order_by("-id")
        )
        assert [fields(event) for event in found] == [fields(event) for event in expected]
        assert [fields(event.parcel) for event in found] == [
            fields(event.parcel) for event in expected
        ]
        assert all(event.siblings == 2 and not event._state.adding for event in found)
    assert len(builds) == 1


def test_none_compares_as_sql_null_matching_no_row():
    Parcel.objects.create(note="")
    noted = Parcel.objects.create(note="fragile")
    prepared = PreparedQuery(
        lambda: Parcel.objects.filter(Q(note="") | Q(note=Param("note"))).order_by("id")
    )
    assert len(prepared(note=None)) == 1
    assert [parcel.pk for parcel in prepared(note="fragile")][-1] == noted.pk


@pytest.mark.parametrize(
    "build",
    [
        lambda: Parcel.objects.values_list("id"),
        lambda: Parcel.objects.prefetch_related("events"),
    ],
)
def test_only_model_instances_or_dicts_without_prefetch(build):
    with pytest.raises(TypeError):
        PreparedQuery(build)()


def test_a_values_query_gives_the_dicts_the_orm_gives():
    for n, status in enumerate("aabbb"):
        parcel = Parcel.objects.create(status=status, touched=n)
        ParcelEvent.objects.create(parcel=parcel, from_status="packed", to_status="sent")

    def per_status(**where):
        return (
            Parcel.objects.filter(**where)
            .values("status")
            .annotate(parcels=Count("id"), events=Count("events"))
            .order_by("status")
        )

    prepared = PreparedQuery(lambda: per_status(status=AnyOf("statuses"), touched__gte=Param("n")))
    for statuses, least in [(["a", "b"], 0), (["b"], 3), (["c"], 0)]:
        with CaptureQueriesContext(connection) as queries:
            found = prepared(statuses=statuses, n=least)
        assert len(queries) == 1
        assert found == list(per_status(status__in=statuses, touched__gte=least))
    assert prepared(statuses=["a", "b"], n=1) == [
        {"status": "a", "parcels": 1, "events": 1},
        {"status": "b", "parcels": 3, "events": 3},
    ]
