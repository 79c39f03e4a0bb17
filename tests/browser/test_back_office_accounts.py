"""Journey 3: an admin creates a hospital with a DEA licence and a person in it, in auth's
back office; that person signs in through the API and orders a Schedule II drug."""

import uuid
from datetime import date, timedelta

from conftest import Api
from playwright.sync_api import expect

from browser.pages import rows, sign_in_at_auth

ORGANIZATIONS = "/admin/auth/organizations/organization/"
USERS = "/admin/auth/accounts/user/"
PASSWORD = "a-long-passphrase-for-the-ward-42"


def test_an_admin_sets_up_a_hospital_whose_buyer_orders_a_schedule_ii_drug(
    platform, browser_page, shots
):
    suffix = uuid.uuid4().hex[:6]
    name, dea = f"Lakeside Clinic {suffix}", f"BL{suffix.upper()}"
    username = f"lakeside{suffix}"
    expires = (date.today() + timedelta(days=365)).isoformat()
    page = browser_page
    sign_in_at_auth(page, "admin")

    # The organization, with its DEA registration covering Schedule II.
    page.goto(f"{ORGANIZATIONS}add/")
    page.fill("#id_name", name)
    page.select_option("#id_type", "hospital")
    page.click(".add-row a")
    page.select_option("#id_licenses-0-kind", "dea")
    page.fill("#id_licenses-0-number", dea)
    page.fill("#id_licenses-0-schedules", "CII,CIII")
    page.fill("#id_licenses-0-expires_on", expires)
    shots(page, "new-hospital-with-dea-licence", full_page=True)
    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist")).to_contain_text(f"{name}")
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")
    page.fill("#searchbar", name)
    page.press("#searchbar", "Enter")
    listed = rows(page)
    assert [(row["name"], row["type"]) for row in listed] == [(name, "Hospital")]
    shots(page, "hospital-listed")

    # A person in it, with the hospital role.
    page.goto(f"{USERS}add/")
    page.fill("#id_username", username)
    if page.locator("input[name=usable_password][value=true]").count():
        page.check("input[name=usable_password][value=true]")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.select_option("#id_role", "hospital")
    page.select_option("#id_organization", label=name)
    page.fill("#id_email", f"{username}@example.test")
    shots(page, "new-buyer", full_page=True)
    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")
    page.goto(f"{USERS}?q={username}")
    person = rows(page)
    assert [(row["username"], row["role"], row["organization"]) for row in person] == [
        (username, "Hospital", name)
    ]
    shots(page, "buyer-listed")

    # The buyer signs in through the API and orders a Schedule II drug: the new licence
    # covers it.
    buyer = Api(platform, username, PASSWORD)
    me = buyer.get("/api/auth/me/").json()
    assert (me["role"], me["organization"]["name"], me["organization"]["type"]) == (
        "hospital",
        name,
        "hospital",
    )
    drug = _schedule_ii_in_stock(buyer)
    order = buyer.post("/api/orders/", {"lines": [{"drug": drug, "quantity": 1}]})
    assert order.status_code == 201, order.text
    assert order.json()["status"] == "confirmed"
    assert order.json()["lines"][0]["drug"] == drug


def _schedule_ii_in_stock(api: Api) -> int:
    drugs = api.get("/api/catalog/drugs/", params={"schedule": "CII", "page_size": 100})
    for drug in drugs.json()["results"]:
        if drug["cold_chain"]:
            continue
        if api.get(f"/api/catalog/drugs/{drug['id']}/availability/").json()["available"] >= 5:
            return drug["id"]
    raise AssertionError("no Schedule II demo drug in stock")
