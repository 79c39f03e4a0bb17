"""Drug look-ups in catalog_svc through the shared cache: one way for every service.

A drug's identity (NDC, name, schedule, Rx-only) changes rarely, so each caller keeps what the
catalog answered for as long as it can afford to be behind (``max_age_seconds``). A drug the
catalog does not know is never cached, so one created a moment ago is found at once.

The cache (each service's, shared by its replicas) holds ``Drug``'s fields as a dict, and
its key carries a fingerprint of the dataclass's field names and types (``DRUG_SHAPE``): a
release whose ``Drug`` gained, lost or changed a field reads under new keys instead of
feeding ``Drug(**cached)`` an older shape.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, fields

from django.core.cache import cache

from common.clients.catalog import CatalogClient, Drug


def dataclass_shape(cls: type) -> str:
    """A short fingerprint of a dataclass's field names and types."""
    described = ";".join(f"{field.name}:{field.type}" for field in fields(cls))
    return hashlib.sha256(described.encode()).hexdigest()[:12]


DRUG_SHAPE = dataclass_shape(Drug)


def drug_cache_key(drug_id: int, shape: str = DRUG_SHAPE) -> str:
    return f"drug:{shape}:{int(drug_id)}"


class CachedDrugs:
    """The catalog's drugs by id, from the shared cache while a copy is younger than
    ``max_age_seconds``. ``NotFound`` (``unknown_drug``) and ``UpstreamUnavailable`` come from
    ``CatalogClient.get_drug`` unchanged."""

    def __init__(self, catalog: CatalogClient, *, max_age_seconds: int):
        self.catalog = catalog
        self.max_age_seconds = max_age_seconds

    def get(self, drug_id: int) -> Drug:
        cached = cache.get(drug_cache_key(drug_id))
        if cached is not None:
            return Drug(**cached)
        drug = self.catalog.get_drug(drug_id)
        cache.set(drug_cache_key(drug_id), asdict(drug), self.max_age_seconds)
        return drug

    def get_many(self, drug_ids: Iterable[int]) -> dict[int, Drug]:
        """Every drug of ``drug_ids``: the cached ones in one cache read, the others asked of
        the catalog one by one (each id once)."""
        wanted = [int(drug_id) for drug_id in dict.fromkeys(drug_ids)]
        keys = {drug_cache_key(drug_id): drug_id for drug_id in wanted}
        found = {keys[key]: Drug(**body) for key, body in cache.get_many(list(keys)).items()}
        return {drug_id: found.get(drug_id) or self.get(drug_id) for drug_id in wanted}
