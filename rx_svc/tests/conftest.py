"""Fixtures of the rx suite: callers with tokens, a private document store per test, and the
catalog and auth faked at their HTTP boundary (no test ever reaches a real service)."""

from datetime import date, timedelta

import pytest
import responses
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from common import sso
from common.clients.auth import PHARMACY_CACHE_KEY
from common.clients.breakers import breakers_forget
from common.demo import CORNER_PHARMACY, ST_MARYS_HOSPITAL
from common.redis import get_redis
from common.testing import catalog_drug_body, mint_token, service_token
from prescriptions.drugs import catalog_drugs
from prescriptions.pharmacies import auth_client

PATIENT_ID, OTHER_PATIENT_ID = "42", "43"
PHARMACIST_ID, OTHER_PHARMACIST_ID = "900", "901"
RIVAL_PHARMACIST_ID = "950"
# How audit columns name them (``Principal.actor``).
PATIENT_ACTOR, PHARMACIST_ACTOR = f"user:{PATIENT_ID}", f"user:{PHARMACIST_ID}"
RIVAL_PHARMACIST_ACTOR = f"user:{RIVAL_PHARMACIST_ID}"
# The pharmacy the suite's prescriptions are sent to, and another one.
PHARMACY, RIVAL_PHARMACY = CORNER_PHARMACY, 5
TOKEN_URL = "http://127.0.0.1:8080/api/auth/oauth/token/"
CATALOG_URL = "http://127.0.0.1:8080/api/catalog"
AUTH_URL = "http://127.0.0.1:8080/api/auth"
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
        breakers_forget()
        catalog_drugs.cache_clear()
        cache.delete_pattern("drug:*")
        auth_client.cache_clear()
        for key in get_redis().scan_iter("*pharma:breaker:rx:*"):
            get_redis().delete(key)
        for pharmacy in (PHARMACY, RIVAL_PHARMACY, ST_MARYS_HOSPITAL, 99):
            cache.delete(PHARMACY_CACHE_KEY.format(id=pharmacy))

    reset()
    yield
    reset()


class FakeCatalog:
    """catalog_svc and auth_svc's token endpoint, as ``responses`` fakes."""

    def __init__(self, mock: responses.RequestsMock):
        self.mock = mock
        mock.post(TOKEN_URL, json={"access_token": "rx-token", "expires_in": 600})

    def drug(self, drug_id: int = 1, **overrides) -> dict:
        body = catalog_drug_body(drug_id, **{"rx_only": True, **overrides})
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


class FakeAuth:
    """auth_svc's organizations, as ``responses`` fakes (on the catalog fixture's mock)."""

    def __init__(self, mock: responses.RequestsMock):
        self.mock = mock

    def organization(self, org_id: int, type_: str, name: str) -> None:
        body = {"id": org_id, "name": name, "type": type_, "licenses": []}
        self.mock.get(f"{AUTH_URL}/organizations/{org_id}/", json=body)

    def missing(self, org_id: int) -> None:
        self.mock.get(f"{AUTH_URL}/organizations/{org_id}/", json={"code": "not_found"}, status=404)

    def down(self, org_id: int) -> None:
        self.mock.get(f"{AUTH_URL}/organizations/{org_id}/", status=503)

    def organization_calls(self) -> int:
        return sum("/api/auth/organizations/" in call.request.url for call in self.mock.calls)


@pytest.fixture(autouse=True)
def auth(catalog):
    """auth knows the suite's pharmacy (Corner Pharmacy) and a hospital; nothing else."""
    fake = FakeAuth(catalog.mock)
    fake.organization(PHARMACY, "pharmacy", "Corner Pharmacy")
    fake.organization(ST_MARYS_HOSPITAL, "hospital", "St. Mary's Hospital")
    return fake


@pytest.fixture
def patient(api_client):
    return api_client(mint_token(role="patient", sub=PATIENT_ID, username="pat"))


@pytest.fixture
def other_patient(api_client):
    return api_client(mint_token(role="patient", sub=OTHER_PATIENT_ID, username="olga"))


@pytest.fixture
def pharmacist(api_client):
    return api_client(
        mint_token(role="pharmacist", sub=PHARMACIST_ID, username="phil", org=PHARMACY)
    )


@pytest.fixture
def other_pharmacist(api_client):
    return api_client(
        mint_token(role="pharmacist", sub=OTHER_PHARMACIST_ID, username="paula", org=PHARMACY)
    )


@pytest.fixture
def rival_pharmacist(api_client):
    """A pharmacist of another pharmacy."""
    return api_client(
        mint_token(role="pharmacist", sub=RIVAL_PHARMACIST_ID, username="rita", org=RIVAL_PHARMACY)
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
        "pharmacy": PHARMACY,
        **fields,
    }


def sign_in(
    client: Client,
    username: str,
    *,
    role: str = "pharmacist",
    org: int | None = PHARMACY,
    sub: str | None = None,
    is_superuser: bool = False,
) -> Client:
    """Signs ``client`` in to this admin as auth_svc's single sign-on does: the cookie, whose
    claims (``org`` among them) the middleware puts in ``request.admin_session``."""
    client.cookies[sso.COOKIE_NAME] = mint_token(
        sub=sub or f"staff-{username}",
        role=role,
        org=org,
        username=username,
        is_staff=True,
        is_superuser=is_superuser,
        aud=sso.AUDIENCE,
        token_type=sso.TOKEN_TYPE,
    )
    return client


def sign_in_as_admin(client: Client) -> Client:
    return sign_in(client, "root", role="admin", org=None, is_superuser=True)
