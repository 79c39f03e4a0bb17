"""The catalog's word on the drug a prescription is for (rx → catalog, ARCHITECTURE.md)."""

import functools

from common.clients.auth import ServiceToken
from common.clients.catalog import CatalogClient, Drug
from common.clients.drugs import CachedDrugs
from common.errors import NotFound, ValidationFailed

# A drug's identity and whether it needs a prescription change rarely; a drug withdrawn from
# sale may still be prescribed for this long after catalog says so.
DRUG_CACHE_SECONDS = 600


@functools.cache
def catalog_drugs() -> CachedDrugs:
    """One client per process, so its service token is fetched once and reused."""
    return CachedDrugs(
        CatalogClient(token_provider=ServiceToken()), max_age_seconds=DRUG_CACHE_SECONDS
    )


def prescribable_drug(*, drug_id: int) -> Drug:
    """The catalog's drug, if a prescription can be for it; ``UpstreamUnavailable`` (503)
    when the catalog cannot say."""
    try:
        drug = catalog_drugs().get(drug_id)
    except NotFound as exc:
        raise _invalid_drug(exc.detail, "unknown_drug") from exc
    if not drug.active:
        raise _invalid_drug(f"{drug.name} is no longer sold.", "drug_inactive")
    if not drug.rx_only:
        raise _invalid_drug(
            f"{drug.name} is sold without a prescription.", "prescription_not_required"
        )
    return drug


def _invalid_drug(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, extra={"errors": {"drug": [message]}})
