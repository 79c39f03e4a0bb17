"""Reservations: FEFO across lots, shelf life, all-or-nothing, idempotency, expiry of holds,
release and commit with shipment rows; only services with the scope may call."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.testing import mint_token, service_token
from inventory.models import Lot, Movement, Reservation, Shipment
from inventory.services.reservations import reservations_expire
from tests.factories import DrugFactory, stocked_lot
from tests.plans import plan_of

RESERVATIONS = "/api/catalog/reservations/"

# Statements of a reservation whatever its size: the idempotency record (claimed, answered),
# the savepoint its handler runs in, the drug, reservation and lot locks and checks, one
# INSERT for the reservation and its event, and one each for its lines, ledger rows and
# allocations; test transactions count their savepoints too.
RESERVATION_STATEMENTS = 14


@pytest.fixture
def shelf(warehouse, north, drug):
    """One drug in four lots: expired, quarantined, expiring in 20 days, and in a year."""
    expired = stocked_lot(drug=drug, warehouse=warehouse, expiry_days=-1, lot_number="EXPIRED")
    held_back = stocked_lot(drug=drug, warehouse=warehouse, expiry_days=10, lot_number="QUAR")
    Lot.objects.filter(pk=held_back.pk).update(status="quarantined")
    return {
        "expired": expired,
        "quarantined": held_back,
        "soon": stocked_lot(
            drug=drug, warehouse=north, quantity=30, expiry_days=20, lot_number="SOON"
        ),
        "later": stocked_lot(
            drug=drug, warehouse=warehouse, quantity=50, expiry_days=365, lot_number="LATER"
        ),
    }


def reserve(client, lines, reference="SO-1", min_shelf_life_days=0, key=None, **more):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    body = {"reference": reference, "lines": lines, "min_shelf_life_days": min_shelf_life_days}
    body.update(more)
    return client.post(RESERVATIONS, body, format="json", **headers)


def counters(lot) -> tuple[int, int, int]:
    lot.refresh_from_db()
    return lot.on_hand, lot.reserved, lot.available


@pytest.mark.django_db
def test_fefo_takes_the_earliest_sellable_expiry_first(reserver, shelf, drug):
    response = reserve(reserver, [{"drug": drug.pk, "quantity": 40}])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "held"
    assert body["reference"] == "SO-1"
    allocations = body["lines"][0]["allocations"]
    assert [(a["lot_number"], a["quantity"]) for a in allocations] == [("SOON", 30), ("LATER", 10)]
    assert counters(shelf["soon"]) == (30, 30, 0)
    assert counters(shelf["later"]) == (50, 10, 40)
    assert counters(shelf["expired"])[1] == counters(shelf["quarantined"])[1] == 0
    expires = timezone.datetime.fromisoformat(body["expires_at"])
    assert timedelta(minutes=14) < expires - timezone.now() <= timedelta(minutes=15)


@pytest.mark.django_db
def test_lots_inside_the_minimum_shelf_life_are_skipped(reserver, shelf, drug):
    body = reserve(reserver, [{"drug": drug.pk, "quantity": 5}], min_shelf_life_days=30).json()
    assert [a["lot_number"] for a in body["lines"][0]["allocations"]] == ["LATER"]


@pytest.mark.django_db
def test_not_enough_stock_holds_nothing_and_says_what_is_short(reserver, shelf, drug):
    plenty = DrugFactory()
    stocked_lot(drug=plenty, warehouse=shelf["later"].warehouse, quantity=500)
    response = reserve(
        reserver, [{"drug": plenty.pk, "quantity": 10}, {"drug": drug.pk, "quantity": 81}]
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "insufficient_stock"
    assert body["lines"] == [{"drug": drug.pk, "requested": 81, "available": 80}]
    assert not Reservation.objects.exists()
    assert Lot.objects.filter(reserved__gt=0).count() == 0
    assert not Movement.objects.filter(kind="reservation").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([{"drug": 1, "quantity": 0}], "invalid"),
        ([{"drug": 1, "quantity": -3}], "invalid"),
        ([], "invalid"),
        ([{"drug": 999999, "quantity": 1}], "unknown_drug"),
    ],
)
def test_bad_reservations_are_400(reserver, shelf, lines, code):
    response = reserve(reserver, lines)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Reservation.objects.exists()


@pytest.mark.django_db
def test_a_drug_twice_is_refused(reserver, shelf, drug):
    response = reserve(reserver, [{"drug": drug.pk, "quantity": 1}] * 2)
    assert response.json()["code"] == "duplicate_line"


@pytest.mark.django_db
def test_inactive_drugs_cannot_be_reserved(reserver, shelf, drug):
    drug.active = False
    drug.save()
    assert reserve(reserver, [{"drug": drug.pk, "quantity": 1}]).json()["code"] == "drug_inactive"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token",
    [
        mint_token(role="admin", sub="1"),
        mint_token(role="distributor", sub="2", org=1),
        mint_token(role="hospital", sub="3", org=2, scope="inventory:reserve"),
        service_token("rx:consume"),
    ],
    ids=["admin", "distributor", "person-with-scope", "service-without-scope"],
)
def test_only_services_with_the_scope_reserve(api_client, shelf, drug, token):
    response = reserve(api_client(token), [{"drug": drug.pk, "quantity": 1}])
    assert response.status_code == 403
    assert not Reservation.objects.exists()


@pytest.mark.django_db
def test_same_key_same_body_replays_and_holds_once(reserver, shelf, drug):
    lines = [{"drug": drug.pk, "quantity": 5}]
    first = reserve(reserver, lines, key="order-77")
    again = reserve(reserver, lines, key="order-77")
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert Reservation.objects.count() == 1
    assert counters(shelf["soon"])[1] == 5


@pytest.mark.django_db
def test_the_reference_alone_makes_a_retry_idempotent(reserver, shelf, drug):
    lines = [{"drug": drug.pk, "quantity": 5}]
    first = reserve(reserver, lines, reference="SO-8")
    assert reserve(reserver, lines, reference="SO-8").json() == first.json()
    assert Reservation.objects.count() == 1


@pytest.mark.django_db
def test_same_key_different_body_is_409(reserver, shelf, drug):
    reserve(reserver, [{"drug": drug.pk, "quantity": 5}], key="order-78")
    response = reserve(reserver, [{"drug": drug.pk, "quantity": 6}], key="order-78")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert counters(shelf["soon"])[1] == 5


@pytest.mark.django_db
def test_one_held_reservation_per_reference(reserver, shelf, drug):
    reserve(reserver, [{"drug": drug.pk, "quantity": 5}], key="a")
    response = reserve(reserver, [{"drug": drug.pk, "quantity": 5}], key="b")
    assert response.json()["code"] == "reservation_exists"


@pytest.fixture
def held(reserver, shelf, drug):
    return reserve(reserver, [{"drug": drug.pk, "quantity": 40}]).json()


def lapse(reservation_id: int) -> None:
    """As if the hold time had passed."""
    Reservation.objects.filter(pk=reservation_id).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


@pytest.mark.django_db
def test_release_gives_stock_back_and_is_idempotent(reserver, shelf, held):
    url = f"{RESERVATIONS}{held['id']}/release/"
    assert reserver.post(url).json()["status"] == "released"
    assert reserver.post(url).json()["status"] == "released"
    assert counters(shelf["soon"]) == (30, 0, 30)
    assert counters(shelf["later"]) == (50, 0, 50)
    assert Movement.objects.filter(kind="release").count() == 2


@pytest.mark.django_db
def test_commit_ships_and_records_every_unit(reserver, shelf, held, django_assert_max_num_queries):
    url = f"{RESERVATIONS}{held['id']}/commit/"
    shipped_at = "2026-03-01T10:00:00Z"
    response = reserver.post(url, {"shipped_at": shipped_at, "buyer_org": 2}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "committed"
    assert counters(shelf["soon"]) == (0, 0, 0)
    assert counters(shelf["later"]) == (40, 0, 40)
    shipments = Shipment.objects.order_by("lot__expiry_date")
    assert [(s.lot.lot_number, s.quantity, s.buyer_org, s.order_ref) for s in shipments] == [
        ("SOON", 30, 2, "SO-1"),
        ("LATER", 10, 2, "SO-1"),
    ]
    # A retried commit (same buyer) answers the same; release after shipment is refused.
    assert reserver.post(url, {"buyer_org": 2}, format="json").json()["status"] == "committed"
    assert Shipment.objects.count() == 2
    assert reserver.post(f"{RESERVATIONS}{held['id']}/release/").json()["code"] == (
        "invalid_transition"
    )
    with django_assert_max_num_queries(4):
        assert reserver.get(f"{RESERVATIONS}{held['id']}/").json()["buyer_org"] == 2


@pytest.mark.django_db
def test_commit_needs_a_buyer(reserver, held):
    response = reserver.post(f"{RESERVATIONS}{held['id']}/commit/", {}, format="json")
    assert response.status_code == 400
    assert Reservation.objects.get(pk=held["id"]).status == "held"


@pytest.mark.django_db
def test_an_expired_hold_cannot_be_committed_and_its_stock_is_back(reserver, shelf, held):
    lapse(held["id"])
    response = reserver.post(f"{RESERVATIONS}{held['id']}/commit/", {"buyer_org": 2}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "reservation_expired"
    assert Reservation.objects.get(pk=held["id"]).status == "expired"
    assert counters(shelf["soon"])[1] == 0
    assert not Shipment.objects.exists()


@pytest.mark.django_db
def test_expire_reservations_command_returns_lapsed_stock(reserver, shelf, held):
    call_command("expire_reservations")
    assert Reservation.objects.get(pk=held["id"]).status == "held"  # not yet due
    lapse(held["id"])
    call_command("expire_reservations")
    assert Reservation.objects.get(pk=held["id"]).status == "expired"
    assert counters(shelf["later"]) == (50, 0, 50)


@pytest.mark.django_db
@pytest.mark.parametrize("key", [None, "PC-2"])
def test_lapsed_holds_are_taken_back_when_the_stock_is_wanted(reserver, shelf, held, drug, key):
    """Also within an idempotent request's transaction, where the first look for stock and
    the second share it."""
    lapse(held["id"])
    response = reserve(reserver, [{"drug": drug.pk, "quantity": 80}], reference="SO-2", key=key)
    assert response.status_code == 201, response.content
    assert Reservation.objects.get(pk=held["id"]).status == "expired"
    assert sum(counters(lot)[1] for lot in shelf.values()) == 80
    if key:
        again = reserve(reserver, [{"drug": drug.pk, "quantity": 80}], reference="SO-2", key=key)
        assert again.json() == response.json()


@pytest.mark.django_db
def test_lapsed_holds_are_left_to_the_job_while_other_stock_suffices(reserver, shelf, held, drug):
    lapse(held["id"])  # 40 of the 80 units, SOON's 30 first
    response = reserve(reserver, [{"drug": drug.pk, "quantity": 40}], reference="SO-2")
    allocations = response.json()["lines"][0]["allocations"]
    # never the lapsed hold's units: they count as reserved until they come back
    assert [(a["lot_number"], a["quantity"]) for a in allocations] == [("LATER", 40)]
    assert Reservation.objects.get(pk=held["id"]).status == "held"
    assert counters(shelf["later"]) == (50, 50, 0)
    response = reserve(reserver, [{"drug": drug.pk, "quantity": 30}], reference="SO-3")
    assert response.status_code == 201, response.content
    assert Reservation.objects.get(pk=held["id"]).status == "expired"
    assert counters(shelf["soon"]) == (30, 30, 0)


@pytest.mark.django_db
def test_reading_a_lapsed_reservation_expires_it(reserver, held):
    lapse(held["id"])
    assert reserver.get(f"{RESERVATIONS}{held['id']}/").json()["status"] == "expired"


@pytest.mark.django_db
def test_unknown_reservations_are_404(reserver):
    assert reserver.get(f"{RESERVATIONS}424242/").status_code == 404
    assert reserver.post(f"{RESERVATIONS}424242/release/").status_code == 404
    response = reserver.post(f"{RESERVATIONS}424242/commit/", {"buyer_org": 2}, format="json")
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_confirmed_hold_waits_for_shipment_instead_of_lapsing(reserver, shelf, held, drug):
    url = f"{RESERVATIONS}{held['id']}/confirm/"
    assert reserver.post(url).json()["confirmed_at"] is not None
    assert reserver.post(url).status_code == 200  # idempotent
    lapse(held["id"])
    call_command("expire_reservations")
    assert reserver.get(f"{RESERVATIONS}{held['id']}/").json()["status"] == "held"
    assert (
        reserve(reserver, [{"drug": drug.pk, "quantity": 80}], reference="SO-9").status_code == 409
    )
    assert counters(shelf["soon"])[1] == 30


@pytest.mark.django_db
def test_a_hold_created_confirmed_never_lapses_and_is_made_once(
    reserver, shelf, drug, django_assert_max_num_queries
):
    lines = [{"drug": drug.pk, "quantity": 40}]  # from two lots
    reserve(reserver, [{"drug": drug.pk, "quantity": 1}], reference="SO-0")  # warm
    reserver.post(f"{RESERVATIONS}{Reservation.objects.get().pk}/release/")
    with django_assert_max_num_queries(RESERVATION_STATEMENTS + 2):  # and its two lots' UPDATEs
        first = reserve(reserver, lines, key="PC-1", confirm=True)
    assert first.status_code == 201, first.content
    assert first.json()["confirmed_at"] is not None
    again = reserve(reserver, lines, key="PC-1", confirm=True)
    assert again.json()["id"] == first.json()["id"]
    assert Reservation.objects.filter(reference="SO-1").count() == 1
    lapse(first.json()["id"])
    call_command("expire_reservations")
    more = reserve(reserver, [{"drug": drug.pk, "quantity": 41}], reference="SO-9")
    assert more.status_code == 409
    assert reserver.get(f"{RESERVATIONS}{first.json()['id']}/").json()["status"] == "held"
    assert counters(shelf["soon"]) == (30, 30, 0)
    release = reserver.post(f"{RESERVATIONS}{first.json()['id']}/release/")
    assert release.json()["status"] == "released"
    assert counters(shelf["soon"]) == (30, 0, 30)


@pytest.mark.django_db
@pytest.mark.parametrize("confirm", [False, True])
def test_a_new_hold_answers_as_it_is_read_back(reserver, shelf, drug, warehouse, confirm):
    other = DrugFactory()
    stocked_lot(drug=other, warehouse=warehouse, quantity=5, expiry_days=90, lot_number="O1")
    stocked_lot(drug=other, warehouse=warehouse, quantity=5, expiry_days=60, lot_number="O2")
    lines = [{"drug": other.pk, "quantity": 8}, {"drug": drug.pk, "quantity": 40}]
    made = reserve(reserver, lines, confirm=confirm)
    assert made.status_code == 201, made.content
    read = reserver.get(f"{RESERVATIONS}{made.json()['id']}/")
    assert made.json() == read.json()
    assert [len(line["allocations"]) for line in made.json()["lines"]] == [2, 2]


@pytest.mark.django_db
@pytest.mark.parametrize("drugs", [1, 3])
def test_a_reservation_costs_one_statement_per_lot_beyond_a_fixed_few(
    reserver, warehouse, drugs, django_assert_max_num_queries
):
    lines = []
    for _ in range(drugs):
        drug = DrugFactory()
        stocked_lot(drug=drug, warehouse=warehouse, quantity=5, expiry_days=60)
        stocked_lot(drug=drug, warehouse=warehouse, quantity=5, expiry_days=90)
        lines.append({"drug": drug.pk, "quantity": 8})  # from both lots
    reserve(reserver, lines[:1], reference="SO-0")  # warm
    reserver.post(f"{RESERVATIONS}{Reservation.objects.get().pk}/release/")
    with django_assert_max_num_queries(RESERVATION_STATEMENTS + 2 * drugs):  # its lots' UPDATEs
        made = reserve(reserver, lines, confirm=True)
    assert made.status_code == 201, made.content
    reservation = Reservation.objects.get(pk=made.json()["id"])
    assert list(reservation.events.values_list("from_status", "to_status", "actor", "reason")) == [
        ("", "held", reservation.client, "reserved, order confirmed")
    ]
    assert reservation.movements.filter(kind="reservation").count() == 2 * drugs
    reserved = sorted(Lot.objects.values_list("reserved", flat=True))
    assert reserved == sorted([5, 3] * drugs)  # FEFO: all of the first lot, 3 of the next


@pytest.mark.django_db
def test_a_lapsed_hold_cannot_be_confirmed(reserver, held):
    lapse(held["id"])
    response = reserver.post(f"{RESERVATIONS}{held['id']}/confirm/")
    assert (response.status_code, response.json()["code"]) == (409, "reservation_expired")


@pytest.mark.django_db
def test_a_patient_order_ships_with_no_buyer_organization(reserver, held):
    url = f"{RESERVATIONS}{held['id']}/commit/"
    response = reserver.post(url, {"buyer_org": None}, format="json")
    assert response.json()["status"] == "committed"
    assert set(Shipment.objects.values_list("buyer_org", flat=True)) == {None}


# Confirmed holds stay held until they ship: a long order history is thousands of them, long
# past their ``expires_at``. Lapsed holds (a drug's availability, expire_reservations) are
# looked for through the partial index of unconfirmed holds, not by scanning them all.
HISTORY = 5_000


@pytest.mark.django_db(transaction=True)
def test_lapsed_holds_are_found_through_the_index_of_unconfirmed_holds(
    reserver, hospital, shelf, drug
):
    long_ago = timezone.now() - timedelta(days=30)
    Reservation.objects.bulk_create(
        Reservation(
            reference=f"PC-OLD-{n}",
            client="client:orders-service",
            expires_at=long_ago,
            confirmed_at=long_ago,
        )
        for n in range(HISTORY)
    )
    lapsed = reserve(reserver, [{"drug": drug.pk, "quantity": 40}], reference="SO-L").json()
    lapse(lapsed["id"])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE inventory_reservation")

    with CaptureQueriesContext(connection) as seen:
        answer = hospital.get(f"/api/catalog/drugs/{drug.pk}/availability/").json()
    assert answer["available"] == 80  # the lapsed hold's 40 count as available again
    (lookup,) = [q["sql"] for q in seen.captured_queries if "inventory_allocation" in q["sql"]]
    plan = plan_of(lookup)
    assert "inventory_resv_lapsing_idx" in plan, plan
    assert "Seq Scan on inventory_reservation" not in plan, plan

    with CaptureQueriesContext(connection) as seen:
        assert reservations_expire() == 1
    lookup = seen.captured_queries[0]["sql"]
    assert "inventory_reservation" in lookup
    plan = plan_of(lookup)
    assert "inventory_resv_lapsing_idx" in plan, plan
    assert reserver.get(f"{RESERVATIONS}{lapsed['id']}/").json()["status"] == "expired"
