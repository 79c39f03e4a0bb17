"""Drug look-ups in catalog_svc, cached, for validating the drugs that prices are set for.

Only writes (new price-list and contract items) look drugs up; quotes never call the catalog.
A drug found is cached for an hour: its manufacturer and name practically never change, and
the copy kept on each price row is what reports read anyway. A drug not found is not cached,
so one created a moment ago can be priced at once.
"""

import functools
from collections.abc import Iterable
from dataclasses import asdict, fields

from django.core.cache import cache

from common.clients.auth import ServiceToken
from common.clients.catalog import CatalogClient, Drug
from common.errors import NotFound, ValidationFailed

DRUG_CACHE_SECONDS = 3600


@functools.cache
def catalog_client() -> CatalogClient:
    """One client per process, so its service token is reused until it nears expiry."""
    return CatalogClient(token_provider=ServiceToken())


def _cache_key(drug_id: int) -> str:
    # Versioned by the fields of ``Drug``: a catalog client that grew a field never reads an
    # entry cached in the older shape.
    return f"drug:{len(fields(Drug))}:{drug_id}"


def drug_lookup(drug_id: int) -> Drug:
    """The catalog's drug, or ``ValidationFailed`` (``unknown_drug``) when there is none.

    ``UpstreamUnavailable`` (503) propagates when the catalog cannot answer.
    """
    cached = cache.get(_cache_key(drug_id))
    if cached is not None:
        return Drug(**cached)
    try:
        drug = catalog_client().get_drug(drug_id)
    except NotFound as exc:
        raise ValidationFailed(
            f"Drug {drug_id} is not in the catalog.",
            code="unknown_drug",
            extra={"errors": {"drug": [f"Drug {drug_id} is not in the catalog."]}},
        ) from exc
    cache.set(_cache_key(drug_id), asdict(drug), DRUG_CACHE_SECONDS)
    return drug


def drugs_lookup(drug_ids: Iterable[int]) -> dict[int, Drug]:
    """Every drug of ``drug_ids`` (each looked up once), before anything is written."""
    return {drug_id: drug_lookup(drug_id) for drug_id in dict.fromkeys(drug_ids)}
