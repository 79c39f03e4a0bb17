"""An order whose hold catalog moved off a recalled lot shows, through the real services and
HAProxy, the lots it will ship from once orders' scheduled jobs have read the recall feed."""

import time
from datetime import date, timedelta

from conftest import Api

from common.registry import JOB_INTERVAL_SECONDS

ORDERS = "/api/orders/"


def test_an_order_lists_the_lots_its_hold_moved_to_after_a_recall(platform, stock_finder):
    drug, _ = stock_finder(50)
    distributor = Api(platform, "distributor")
    warehouse = distributor.get(f"/api/catalog/drugs/{drug}/availability/").json()["warehouses"][0][
        "warehouse"
    ]
    receipt = distributor.post(  # a second lot, so the hold has somewhere to go
        "/api/catalog/receipts/",
        {
            "warehouse": warehouse,
            "lines": [
                {
                    "drug": drug,
                    "lot_number": f"E2E-RECALL-{drug}",
                    "expiry_date": (date.today() + timedelta(days=900)).isoformat(),
                    "quantity": 20,
                }
            ],
        },
    )
    assert receipt.status_code == 201, receipt.text
    hospital = Api(platform, "hospital_a")
    placed = hospital.post(ORDERS, {"lines": [{"drug": drug, "quantity": 3}]})
    assert placed.status_code == 201, placed.text
    recalled = {lot["lot"] for lot in placed.json()["lines"][0]["allocations"]}
    for lot in recalled:
        answer = distributor.post(f"/api/catalog/lots/{lot}/recall/", {"reason": "e2e drill"})
        assert answer.status_code == 200, answer.text

    deadline = time.monotonic() + 2 * JOB_INTERVAL_SECONDS + 30
    while True:
        lots = hospital.get(f"{ORDERS}{placed.json()['id']}/").json()["lines"][0]["allocations"]
        if not recalled & {lot["lot"] for lot in lots}:
            break
        assert time.monotonic() < deadline, f"still listed on the recalled lots: {lots}"
        time.sleep(3)
    assert sum(lot["quantity"] for lot in lots) == 3
