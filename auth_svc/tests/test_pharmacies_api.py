"""``GET /api/auth/pharmacies/``: the pharmacies a patient may send a prescription to, for
anyone signed in; nothing else about organizations leaks through it."""

import pytest

from organizations.models import Organization
from tests.conftest import access_for
from tests.factories import LicenseFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/auth/pharmacies/"


@pytest.fixture
def pharmacies():
    corner = OrganizationFactory(name="Corner Pharmacy", type=Organization.Type.PHARMACY)
    avenue = OrganizationFactory(name="Avenue Pharmacy", type=Organization.Type.PHARMACY)
    LicenseFactory(organization=corner)
    OrganizationFactory(name="St. Mary's Hospital", type=Organization.Type.HOSPITAL)
    OrganizationFactory(name="Acme Pharma Distribution", type=Organization.Type.DISTRIBUTOR)
    return avenue, corner


@pytest.mark.parametrize("role", ["patient", "pharmacist", "hospital", "admin"])
def test_anyone_signed_in_lists_the_pharmacies_by_name(api_client, pharmacies, role):
    avenue, corner = pharmacies
    organization = None if role in ("patient", "admin") else corner
    caller = api_client(access_for(UserFactory(role=role, organization=organization)))
    response = caller.get(URL)
    assert response.status_code == 200
    assert response.json() == [
        {"id": avenue.pk, "name": "Avenue Pharmacy"},
        {"id": corner.pk, "name": "Corner Pharmacy"},
    ]


def test_anonymous_callers_are_refused(api_client, pharmacies):
    assert api_client().get(URL).status_code == 401
