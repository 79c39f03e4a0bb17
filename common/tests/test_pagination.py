"""List pages: the contract's shape and the page-size cap (query counts stay constant)."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from common.pagination import WindowCountPagination
from common.testing import mint_token

GROUPS = "/api/commontest/groups/"
COUNTED = "/api/commontest/groups-counted/"  # WindowCountPagination


@pytest.fixture
def client(api_client):
    return api_client(mint_token(role="distributor"))


@pytest.mark.django_db
def test_pages_have_count_next_previous_results(client, django_assert_num_queries):
    Group.objects.all().delete()  # only the groups this test makes
    Group.objects.bulk_create(Group(name=f"g{i}") for i in range(5))
    with django_assert_num_queries(2):  # one count, one page
        body = client.get(GROUPS, {"page_size": 2, "page": 2}).json()
    assert body["count"] == 5
    assert [g["name"] for g in body["results"]] == ["g2", "g3"]
    assert body["next"].endswith("page=3&page_size=2")
    assert body["previous"] is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "size", ["201", "0", "-1", "abc", "10000000000000000000000", "²", "٣", "1 ", ""]
)
def test_out_of_range_page_sizes_are_refused(client, size):
    response = client.get(GROUPS, {"page_size": size})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_page_size"


@pytest.mark.django_db
def test_a_page_past_the_end_is_404(client):
    response = client.get(GROUPS, {"page": 99})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "names", "previous", "next_"),
    [
        ({"page_size": 2}, ["g0", "g1"], False, True),
        ({"page_size": 2, "page": 2}, ["g2", "g3"], True, True),
        ({"page_size": 2, "page": "last"}, ["g4"], True, False),
    ],
)
def test_a_window_counted_page_is_the_same_page_from_one_statement(
    client, django_assert_num_queries, query, names, previous, next_
):
    Group.objects.all().delete()
    Group.objects.bulk_create(Group(name=f"g{i}") for i in range(5))
    plain = client.get(GROUPS, query).json()
    statements = 2 if query.get("page") == "last" else 1  # "last" must count first
    with django_assert_num_queries(statements):
        body = client.get(COUNTED, query).json()
    assert body["count"] == plain["count"] == 5
    assert [g["name"] for g in body["results"]] == [g["name"] for g in plain["results"]] == names
    assert (body["previous"] is not None, body["next"] is not None) == (previous, next_)


@pytest.mark.django_db
def test_a_window_counted_list_that_is_empty_or_read_past_its_end(client):
    Group.objects.all().delete()
    assert client.get(COUNTED).json() == {"count": 0, "next": None, "previous": None, "results": []}
    Group.objects.create(name="only")
    for page in ("2", "0", "x"):
        response = client.get(COUNTED, {"page": page})
        assert response.status_code == 404, page
        assert response.json()["code"] == "not_found"


class _Numbers:
    """A ``CountedRows`` over 0 .. size - 1 that notes each read it is asked for."""

    def __init__(self, size: int):
        self.size = size
        self.reads: list[str] = []

    def rows_with_count(self, start: int, stop: int) -> tuple[list, int | None]:
        self.reads.append("page")
        rows = list(range(self.size))[start:stop]
        return rows, self.size if rows else None

    def count(self) -> int:
        self.reads.append("count")
        return self.size


def _paginate(rows: _Numbers, **query) -> tuple[WindowCountPagination, list]:
    request = Request(APIRequestFactory().get("/rows/", query))
    pagination = WindowCountPagination()
    return pagination, pagination.paginate_queryset(rows, request)


@pytest.mark.parametrize(
    ("page", "expected", "reads"),
    [("1", [0, 1], ["page"]), ("3", [4], ["page"]), ("last", [4], ["count", "page"])],
)
def test_counted_rows_are_paged_with_their_count(page, expected, reads):
    numbers = _Numbers(5)
    pagination, rows = _paginate(numbers, page=page, page_size=2)
    assert rows == expected
    assert pagination.page.paginator.count == 5
    assert numbers.reads == reads


def test_counted_rows_that_are_empty_or_read_past_their_end():
    pagination, rows = _paginate(_Numbers(0))
    assert (rows, pagination.page.paginator.count) == ([], 0)
    numbers = _Numbers(5)
    with pytest.raises(NotFound):
        _paginate(numbers, page=4, page_size=2)
    assert numbers.reads == ["page", "count"]  # the count the error message needs
