"""Every filter a client (or the pricing engine) can use is served by an index whose first
column is the filtered one, so lists and quotes stay fast as tables grow."""

import pytest
from django.db import connection

from chargebacks.apis import ChargebackFilter
from chargebacks.models import Chargeback, ShippedLine
from contracts.apis import ContractFilter
from contracts.models import Contract, ContractItem
from discounts.apis import DiscountRuleFilter
from discounts.models import DiscountRule
from prices.apis import PriceListFilter
from prices.models import PriceList, PriceListItem
from quotes.models import Quote

pytestmark = pytest.mark.django_db

# filter set -> {filter name: (model, column that filter reads)}
API_FILTERS = {
    PriceListFilter: {"currency": (PriceList, "currency"), "active_on": (PriceList, "valid_from")},
    ContractFilter: {
        "buyer_org": (Contract, "buyer_org"),
        "drug": (ContractItem, "drug"),
        "active_on": (Contract, "valid_from"),
    },
    DiscountRuleFilter: {
        "kind": (DiscountRule, "kind"),
        "drug": (DiscountRule, "drug"),
        "org_type": (DiscountRule, "org_type"),
        "buyer_org": (DiscountRule, "buyer_org"),
        "active_on": (DiscountRule, "valid_from"),
    },
    ChargebackFilter: {
        "status": (Chargeback, "status"),
        "manufacturer": (Chargeback, "manufacturer"),
        "buyer_org": (Chargeback, "buyer_org"),
        "order_ref": (Chargeback, "order_ref"),
    },
}
# What services look rows up by, beyond primary keys.
SERVICE_LOOKUPS = [
    (PriceListItem, "drug"),  # list price of a drug
    (PriceListItem, "price_list_id"),  # a list's items (?drug= on them too)
    (ContractItem, "contract_id"),
    (Quote, "buyer_org"),
    (ShippedLine, "order_ref"),  # idempotency of shipment events
    (Chargeback, "shipped_at"),  # the report's period
]


def leading_columns(model) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {c["columns"][0] for c in constraints.values() if c["index"] or c["unique"]}


@pytest.mark.parametrize("filterset", list(API_FILTERS), ids=lambda f: f.__name__)
def test_every_api_filter_is_indexed(filterset):
    assert set(filterset.base_filters) == set(API_FILTERS[filterset]), "list every filter here"
    for name, (model, column) in API_FILTERS[filterset].items():
        assert column in leading_columns(model), f"{filterset.__name__}.{name}"


@pytest.mark.parametrize(("model", "column"), SERVICE_LOOKUPS)
def test_every_service_lookup_is_indexed(model, column):
    assert column in leading_columns(model)
