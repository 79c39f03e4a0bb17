"""Discount rules through the API: each kind's shape is enforced, nothing half-saved."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discounts.models import DiscountRule, DiscountTier
from tests.factories import DiscountTierFactory

pytestmark = pytest.mark.django_db
URL = "/api/pricing/discount-rules/"


def rule(**overrides):
    return {
        "name": "Hospital volume",
        "kind": "tier",
        "tiers": [{"min_quantity": 10, "percent": "2"}, {"min_quantity": 50, "percent": "4.5"}],
        "org_type": "hospital",
        "valid_from": "2027-01-01",
        "valid_to": "2027-12-31",
        "priority": 10,
        "stackable": False,
        **overrides,
    }


def test_a_distributor_creates_a_tier_rule(distributor):
    response = distributor.post(URL, rule(), format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["tiers"] == [
        {"min_quantity": 10, "percent": "2.0000"},
        {"min_quantity": 50, "percent": "4.5000"},
    ]
    assert (created["kind"], created["value"], created["stackable"]) == ("tier", None, False)
    assert (created["drug"], created["buyer_org"], created["org_type"]) == (None, None, "hospital")


def test_a_rule_for_one_drug_checks_the_drug_in_the_catalog(distributor, catalog):
    ok = rule(kind="percent", value="5", tiers=[], drug=3)
    assert distributor.post(URL, ok, format="json").status_code == 201
    unknown = distributor.post(URL, {**ok, "drug": 9999}, format="json")
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "unknown_drug"
    assert DiscountRule.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"tiers": []}, "tiers"),
        ({"value": "5"}, "value"),
        ({"tiers": [{"min_quantity": 10, "percent": "2"}] * 2}, "tiers"),
        ({"tiers": [{"min_quantity": 0, "percent": "2"}]}, "tiers"),
        ({"tiers": [{"min_quantity": 10, "percent": "101"}]}, "tiers"),
        ({"tiers": [{"min_quantity": 10, "percent": "0"}]}, "tiers"),
        ({"kind": "percent", "tiers": [], "value": None}, "value"),
        ({"kind": "percent", "tiers": [], "value": "100.01"}, "value"),
        ({"kind": "percent", "value": "5"}, "tiers"),
        ({"kind": "amount", "tiers": [], "value": "-1"}, "value"),
        ({"kind": "bogo"}, "kind"),
        ({"org_type": "patient"}, "org_type"),
        ({"valid_to": "2026-12-31"}, "valid_to"),
        ({"stackable": "maybe"}, "stackable"),
    ],
)
def test_bad_rules_are_refused(distributor, overrides, field):
    response = distributor.post(URL, rule(**overrides), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert DiscountRule.objects.count() == DiscountTier.objects.count() == 0


def test_buyers_neither_see_nor_make_rules(hospital):
    assert hospital.get(URL).status_code == 403
    assert hospital.post(URL, rule(), format="json").status_code == 403


def test_filters_and_constant_queries(admin):
    DiscountTierFactory(rule__org_type="pharmacy")
    with CaptureQueriesContext(connection) as few:
        assert admin.get(URL + "?org_type=pharmacy").json()["count"] == 1
    for _ in range(15):
        DiscountTierFactory(rule__org_type="pharmacy")
    with CaptureQueriesContext(connection) as many:
        assert admin.get(URL + "?org_type=pharmacy&kind=tier").json()["count"] == 16
    assert len(many) == len(few) <= 3
    assert admin.get(URL + "?org_type=hospital").json()["count"] == 0
