"""Journey 1: a distributor's stock clerk works the lots expiring within 90 days."""

import re
from datetime import date, timedelta

from conftest import Api
from playwright.sync_api import expect

from browser.pages import (
    assert_fits_the_width,
    rows,
    run_action,
    sign_in_at_auth,
)

LOTS = "/admin/catalog/inventory/lot/"


def _expiry(cell: str) -> date:
    return date.fromisoformat(cell.split()[0])


def _transition(page, shots, lot: dict, label: str, verb: str, reason: str) -> None:
    page.check(f"input.action-select[value='{lot['pk']}']")
    run_action(page, label)
    expect(page.locator("#content")).to_contain_text(f"{verb.capitalize()} 1 lot(s): why?")
    page.fill("textarea[name=reason]", reason)
    shots(page, f"{verb}-why")
    page.click(f"input[type=submit][value='{verb.capitalize()}']")


def test_a_distributor_quarantines_releases_and_recalls_expiring_lots(
    platform, browser_page, shots
):
    page = browser_page
    distributor = Api(platform, "distributor")
    # One sign-in, at auth_svc's admin ...
    sign_in_at_auth(page, "distributor")
    shots(page, "signed-in-at-auth")
    # ... and the catalog's back office opens without asking again.
    page.goto("/admin/catalog/")
    expect(page).to_have_url(re.compile(r"/admin/catalog/$"))
    expect(page.locator("#user-tools")).to_contain_text("distributor", ignore_case=True)
    expect(page.locator("#content-main")).to_contain_text("Lots")
    shots(page, "catalog-without-signing-in-again")

    page.click(f"#content-main a[href$='{LOTS}']")
    page.click("#changelist-filter a:has-text('Within 90 days')")
    expect(page).to_have_url(re.compile(r"expiry=90"))
    expiring = rows(page)
    shots(page, "lots-expiring-within-90-days")
    today = date.today()
    assert expiring, "the demo data has lots expiring within 90 days"
    # Soonest first, every one within 90 days, each coloured by its urgency.
    expiries = [_expiry(row["expiry"]) for row in expiring]
    assert expiries == sorted(expiries)
    assert all(today <= expiry <= today + timedelta(days=90) for expiry in expiries)
    urgencies = page.eval_on_selector_all(
        "#result_list td.field-expiry .lot-expiry", "cells => cells.map(c => c.dataset.urgency)"
    )
    assert urgencies == [
        "critical" if (expiry - today).days <= 30 else "soon" for expiry in expiries
    ]
    colours = set(
        page.eval_on_selector_all(
            "#result_list .lot-expiry",
            "cells => cells.map(c => getComputedStyle(c).backgroundColor)",
        )
    )
    assert "rgba(0, 0, 0, 0)" not in colours  # the stylesheet is served and applied
    # Everything a clerk needs is on screen at 1280 px: no horizontal scroll.
    for row in expiring:
        assert row["warehouse"] in {"Main DC", "North DC"}
        assert row["status_label"] in {"available", "quarantined", "recalled"}
        on_hand, reserved, for_sale = (int(row[c]) for c in ("on_hand", "reserved", "for_sale"))
        # A lot that cannot be sold offers nothing, whatever it still holds.
        assert for_sale == (on_hand - reserved if row["status_label"] == "available" else 0)
    assert_fits_the_width(page)
    for column in ("expiry", "status", "warehouse", "on hand", "reserved", "available"):
        expect(page.locator("#result_list thead")).to_contain_text(column, ignore_case=True)

    # Quarantine one lot, then release it: the list says so each time.
    lot = next(row for row in expiring if row["status_label"] == "available")
    _transition(page, shots, lot, "Quarantine selected lots", "quarantine", "temperature excursion")
    expect(page.locator("ul.messagelist")).to_contain_text(
        f"Lot {lot['lot_number']}: now quarantined"
    )
    quarantined = next(row for row in rows(page) if row["pk"] == lot["pk"])
    assert quarantined["status_label"] == "quarantined"
    shots(page, "quarantined")
    _transition(
        page, shots, lot, "Release selected lots from quarantine", "release", "logger data fine"
    )
    expect(page.locator("ul.messagelist")).to_contain_text(
        f"Lot {lot['lot_number']}: now available"
    )
    assert next(row for row in rows(page) if row["pk"] == lot["pk"])["status_label"] == "available"
    shots(page, "released")
    # The audit trail has both changes, with the clerk's reasons.
    assert [(e["from_status"], e["to_status"], e["reason"]) for e in _events(distributor, lot)][
        -2:
    ] == [
        ("available", "quarantined", "temperature excursion"),
        ("quarantined", "available", "logger data fine"),
    ]

    # Recall a lot that has left the warehouse: the page names every shipment it reached,
    # the same ones the distributor's orders say carried it.
    shipped_lot, orders_with_it = _a_shipped_lot(distributor)
    page.goto(f"{LOTS}?q={shipped_lot['lot_number']}")
    shots(page, "lot-to-recall")
    _transition(
        page,
        shots,
        {"pk": str(shipped_lot["lot"])},
        "Recall selected lots",
        "recall",
        "FDA class II recall",
    )
    result = page.locator(f"section.recall-result[data-lot='{shipped_lot['lot_number']}']")
    expect(result).to_contain_text(f"Lot {shipped_lot['lot_number']} recalled")
    reached = page.eval_on_selector_all(
        "table.recall-shipments tbody tr",
        "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))",
    )
    shots(page, "recall-shipments-reached", full_page=True)
    assert sorted((row[0], int(row[2])) for row in reached) == sorted(orders_with_it)
    assert all(row[1].startswith("organization ") for row in reached)
    heading = f"{len(orders_with_it)} shipment{'s' if len(orders_with_it) != 1 else ''} reached"
    expect(result.locator("h2")).to_contain_text(heading)
    recalled = _events(distributor, {"pk": shipped_lot["lot"]})[-1]
    assert (recalled["to_status"], recalled["reason"]) == ("recalled", "FDA class II recall")


def _events(api: Api, lot: dict) -> list[dict]:
    answer = api.get(f"/api/catalog/lots/{lot['pk']}/events/", params={"page_size": 200})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return body["results"] if isinstance(body, dict) else body


def _a_shipped_lot(api: Api) -> tuple[dict, list[tuple[str, int]]]:
    """A lot of a shipped demo order, and (order number, quantity) of every shipped or
    delivered order line that carried it."""
    orders = [
        order
        for status in ("shipped", "delivered")
        for order in api.get("/api/orders/", params={"status": status}).json()["results"]
    ]
    carried: dict[int, list] = {}
    lots: dict[int, dict] = {}
    for order in orders:
        for line in order["lines"]:
            for shipped in line["shipped_lots"]:
                lots[shipped["lot"]] = shipped
                carried.setdefault(shipped["lot"], []).append(
                    (order["number"], shipped["quantity"])
                )
    assert lots, "up placed shipped demo orders"
    lot_id = min(lots)
    return lots[lot_id], carried[lot_id]
