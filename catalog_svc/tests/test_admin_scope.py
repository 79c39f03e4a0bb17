"""Distributor staff signed in through single sign-on see and act on their own
organization's lots only; the role's permissions come from the ``role:distributor`` group."""

import time
import uuid

import jwt
import pytest
from django.conf import settings
from django.test import Client

from common import sso
from common.demo import ACME_DISTRIBUTION
from common.testing import TEST_KID, signing_key
from inventory.models import Lot
from tests.conftest import RIVAL_DISTRIBUTOR
from tests.factories import stocked_lot

pytestmark = pytest.mark.django_db
LOTS = "/admin/catalog/inventory/lot/"


def staff_browser(role: str, org: int | None) -> Client:
    now = int(time.time())
    claims = {
        "iss": settings.JWT_ISSUER,
        "aud": sso.AUDIENCE,
        "sub": "2",
        "username": f"{role}-staff",
        "role": role,
        "org": org,
        "is_staff": True,
        "is_superuser": False,
        "token_type": sso.TOKEN_TYPE,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + 600,
    }
    client = Client()
    client.cookies[sso.COOKIE_NAME] = jwt.encode(
        claims, signing_key(), algorithm="RS256", headers={"kid": TEST_KID}
    )
    return client


@pytest.fixture
def two_distributors(warehouse, rival_warehouse, drug):
    assert warehouse.owner_org == ACME_DISTRIBUTION
    ours = stocked_lot(
        drug=drug, warehouse=warehouse, quantity=5, expiry_days=300, lot_number="OURS-1"
    )
    theirs = stocked_lot(
        drug=drug, warehouse=rival_warehouse, quantity=5, expiry_days=300, lot_number="THEIRS-1"
    )
    return ours, theirs


def test_distributor_staff_see_only_their_own_lots(two_distributors):
    page = staff_browser("distributor", ACME_DISTRIBUTION).get(LOTS)
    assert page.status_code == 200
    assert "OURS-1" in page.content.decode() and "THEIRS-1" not in page.content.decode()
    rival = staff_browser("distributor", RIVAL_DISTRIBUTOR).get(LOTS).content.decode()
    assert "THEIRS-1" in rival and "OURS-1" not in rival


def test_distributor_staff_cannot_quarantine_another_distributors_lot(two_distributors):
    _, theirs = two_distributors
    browser = staff_browser("distributor", ACME_DISTRIBUTION)
    browser.post(
        LOTS,
        {
            "action": "quarantine",
            "_selected_action": [theirs.pk],
            "reason": "not mine",
            "apply": "1",
        },
    )
    assert Lot.objects.get(pk=theirs.pk).status == "available"


def test_staff_of_other_roles_have_no_lot_pages(two_distributors):
    assert staff_browser("pharmacist", 4).get(LOTS).status_code == 403
