"""The demo identity: idempotent, and with the ids other services' demo data refers to."""

import pytest
from oauth2_provider.models import Application

from accounts.models import User
from common.demo import people
from common.registry import SERVICES
from tokens.seed import seed_identity

pytestmark = pytest.mark.django_db


def test_seed_twice_gives_the_same_people_with_pinned_ids():
    seed_identity()
    seed_identity()
    assert {u.id: u.username for u in User.objects.all()} == people.USERNAMES
    assert User.objects.get(username="pharmacist").is_staff
    granted = {
        app.client_id: app.profile.allowed_scopes
        for app in Application.objects.filter(client_id__endswith="-service")
    }
    assert granted == {f"{svc.name}-service": svc.scope for svc in SERVICES if svc.client_scopes}
    assert "rx:consume" in granted["orders-service"]
    User.objects.create(username="later", role="patient")  # the sequence moved past them
