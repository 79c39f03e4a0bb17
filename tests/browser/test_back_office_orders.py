"""Journey 4: a distributor ships the confirmed order that is next in line from the orders
back office and opens its DSCSA transaction record."""

import re
import uuid

from conftest import Api
from playwright.sync_api import expect

from browser.pages import assert_fits_the_width, rows, run_action, sign_in_at_auth

ORDERS = "/admin/orders/orders/order/"


def _in_stock(api: Api) -> int:
    for drug in api.get("/api/catalog/drugs/", params={"page_size": 100}).json()["results"]:
        if drug["schedule"] or drug["cold_chain"]:
            continue
        if api.get(f"/api/catalog/drugs/{drug['id']}/availability/").json()["available"] >= 20:
            return drug["id"]
    raise AssertionError("no demo drug in stock")


def test_a_distributor_ships_the_next_order_and_reads_its_dscsa_record(
    platform, browser_page, shots
):
    hospital = Api(platform, "hospital_a")
    distributor = Api(platform, "distributor")
    placed = hospital.post(
        "/api/orders/",
        {"lines": [{"drug": _in_stock(hospital), "quantity": 3}], "notes": "ward 4"},
        key=f"bo-{uuid.uuid4().hex}",
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["status"] == "confirmed"

    page = browser_page
    sign_in_at_auth(page, "distributor")
    page.goto("/admin/orders/")
    expect(page).to_have_url(re.compile(r"/admin/orders/$"))
    page.click(f"#content-main a[href$='{ORDERS}']")
    page.click("#changelist-filter a:has-text('Ships next')")
    expect(page).to_have_url(re.compile(r"work=ships_next"))
    queue = rows(page)
    shots(page, "ships-next")
    assert_fits_the_width(page)
    # Exactly the confirmed orders the distributor fulfils, oldest first.
    confirmed = distributor.get(
        "/api/orders/", params={"status": "confirmed", "page_size": 200}
    ).json()["results"]
    oldest_first = [
        o["number"] for o in sorted(confirmed, key=lambda o: (o["created_at"], o["id"]))
    ]
    assert [row["number"] for row in queue] == oldest_first
    assert all(row["status"] == "Confirmed" for row in queue)
    assert queue[-1]["number"] == order["number"]  # the one just placed waits last
    assert queue[-1]["items"].startswith("3 x ")
    assert all(re.fullmatch(r"(\d+ d )?\d+ h", row["waiting"]) for row in queue)

    page.check(f"input.action-select[value='{order['id']}']")
    run_action(page, "Ship the selected orders")
    expect(page.locator("ul.messagelist")).to_contain_text(f"{order['number']}: shipped")
    assert order["number"] not in [row["number"] for row in rows(page)]
    shots(page, "shipped-left-the-queue")

    # Its DSCSA record, from the list's link, as the buyer's API has it.
    expect(page).to_have_url(re.compile(r"work=ships_next"))
    page.goto(f"{ORDERS}?q={order['number']}")
    shipped_row = rows(page)
    assert [(r["number"], r["status"]) for r in shipped_row] == [(order["number"], "Shipped")]
    page.click("#result_list a:has-text('transaction record')")
    record = page.locator("#dscsa-record")
    expect(record).to_be_visible()
    shots(page, "dscsa-record", full_page=True)
    document = hospital.get(f"/api/orders/{order['id']}/transaction-record/").json()["document"]
    information = document["transaction_information"]
    expect(record.locator(".dscsa-seller")).to_have_text("Acme Pharma Distribution")
    expect(record.locator(".dscsa-buyer")).to_have_text("St. Mary's Hospital")
    assert information["seller"]["name"] == "Acme Pharma Distribution"
    products = page.eval_on_selector_all(
        "#dscsa-products tbody tr",
        "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))",
    )
    assert products == [
        [
            p["product_name"],
            p["strength"],
            p["dosage_form"],
            p["ndc"],
            str(p["container_size"]),
            str(p["number_of_containers"]),
            p["lot_number"],
            p["expiry_date"],
        ]
        for p in information["products"]
    ]
    assert sum(int(p[5]) for p in products) == 3
    expect(record.locator("#dscsa-statement")).to_contain_text("Drug Supply Chain Security Act")
    expect(record).to_contain_text(order["number"])
