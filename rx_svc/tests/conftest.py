"""Fixtures of the rx suite: callers with tokens, a private document store per test, and the
catalog faked at its HTTP boundary (no test ever reaches a real service)."""

from datetime import date, timedelta

import pytest
import responses
from django.core.files.uploadedfile import SimpleUploadedFile

from common.clients import breakers
from common.redis import get_redis
from common.testing import mint_token, service_token
from prescriptions.drugs import catalog_client

PATIENT_ID, OTHER_PATIENT_ID = "42", "43"
PHARMACIST_ID, OTHER_PHARMACIST_ID = "900", "901"
TOKEN_URL = "http://127.0.0.1:8080/api/auth/oauth/token/"
CATALOG_URL = "http://127.0.0.1:8080/api/catalog"
UPLOAD_URL = "/api/rx/prescriptions/"


@pytest.fixture(autouse=True)
def document_dir(settings, tmp_path):
    """Each test stores documents in its own directory."""
    location = tmp_path / "rx-documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "rx_documents": {
            "BACKEND": "prescriptions.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture(autouse=True)
def fresh_breakers():
    def reset():
        breakers._breakers.clear()
        catalog_client.cache_clear()
        for key in get_redis().scan_iter("*pharma:breaker:rx:*"):
            get_redis().delete(key)

    reset()
    yield
    reset()


class FakeCatalog:
    """catalog_svc and auth_svc's token endpoint, as ``responses`` fakes."""

    def __init__(self, mock: responses.RequestsMock):
        self.mock = mock
        mock.post(TOKEN_URL, json={"access_token": "rx-token", "expires_in": 600})

    def drug(self, drug_id: int = 1, **overrides) -> dict:
        body = {
            "id": drug_id,
            "ndc": f"0093-{drug_id:04d}-01",
            "gtin": f"0030093{drug_id:07d}",
            "name": f"Demo Drug {drug_id} 10 mg Tablet",
            "generic_name": "demo",
            "strength": "10 mg",
            "dosage_form": "tablet",
            "manufacturer": "Demo Pharma",
            "schedule": "",
            "rx_only": True,
            "cold_chain": False,
            "pack_size": 30,
            "unit": "tablet",
            "active": True,
            **overrides,
        }
        self.mock.get(f"{CATALOG_URL}/drugs/{drug_id}/", json=body)
        return body

    def missing(self, drug_id: int) -> None:
        self.mock.get(f"{CATALOG_URL}/drugs/{drug_id}/", json={"code": "not_found"}, status=404)

    def down(self, drug_id: int) -> None:
        self.mock.get(f"{CATALOG_URL}/drugs/{drug_id}/", status=503)

    def drug_calls(self) -> int:
        return sum("/api/catalog/" in call.request.url for call in self.mock.calls)


@pytest.fixture(autouse=True)
def catalog():
    """Every test runs with HTTP faked: an unregistered call fails like a dead upstream."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeCatalog(mock)


@pytest.fixture
def patient(api_client):
    return api_client(mint_token(role="patient", sub=PATIENT_ID, username="pat"))


@pytest.fixture
def other_patient(api_client):
    return api_client(mint_token(role="patient", sub=OTHER_PATIENT_ID, username="olga"))


@pytest.fixture
def pharmacist(api_client):
    return api_client(mint_token(role="pharmacist", sub=PHARMACIST_ID, username="phil", org=4))


@pytest.fixture
def other_pharmacist(api_client):
    return api_client(
        mint_token(role="pharmacist", sub=OTHER_PHARMACIST_ID, username="paula", org=4)
    )


@pytest.fixture
def orders_service(api_client):
    return api_client(service_token("rx:consume"))


@pytest.fixture
def admin_api(api_client):
    return api_client(mint_token(role="admin", sub="1", username="admin"))


def upload_form(content: bytes, name: str = "prescription.png", **fields) -> dict:
    """The multipart form of an upload; the declared content type is deliberately wrong."""
    return {
        "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        "drug": 1,
        "quantity": 2,
        "prescriber_name": "Dr. Gregory House",
        "prescriber_license": "MD-123456",
        "written_on": (date.today() - timedelta(days=5)).isoformat(),
        **fields,
    }
