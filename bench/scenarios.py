"""The scenarios of a run and what they need: users in token pools, stocked drugs, the hot
spot's lot."""

import datetime as dt
import json
import math
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from console import say
from setup_http import DEMO_PASSWORD, http, sign_in

POOL_SIZE = 16  # users per token pool: the 16 or more busy buyers
HOT_SPOT_CONNECTIONS = 50
HOT_SPOT_UNITS = 20_000
ORDER_UNITS = 5_000  # per stocked drug: 100 orders/s of 5 lines for 30 s take ~940 each
EXPIRING_PATH = "/api/catalog/reports/expiring/?days=90"


def make_users(url, admin_token, orgs, count, tag, role="hospital"):
    """``count`` new users of ``role`` spread over ``orgs``, each signed in (four at a time:
    creating and signing in both hash a password)."""

    def create(i):
        username = f"bench{tag}{i:02d}"
        status, data = http(
            "POST",
            f"{url}/api/auth/users/",
            token=admin_token,
            body={
                "username": username,
                "email": f"{username}@example.test",
                "password": DEMO_PASSWORD,
                "role": role,
                "organization": orgs[i % len(orgs)],
            },
        )
        if status != 201:
            raise SystemExit(f"creating {role} {username} failed: {status} {data}")
        return sign_in(url, username)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(create, range(count)))


def receive_stock(url, drugs, hot, run_id):
    """One receipt by the demo distributor: a lot of ORDER_UNITS units of each of ``drugs``
    and of HOT_SPOT_UNITS of ``hot``, so that the order scenarios measure placement and the
    hot spot contention on one drug, rather than a sell-out."""
    token = sign_in(url, "distributor")
    status, warehouses = http("GET", f"{url}/api/catalog/warehouses/", token=token)
    expiry = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    lot_number = f"BN{run_id[-8:]}"
    lines = [
        {
            "drug": drug,
            "lot_number": lot_number,
            "expiry_date": expiry,
            "quantity": HOT_SPOT_UNITS if drug == hot else ORDER_UNITS,
        }
        for drug in drugs
    ]
    status, data = http(
        "POST",
        f"{url}/api/catalog/receipts/",
        token=token,
        body={"warehouse": warehouses["results"][0]["id"], "lines": lines},
    )
    if status != 201:
        raise SystemExit(f"receiving stock for the order scenarios failed: {status} {data}")


def readers_needed(rps: float, duration_s: int, read_quota: str) -> int:
    """People a read row at ``rps`` for ``duration_s`` needs to stay within each one's quota
    ("N/P": N reads at once, then N every P seconds), and at least POOL_SIZE."""
    burst, _, period = read_quota.partition("/")
    per_person = int(burst) + int(burst) * duration_s / int(period)
    return max(POOL_SIZE, math.ceil(rps * duration_s / per_person))


def build_scenarios(url, run_id, *, detail_readers):
    admin = sign_in(url, "admin")
    buyer = sign_in(url, "hospital_a")
    status, orgs = http("GET", f"{url}/api/auth/organizations/?page_size=200", token=admin)
    names = ("St. Mary's Hospital", "Riverside General")
    buyer_orgs = [o["id"] for o in orgs["results"] if o["name"] in names]
    status, me = http("GET", f"{url}/api/auth/me/", token=sign_in(url, "distributor"))
    distributor_org = me["organization"]["id"]
    status, listing = http("GET", f"{url}/api/catalog/drugs/?page_size=200", token=buyer)
    unscheduled = [d for d in listing["results"] if not d["schedule"] and d["active"]]
    stocked = []
    for drug in unscheduled[:60]:
        avail_url = f"{url}/api/catalog/drugs/{drug['id']}/availability/"
        status, avail = http("GET", avail_url, token=buyer)
        if status == 200 and avail["available"] >= 300:
            stocked.append(drug)
        if len(stocked) >= 16:
            break
    if len(stocked) < 10:
        raise SystemExit(f"only {len(stocked)} drugs with stock; a 10-line quote needs 10")
    prefixes = sorted({d["name"][:4].lower() for d in listing["results"]})[:16]
    ids = [d["id"] for d in stocked]
    hot = ids[0]
    receive_stock(url, ids, hot, run_id)
    tag = run_id[-6:]
    say(
        f"creating buyers in {buyer_orgs}: {detail_readers} each for drug detail and search, "
        f"{POOL_SIZE} per other pool; {POOL_SIZE} back-office users"
    )
    detail_tokens = make_users(url, admin, buyer_orgs, detail_readers, tag + "r")
    # Search, availability and the search curve share one pool as large as drug detail's:
    # at 600 searches a second 16 readers run out of quota within the row (and a curve point
    # answered partly with 429s measures those). Each row's readers have their quota back
    # long before the next row that uses them begins.
    read_tokens = make_users(url, admin, buyer_orgs, detail_readers, tag + "s")
    avail_tokens = curve_tokens = read_tokens
    write_tokens = make_users(url, admin, buyer_orgs, POOL_SIZE, tag + "w")
    office_tokens = make_users(url, admin, [distributor_org], POOL_SIZE, tag + "d", "distributor")
    quote_lines = [{"drug": d, "quantity": 10} for d in ids[:10]]
    # five different drugs per order, the window sliding over the stocked drugs
    five_lines = [
        json.dumps({"lines": [{"drug": ids[(i + k) % len(ids)], "quantity": 1} for k in range(5)]})
        for i in range(len(ids))
    ]
    order = {
        "method": "POST",
        "paths": ["/api/orders/"],
        "content_type": "application/json",
        "idempotency": True,
        "tokens": write_tokens,
        "orders": True,
    }
    scenarios = [
        {
            "key": "drug_detail",
            "title": "drug detail (JWT)",
            "method": "GET",
            "paths": [f"/api/catalog/drugs/{d}/" for d in ids],
            "tokens": detail_tokens,
        },
        {
            "key": "search",
            "title": "search (4-letter prefix)",
            "method": "GET",
            "paths": [f"/api/catalog/drugs/?search={p}&page_size=20" for p in prefixes],
            "tokens": read_tokens,
        },
        {
            "key": "availability",
            "title": "availability",
            "method": "GET",
            "paths": [f"/api/catalog/drugs/{d}/availability/" for d in ids],
            "tokens": avail_tokens,
        },
        {
            "key": "expiring_report",
            "title": "expiring-lots report (90 days, back office)",
            "method": "GET",
            "paths": [EXPIRING_PATH],
            "tokens": office_tokens,
        },
        {
            "key": "quote_10_lines",
            "title": "quote, 10 lines",
            "method": "POST",
            "paths": ["/api/pricing/quotes/"],
            "bodies": [json.dumps({"lines": quote_lines})],
            "content_type": "application/json",
            "tokens": write_tokens,
        },
        {
            **order,
            "key": "order_1_line",
            "title": "order placement, 1 line (full saga)",
            "bodies": [json.dumps({"lines": [{"drug": d, "quantity": 1}]}) for d in ids],
        },
        {
            **order,
            "key": "order_5_lines",
            "title": "order placement, 5 lines (full saga)",
            "bodies": five_lines,
        },
        {
            **order,
            "key": "order_hot_spot",
            "title": f"hot spot: {HOT_SPOT_CONNECTIONS} clients ordering one drug",
            "bodies": [json.dumps({"lines": [{"drug": hot, "quantity": 1}]})],
            "connections": HOT_SPOT_CONNECTIONS,
        },
        {
            "key": "sign_in",
            "title": "password sign-in",
            "method": "POST",
            "paths": ["/api/auth/token/"],
            "bodies": [
                json.dumps({"username": u, "password": DEMO_PASSWORD})
                for u in ("hospital_a", "hospital_b", "pharmacy", "distributor")
            ],
            "content_type": "application/json",
        },
        {
            "key": "client_credentials",
            "title": "client-credentials token",
            "method": "POST",
            "paths": ["/api/auth/oauth/token/"],
            "bodies": [
                urllib.parse.urlencode(
                    {
                        "grant_type": "client_credentials",
                        "client_id": "st-marys-erp",
                        "client_secret": "st-marys-erp-local-secret",
                        "scope": "orders:read",
                    }
                )
            ],
            "content_type": "application/x-www-form-urlencoded",
        },
    ]
    context = {
        "distributor_org": distributor_org,
        "curve_tokens": curve_tokens,
        "office_tokens": office_tokens,
        "search_paths": scenarios[1]["paths"],
    }
    return scenarios, context
