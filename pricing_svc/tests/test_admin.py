"""The back office: contracts with items inline (checked in the catalog, overlaps warned
about), and chargebacks moved through the same service as the API."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from chargebacks.models import ChargebackEvent
from contracts.models import Contract
from tests.conftest import BUYER, MYLAN, TEVA
from tests.factories import ChargebackFactory, ContractFactory, ContractItemFactory

pytestmark = pytest.mark.django_db
ADMIN = "/admin/pricing/"


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "x")
    client.force_login(user)
    return client


def contract_form(**items):
    form = {
        "buyer_org": BUYER,
        "name": "GPO 2027",
        "currency": "USD",
        "valid_from": "2027-01-01",
        "valid_to": "2027-12-31",
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for index, (drug, price) in enumerate(items.items()):
        form[f"items-{index}-drug"] = drug.removeprefix("d")
        form[f"items-{index}-unit_price"] = price
    return form


def test_a_contract_saved_with_items_warns_about_overlaps(staff, catalog):
    old = ContractFactory(valid_from="2026-01-01", valid_to="2027-06-30")
    ContractItemFactory(contract=old, drug=1)
    response = staff.post(
        f"{ADMIN}contracts/contract/add/", contract_form(d1="7.50", d2="3.00"), follow=True
    )
    assert response.status_code == 200
    contract = Contract.objects.get(name="GPO 2027")
    assert list(contract.items.values_list("drug", "manufacturer")) == [(1, TEVA), (2, MYLAN)]
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert f"Overlaps contract {old.id}" in warnings[0]
    assert "drugs 1:" in warnings[0]


def test_an_unknown_drug_is_a_form_error_and_nothing_is_saved(staff, catalog):
    response = staff.post(f"{ADMIN}contracts/contract/add/", contract_form(d1="7.50", d5000="1"))
    assert response.status_code == 200  # the form again, with its error
    assert "Drug 5000 is not in the catalog." in response.content.decode()
    assert Contract.objects.count() == 0


def test_chargeback_actions_go_through_the_transition_service(staff):
    first, second = ChargebackFactory(), ChargebackFactory(status="paid")
    response = staff.post(
        f"{ADMIN}chargebacks/chargeback/",
        {"action": "mark_submitted", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    refusal = f"Chargeback {second.pk}: The chargeback is paid; it cannot become submitted."
    assert refusal in messages
    assert "1 chargeback(s) submitted." in messages
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("submitted", "paid")
    event = ChargebackEvent.objects.get()
    assert (event.chargeback_id, event.by) == (first.pk, "staff:boss")


@pytest.mark.parametrize(
    "page",
    [
        "prices/pricelist/",
        "prices/pricelist/add/",
        "contracts/contract/",
        "discounts/discountrule/",
        "discounts/discountrule/add/",
        "quotes/quote/",
        "chargebacks/chargeback/",
        "chargebacks/shippedline/",
    ],
)
def test_every_admin_page_renders(staff, page):
    ChargebackFactory()
    assert staff.get(f"{ADMIN}{page}").status_code == 200


def test_distributor_staff_get_the_pricing_back_office_permissions():
    group = Group.objects.get(name="role:distributor")
    granted = set(group.permissions.values_list("codename", flat=True))
    assert {"change_contract", "add_discountrule", "change_chargeback", "view_quote"} <= granted
    assert "delete_chargeback" not in granted
