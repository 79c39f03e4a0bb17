"""The catalog's word on the drug a prescription is for (rx → catalog, ARCHITECTURE.md)."""

import functools

from common.clients.auth import ServiceToken
from common.clients.catalog import CatalogClient, Drug
from common.errors import NotFound, ValidationFailed


@functools.cache
def catalog_client() -> CatalogClient:
    """One client per process, so its service token is fetched once and reused."""
    return CatalogClient(token_provider=ServiceToken())


def prescribable_drug(*, drug_id: int) -> Drug:
    """The catalog's drug, if a prescription can be for it; ``UpstreamUnavailable`` (503)
    when the catalog cannot say."""
    try:
        drug = catalog_client().get_drug(drug_id)
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
