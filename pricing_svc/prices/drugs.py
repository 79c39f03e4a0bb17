"""Drug look-ups in catalog_svc, cached, for validating the drugs that prices are set for.

Only writes (new price-list and contract items) look drugs up; quotes never call the catalog.
A drug found is kept an hour in the shared cache (``common.clients.drugs``): its manufacturer
and name practically never change, and the copy kept on each price row is what reports read
anyway. A drug not found is not cached, so one created a moment ago can be priced at once.
"""

import functools
from collections.abc import Iterable

from common.clients.auth import ServiceToken
from common.clients.catalog import CatalogClient, Drug
from common.clients.drugs import CachedDrugs
from common.errors import NotFound, ValidationFailed

DRUG_CACHE_SECONDS = 3600


@functools.cache
def catalog_drugs() -> CachedDrugs:
    """One client per process, so its service token is reused until it nears expiry."""
    return CachedDrugs(
        CatalogClient(token_provider=ServiceToken()), max_age_seconds=DRUG_CACHE_SECONDS
    )


def drug_lookup(drug_id: int) -> Drug:
    """The catalog's drug, or ``ValidationFailed`` (``unknown_drug``) when there is none.

    ``UpstreamUnavailable`` (503) propagates when the catalog cannot answer.
    """
    return drugs_lookup([drug_id])[drug_id]


def drugs_lookup(drug_ids: Iterable[int]) -> dict[int, Drug]:
    """Every drug of ``drug_ids`` (the cached ones in one read), before anything is written;
    ``ValidationFailed`` (``unknown_drug``) for the first the catalog does not have."""
    try:
        return catalog_drugs().get_many(drug_ids)
    except NotFound as exc:  # its detail names the drug
        raise ValidationFailed(
            exc.detail, code="unknown_drug", extra={"errors": {"drug": [exc.detail]}}
        ) from exc
