"""``CachedDrugs``: the catalog's drugs through the cache (real Redis), HTTP faked with
``responses``; a cached entry of another ``Drug`` shape is never read."""

from dataclasses import asdict, fields, make_dataclass

import pytest
import responses
from django.core.cache import cache

from common.clients.catalog import CatalogClient, Drug
from common.clients.drugs import CachedDrugs, dataclass_shape, drug_cache_key
from common.errors import NotFound
from common.testing import catalog_drug_body
from tests.test_clients import fresh_breakers  # noqa: F401 - autouse: breakers start closed

BASE = "http://catalog.test/api/catalog"


@pytest.fixture
def drugs():
    cache.delete_pattern("drug:*")
    yield CachedDrugs(
        CatalogClient(base_url=BASE, token_provider=lambda: "svc-token"), max_age_seconds=60
    )
    cache.delete_pattern("drug:*")


def drug_calls() -> int:
    return sum("/drugs/" in call.request.url for call in responses.calls)


@responses.activate
def test_a_drug_is_asked_of_the_catalog_once_then_read_from_the_cache(drugs):
    responses.get(f"{BASE}/drugs/3/", json=catalog_drug_body(3, name="Atorvastatin"))
    assert drugs.get(3).name == "Atorvastatin"
    assert drugs.get(3) == Drug.from_json(catalog_drug_body(3, name="Atorvastatin"))
    assert drug_calls() == 1


@responses.activate
def test_a_drug_the_catalog_does_not_know_is_not_remembered(drugs):
    responses.get(f"{BASE}/drugs/3/", json={"code": "not_found"}, status=404)
    with pytest.raises(NotFound) as refused:
        drugs.get(3)
    assert refused.value.code == "unknown_drug"
    responses.replace(responses.GET, f"{BASE}/drugs/3/", json=catalog_drug_body(3))
    assert drugs.get(3).id == 3  # created a moment later: found at once


@responses.activate
def test_an_entry_cached_by_a_release_with_another_drug_shape_is_not_read(drugs):
    # The release before this one had no ``unit``; its replicas cached drug 3 in that shape.
    older = make_dataclass("Drug", [(f.name, f.type) for f in fields(Drug) if f.name != "unit"])
    assert dataclass_shape(older) != dataclass_shape(Drug)
    old_body = {name: value for name, value in catalog_drug_body(3).items() if name != "unit"}
    cache.set(drug_cache_key(3, shape=dataclass_shape(older)), old_body, 60)
    responses.get(f"{BASE}/drugs/3/", json=catalog_drug_body(3))

    assert drugs.get(3).unit == "tablet"  # asked of the catalog, not Drug(**old_body)
    assert drug_calls() == 1


@responses.activate
def test_many_drugs_ask_the_catalog_only_for_those_not_cached(drugs):
    cache.set(drug_cache_key(1), asdict(Drug.from_json(catalog_drug_body(1))), 60)
    responses.get(f"{BASE}/drugs/2/", json=catalog_drug_body(2))
    found = drugs.get_many([2, 1, 2])
    assert list(found) == [2, 1] and found[1].ndc == "12345-0001-01"
    assert drug_calls() == 1
