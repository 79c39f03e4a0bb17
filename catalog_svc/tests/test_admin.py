"""The back-office admin: drugs with lots inline, filters and search, actions that call the
services, and a ledger nobody can edit."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.models import Drug
from inventory.models import Lot, LotEvent, Movement
from tests.factories import gtin_for, stocked_lot

ADMIN = "/admin/catalog/"


@pytest.fixture
def staff(client, db):
    user = get_user_model().objects.create_superuser("backoffice", "bo@example.com", "x")
    client.force_login(user)
    return client


@pytest.fixture
def lots(warehouse, drug):
    return [
        stocked_lot(
            drug=drug, warehouse=warehouse, quantity=10, expiry_days=20, lot_number="ADM-1"
        ),
        stocked_lot(
            drug=drug, warehouse=warehouse, quantity=10, expiry_days=400, lot_number="ADM-2"
        ),
    ]


@pytest.mark.django_db
def test_drug_page_shows_its_lots(staff, drug, lots):
    page = staff.get(f"{ADMIN}catalog/drug/{drug.pk}/change/")
    assert page.status_code == 200
    assert b"ADM-1" in page.content
    assert b"ADM-2" in page.content


@pytest.mark.django_db
def test_lot_filters_and_search(staff, drug, lots):
    soon = staff.get(f"{ADMIN}inventory/lot/", {"expiry": "30"})
    assert b"ADM-1" in soon.content
    assert b"ADM-2" not in soon.content
    assert b"ADM-2" in staff.get(f"{ADMIN}inventory/lot/", {"q": "ADM-2"}).content
    by_ndc = staff.get(f"{ADMIN}catalog/drug/", {"q": drug.ndc})
    assert drug.name.encode() in by_ndc.content
    by_lot = staff.get(f"{ADMIN}catalog/drug/", {"q": "ADM-1"})
    assert drug.name.encode() in by_lot.content
    assert (
        staff.get(f"{ADMIN}catalog/drug/", {"lot_status": "available", "expiry": "90"}).status_code
        == 200
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "status", "answer"),
    # A recall ends on the page of the shipments it reached; a quarantine back on the list.
    [("quarantine", "quarantined", 302), ("recall", "recalled", 200)],
)
def test_lot_actions_ask_why_then_call_the_services(staff, lots, action, status, answer):
    url = f"{ADMIN}inventory/lot/"
    selection = {"action": action, "_selected_action": [lots[0].pk]}
    form = staff.post(url, selection)
    assert form.status_code == 200
    assert b"why?" in form.content
    done = staff.post(url, {**selection, "apply": "1", "reason": "supplier notice"})
    assert done.status_code == answer
    lots[0].refresh_from_db()
    assert lots[0].status == status
    event = LotEvent.objects.get(lot=lots[0])
    assert (event.actor, event.reason) == ("staff:backoffice", "supplier notice")


@pytest.mark.django_db
def test_receive_stock_action_writes_a_receipt(staff, warehouse, drug):
    url = f"{ADMIN}catalog/drug/"
    selection = {"action": "receive_stock", "_selected_action": [drug.pk]}
    assert b"Receive stock" in staff.post(url, selection).content
    expiry = (timezone.localdate() + timedelta(days=300)).isoformat()
    response = staff.post(
        url,
        {
            **selection,
            "apply": "1",
            "warehouse": warehouse.pk,
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-drug": drug.pk,
            "form-0-lot_number": "GRN-7",
            "form-0-expiry_date": expiry,
            "form-0-quantity": "12",
        },
    )
    assert response.status_code == 302
    lot = Lot.objects.get(lot_number="GRN-7")
    assert lot.on_hand == 12
    assert Movement.objects.get(lot=lot).actor == "staff:backoffice"


@pytest.mark.django_db
def test_receive_stock_refuses_past_expiry_and_changes_nothing(staff, warehouse, drug):
    response = staff.post(
        f"{ADMIN}catalog/drug/",
        {
            "action": "receive_stock",
            "_selected_action": [drug.pk],
            "apply": "1",
            "warehouse": warehouse.pk,
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-drug": drug.pk,
            "form-0-lot_number": "OLD",
            "form-0-expiry_date": "2001-01-01",
            "form-0-quantity": "5",
        },
        follow=True,
    )
    assert b"Nothing received" in response.content
    assert not Lot.objects.filter(lot_number="OLD").exists()


@pytest.mark.django_db
def test_the_admin_form_refuses_what_the_api_refuses(staff, drug):
    base = {
        "ndc": "12345-678-90",
        "gtin": gtin_for("12345-678-90"),
        "name": "Admin Drug",
        "generic_name": "admin drug",
        "schedule": "",
        "pack_size": 1,
        "unit": "each",
        "reorder_point": 0,
        "rx_only": "on",
        "active": "on",
        "lots-TOTAL_FORMS": "0",
        "lots-INITIAL_FORMS": "0",
    }
    bad = staff.post(f"{ADMIN}catalog/drug/add/", {**base, "gtin": base["gtin"][:-1] + "1"})
    assert bad.status_code == 200 and b"check digit" in bad.content
    duplicate = staff.post(f"{ADMIN}catalog/drug/add/", {**base, "ndc": drug.ndc})
    assert b"already in the catalog" in duplicate.content
    created = staff.post(f"{ADMIN}catalog/drug/add/", base)
    assert created.status_code == 302
    assert Drug.objects.get(name="Admin Drug").ndc11 == "12345067890"


@pytest.mark.django_db
def test_the_ledger_is_read_only(staff, lots):
    movement = Movement.objects.first()
    assert staff.get(f"{ADMIN}inventory/movement/").status_code == 200
    assert staff.get(f"{ADMIN}inventory/movement/add/").status_code == 403
    assert staff.post(f"{ADMIN}inventory/movement/{movement.pk}/delete/").status_code == 403
    change = staff.post(f"{ADMIN}inventory/movement/{movement.pk}/change/", {"on_hand_delta": 999})
    movement.refresh_from_db()
    assert movement.on_hand_delta == 10
    assert change.status_code in (200, 403)


@pytest.mark.django_db
def test_the_lots_list_is_soonest_expiry_first_coloured_by_urgency(staff, warehouse, drug):
    for days, number in [(400, "LATER"), (60, "SOON"), (-3, "GONE"), (12, "CRIT")]:
        stocked_lot(drug=drug, warehouse=warehouse, quantity=8, expiry_days=days, lot_number=number)
    html = staff.get(f"{ADMIN}inventory/lot/").content.decode()
    body = re.search(r"<tbody>(.*)</tbody>", html, re.S).group(1)
    rows = re.findall(r"<tr>.*?</tr>", body, re.S)
    numbers = [re.search(r"(GONE|CRIT|SOON|LATER)", row).group(1) for row in rows]
    assert numbers == ["GONE", "CRIT", "SOON", "LATER"]
    urgency = [re.search(r'data-urgency="(\w+)"', row).group(1) for row in rows]
    assert urgency == ["expired", "critical", "soon", "ok"]
    assert "expired 3 d ago" in rows[0] and "in 12 d" in rows[1] and "in 60 d" in rows[2]
    # A lot past expiry that the nightly job has not marked yet reads as expired all the same.
    assert 'class="lot-status lot-status-expired"' in rows[0]
    assert 'class="lot-status lot-status-available"' in rows[1]
    # Nothing of it is for sale either; the units are still on hand.
    available = [re.search(r'class="field-for_sale">(\d+)<', row).group(1) for row in rows]
    assert available == ["0", "8", "8", "8"]
    for row in rows:
        assert warehouse.name in row and drug.name in row
        assert re.search(r"field-on_hand[^>]*>8<", row)
    assert "inventory/lots.css" in html


@pytest.mark.django_db
def test_a_recall_in_the_admin_lists_the_shipments_it_reached(staff, reserver, lots, drug):
    held = reserver.post(
        "/api/catalog/reservations/",
        {"reference": "PC-000042", "lines": [{"drug": drug.pk, "quantity": 4}]},
        format="json",
    ).json()
    reserver.post(
        f"/api/catalog/reservations/{held['id']}/commit/",
        {"buyer_org": 7, "shipped_at": "2026-01-05T09:00:00Z"},
        format="json",
    )
    url = f"{ADMIN}inventory/lot/"
    page = staff.post(
        url,
        {"action": "recall", "_selected_action": [lots[0].pk], "apply": "1", "reason": "FDA"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lot ADM-1 recalled: 1 shipment reached" in html
    assert re.search(
        r"<td>PC-000042</td>\s*<td>organization 7</td>\s*<td>4</td>\s*<td>2026-01-05", html
    )
    lots[0].refresh_from_db()
    assert lots[0].status == "recalled"
    # The lot's own page keeps listing them.
    lot_page = staff.get(f"{url}{lots[0].pk}/change/").content.decode()
    assert "shipments that carried this lot" in lot_page.lower() and "PC-000042" in lot_page
