"""The client for catalog_svc (drugs; reservations are added with the catalog service)."""

from dataclasses import dataclass

from common.clients.base import ServiceClient
from common.errors import NotFound


@dataclass(frozen=True)
class Drug:
    id: int
    ndc: str
    gtin: str
    name: str
    generic_name: str
    strength: str
    dosage_form: str
    manufacturer: str
    schedule: str  # "" or "CII".."CV"
    rx_only: bool
    cold_chain: bool
    pack_size: int
    unit: str
    active: bool

    @classmethod
    def from_json(cls, body: dict) -> "Drug":
        return cls(**{name: body[name] for name in cls.__dataclass_fields__})


class CatalogClient(ServiceClient):
    upstream = "catalog"

    def get_drug(self, drug_id: int) -> Drug:
        """The drug, or ``NotFound`` (code ``unknown_drug``) when the catalog has no such id."""
        response = self.request("GET", f"drugs/{int(drug_id)}/")
        if response.status_code == 404:
            raise NotFound(f"Drug {drug_id} is not in the catalog.", code="unknown_drug")
        response.raise_for_status()
        return Drug.from_json(response.json())
