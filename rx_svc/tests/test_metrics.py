"""Decided reviews are counted on /metrics once they are committed, and only then."""

import pytest
from prometheus_client import REGISTRY

from tests.factories import PrescriptionFactory

pytestmark = pytest.mark.django_db


def reviews(decision: str, reason: str = "") -> float:
    value = REGISTRY.get_sample_value(
        "pharma_rx_reviews_total", {"decision": decision, "reason": reason}
    )
    return value or 0.0


def test_approvals_and_rejections_are_counted(pharmacist, django_capture_on_commit_callbacks):
    approved_before, rejected_before = reviews("verified"), reviews("rejected", "illegible")
    first, second = PrescriptionFactory(in_review=True), PrescriptionFactory(in_review=True)
    with django_capture_on_commit_callbacks(execute=True):
        pharmacist.post(f"/api/rx/prescriptions/{first.pk}/approve/", {}, format="json")
        pharmacist.post(
            f"/api/rx/prescriptions/{second.pk}/reject/", {"reason": "illegible"}, format="json"
        )
    assert reviews("verified") == approved_before + 1
    assert reviews("rejected", "illegible") == rejected_before + 1


def test_a_refused_decision_counts_nothing(pharmacist, django_capture_on_commit_callbacks):
    before = reviews("verified")
    pending = PrescriptionFactory()  # not claimed: approving it is an invalid transition
    with django_capture_on_commit_callbacks(execute=True):
        refused = pharmacist.post(f"/api/rx/prescriptions/{pending.pk}/approve/", {}, format="json")
    assert refused.status_code == 409
    assert reviews("verified") == before
