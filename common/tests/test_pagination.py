"""List pages: the contract's shape and the page-size cap (query counts stay constant)."""

import pytest
from django.contrib.auth.models import Group

from common.testing import mint_token

GROUPS = "/api/commontest/groups/"


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
