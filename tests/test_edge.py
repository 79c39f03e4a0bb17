"""The platform's edge on the native stack: per-caller quotas shared by replicas, the breaker
in front of pricing, and replicas SIGKILLed under a steady load of reads and order placements.

Every test here makes its own people (and, where prices are remembered per organization, its
own hospital), and takes its stock from the far end of the demo catalog, which the order
tests (which search from the front) never reach.
"""

import json
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import requests
from conftest import ROOT, Api, ServiceOutage, create_user
from runner.infra import resolve
from runner.platform import gateway_server_states
from runner.profiles import PROFILES
from runner.services import service_env

from common.clients.breakers import FAIL_MAX, RESET_TIMEOUT_SECONDS
from common.quotas import Quota
from common.registry import SERVICES, service
from common.settings import QUOTAS

E2E = PROFILES["e2e"]
ORDERS = "/api/orders/"


def replica_urls(name: str) -> list[str]:
    return [f"http://127.0.0.1:{port}" for port in service(name).ports(E2E.port_offset)]


def new_hospital(platform) -> int:
    """A hospital of its own: nobody else's quotes are remembered for it."""
    created = Api(platform, "admin").post(
        "/api/auth/organizations/",
        {"name": f"Edge Clinic {uuid.uuid4().hex[:8]}", "type": "hospital", "licenses": []},
    )
    assert created.status_code == 201, created.text
    return created.json()["id"]


def buyer(platform, organization: int) -> Api:
    """A new person of that hospital, with budgets of their own."""
    username, _ = create_user(platform, role="hospital", organization=organization)
    return Api(platform, username)


def order_body(drug: int, quantity: int = 1) -> dict:
    return {"lines": [{"drug": drug, "quantity": quantity}]}


# -- Quotas ---------------------------------------------------------------------------------

READ_QUOTA = Quota.parse(QUOTAS["read"])
BURST_MAX_REQUESTS = READ_QUOTA.requests + 300
BURST_MAX_SECONDS = 45


def test_a_burst_from_one_caller_gets_429_while_another_caller_is_served(platform, stock_finder):
    hospital = new_hospital(platform)
    burster, bystander = buyer(platform, hospital), buyer(platform, hospital)
    drug, _ = stock_finder(1, rx_only=False)
    path = f"/api/catalog/drugs/{drug}/"
    answers: list[requests.Response] = []
    deadline = time.monotonic() + BURST_MAX_SECONDS
    while len(answers) < BURST_MAX_REQUESTS and time.monotonic() < deadline:
        answers.append(burster.get(path))
        if answers[-1].status_code == 429:
            break
    refused = answers[-1]
    served = bystander.get(path)  # same service, same moment, another caller
    assert refused.status_code == 429, f"no 429 after {len(answers)} reads"
    assert {a.status_code for a in answers[:-1]} == {200}
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["RateLimit-Limit"] == str(READ_QUOTA.requests)
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert int(refused.headers["RateLimit-Reset"]) >= 1
    assert served.status_code == 200
    assert served.headers["RateLimit-Limit"] == str(READ_QUOTA.requests)
    assert int(served.headers["RateLimit-Remaining"]) == READ_QUOTA.requests - 1
    print(f"\nquota: {len(answers) - 1} reads admitted of a {QUOTAS['read']} budget, then 429")


def test_the_two_replicas_of_a_service_share_one_budget(platform, stock_finder):
    """Sent alternately straight to both catalog replicas (no gateway in between): what both
    admit together stays within one budget, the burst plus what refills while it runs."""
    caller = buyer(platform, new_hospital(platform))
    drug, _ = stock_finder(1, rx_only=False)
    urls = [f"{base}/api/catalog/drugs/{drug}/" for base in replica_urls("catalog")]
    sent, admitted = 0, Counter()
    started = time.monotonic()
    # Per-replica budgets would admit every one of these (each replica sees fewer than the
    # limit plus its refill); one shared budget admits the limit and its refill only.
    while sent < BURST_MAX_REQUESTS and time.monotonic() - started < BURST_MAX_SECONDS:
        answer = caller.session.get(urls[sent % 2], timeout=10)
        sent += 1
        assert answer.status_code in (200, 429), answer.text[:300]
        if answer.status_code == 200:
            admitted[sent % 2] += 1
    elapsed = time.monotonic() - started
    # GCRA: at most N at once, then one every P/N seconds of Redis' clock, which cannot have
    # advanced more than the elapsed time measured around the whole burst.
    allowed = READ_QUOTA.requests + math.floor(
        elapsed * READ_QUOTA.requests / READ_QUOTA.period_seconds
    )
    total = sum(admitted.values())
    print(
        f"\nshared budget: sent {sent} in {elapsed:.1f}s alternately to both replicas; "
        f"admitted {total} ({admitted[1]} + {admitted[0]}), limit {READ_QUOTA.requests} "
        f"+ refill {allowed - READ_QUOTA.requests} = {allowed}"
    )
    assert sent > allowed, "the burst must outrun the budget for the test to mean anything"
    assert admitted[0] > 0 and admitted[1] > 0, "both replicas served"
    assert READ_QUOTA.requests <= total <= allowed


# -- Breaker in front of pricing ------------------------------------------------------------

# Enough answers for a 99th percentile that is not simply the slowest one; spread over people
# so that none of them runs out of their write budget (120/60).
FAST_FAIL_SAMPLES = 200
FAST_FAIL_BUYERS = 4
FAST_FAIL_P99_MS = 50


def readiness(name: str) -> list[dict]:
    return [requests.get(f"{base}/readyz", timeout=5).json() for base in replica_urls(name)]


def breaker_transitions(name: str, upstream: str) -> Counter:
    """``pharma_breaker_transitions_total{upstream, to}`` summed over the service's replicas."""
    counted: Counter = Counter()
    for base in replica_urls(name):
        for line in requests.get(f"{base}/metrics", timeout=5).text.splitlines():
            if line.startswith("pharma_breaker_transitions_total{") and (
                f'upstream="{upstream}"' in line
            ):
                to = line.split('to="')[1].split('"')[0]
                counted[to] += float(line.rsplit(" ", 1)[1])
    return counted


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def place_until_live(api: Api, drug: int, seconds: float) -> requests.Response:
    """Orders until one is priced live again (each refusal or cached price means the breaker
    is not closed yet); the one priced live."""
    deadline = time.monotonic() + seconds
    while True:
        answer = api.post(ORDERS, order_body(drug))
        if answer.status_code == 201 and answer.json()["price_source"] == "live":
            return answer
        assert time.monotonic() < deadline, f"not priced live within {seconds}s: {answer.text}"
        time.sleep(1)


def test_pricing_down_opens_the_breaker_fails_fast_and_closes_when_pricing_is_back(
    platform, stock_finder
):
    hospital = new_hospital(platform)
    quoted_buyer = buyer(platform, hospital)
    fast_fail_buyers = [buyer(platform, hospital) for _ in range(FAST_FAIL_BUYERS)]
    fast_fail_buyer = fast_fail_buyers[0]
    quoted, _ = stock_finder(rx_only=False)
    never_quoted, before = stock_finder(rx_only=False)
    assert all(r["breakers"] == {} for r in readiness("orders")), "the breaker starts closed"
    live = quoted_buyer.post(ORDERS, order_body(quoted))
    assert (live.status_code, live.json()["price_source"]) == (201, "live")
    transitions_before = breaker_transitions("orders", "pricing")
    try:
        with ServiceOutage("pricing"):
            # Refusals until the breaker has seen FAIL_MAX failures in a row and opened.
            opening = []
            while not all(r["breakers"].get("pricing") == "open" for r in readiness("orders")):
                assert len(opening) < FAIL_MAX + 3, f"still closed after {len(opening)} failures"
                opening.append(fast_fail_buyer.post(ORDERS, order_body(never_quoted)))
            assert len(opening) >= FAIL_MAX
            latencies, answers = [], []
            for n in range(FAST_FAIL_SAMPLES):
                api = fast_fail_buyers[n % FAST_FAIL_BUYERS]
                started = time.perf_counter()
                answers.append(api.post(ORDERS, order_body(never_quoted)))
                latencies.append((time.perf_counter() - started) * 1000)
            cached = quoted_buyer.post(ORDERS, order_body(quoted))
            degraded = readiness("orders")
        for answer in opening + answers:
            assert (answer.status_code, answer.json()["code"]) == (503, "upstream_unavailable")
            assert answer.headers["Retry-After"]
        p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
        print(
            f"\nbreaker: opened after {len(opening)} failed placements; {len(latencies)} "
            f"refusals while open: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(latencies):.1f} ms"
        )
        assert p99 < FAST_FAIL_P99_MS
        assert (cached.status_code, cached.json()["price_source"]) == (201, "cached"), cached.text
        for ready in degraded:
            assert ready["status"] == "degraded"
            assert ready["breakers"] == {"pricing": "open"}
        assert (
            fast_fail_buyer.get(f"/api/catalog/drugs/{never_quoted}/availability/").json()[
                "available"
            ]
            == before
        ), "refused orders hold no stock"
        # Pricing is back: after the reset timeout one trial call half-opens the breaker and,
        # answered, closes it; the order it prices is priced live.
        again = place_until_live(quoted_buyer, quoted, RESET_TIMEOUT_SECONDS + 20)
        assert again.json()["lines"][0]["unit_price"] == live.json()["lines"][0]["unit_price"]
        transitions = breaker_transitions("orders", "pricing") - transitions_before
        assert transitions["open"] >= 1
        assert transitions["half-open"] >= 1
        assert transitions["closed"] >= 1
        assert all(r == {**r, "status": "ok", "breakers": {}} for r in readiness("orders"))
    finally:  # the breaker's state is shared (Redis) by every later test: leave it closed
        place_until_live(quoted_buyer, quoted, RESET_TIMEOUT_SECONDS + 20)


# -- Replicas SIGKILLed under load ----------------------------------------------------------

LOAD_SECONDS = 36
KILL_AT_SECONDS = 6
READ_PAUSE_SECONDS = 0.08  # per reader: ~10 reads/s, within one person's read budget
PLACE_PAUSE_SECONDS = 0.5  # per placer: ~1.5 orders/s, within one person's write budget
READ_ATTEMPTS = 6
PLACE_ATTEMPTS = 40
RETRY_PAUSE_SECONDS = 0.3
RECOVERY_SECONDS = 60
PLACEMENT_UNDER_WAY_SECONDS = 0.025
# What a client retries with the same request and key: the gateway's "no replica answered"
# (502, 503), a dropped connection, and the first request still being processed.
RETRIED_STATUSES = {502, 503, 504}


@dataclass
class Load:
    reads: int = 0
    reads_failed: list = field(default_factory=list)
    read_retries: int = 0
    placements: int = 0
    place_retries: int = 0
    created: dict = field(default_factory=dict)  # Idempotency-Key -> (Api, body, 201 body)
    unsettled: dict = field(default_factory=dict)  # key -> (Api, body, last answer)
    refused: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _send(send) -> requests.Response | None:
    try:
        return send()
    except (requests.ConnectionError, requests.Timeout):
        return None


def _read(api: Api, path: str, load: Load) -> None:
    retries = 0
    while (answer := _send(lambda: api.get(path))) is None or (
        answer.status_code in RETRIED_STATUSES
    ):
        if retries == READ_ATTEMPTS - 1:
            break
        retries += 1
        time.sleep(RETRY_PAUSE_SECONDS)
    with load.lock:
        load.reads += 1
        load.read_retries += retries
        if answer is None or answer.status_code != 200:
            load.reads_failed.append((path, None if answer is None else answer.status_code))


def _unsettled(answer: requests.Response | None) -> bool:
    """No answer yet that a client can act on: retry the same request with the same key."""
    if answer is None or answer.status_code in RETRIED_STATUSES:
        return True
    return answer.status_code == 409 and answer.json().get("code") == "idempotency_key_in_progress"


def _place(api: Api, key: str, body: dict, load: Load, give_up_at: float) -> None:
    """Place an order as a careful client does: the same request with the same key until it
    gets an answer to act on (bounded), counted in ``load``."""
    retries = 0
    while _unsettled(answer := _send(lambda: api.post(ORDERS, body, key=key))):
        if retries == PLACE_ATTEMPTS - 1 or time.monotonic() > give_up_at:
            break
        retries += 1
        time.sleep(RETRY_PAUSE_SECONDS)
    with load.lock:
        load.placements += 1
        load.place_retries += retries
        load.unsettled.pop(key, None)
        if answer is not None and answer.status_code == 201:
            load.created[key] = (api, body, answer.json())
        elif _unsettled(answer):
            load.unsettled[key] = (api, body, answer)
        else:
            load.refused.append(answer.text[:300])


def busy_sessions(backend: str, server: str) -> int:
    """Requests HAProxy has in flight on one replica (``scur`` in its stats)."""
    stats = requests.get(f"http://127.0.0.1:{E2E.stats_port}/stats;csv", timeout=2).text
    for row in stats.splitlines()[1:]:
        cols = row.split(",")
        if cols[0] == f"be_{backend}" and cols[1] == server:
            return int(cols[4] or 0)
    return 0


def _recorded_pids() -> dict[str, int]:
    recorded = json.loads((E2E.run_dir / "pids.json").read_text())
    return {child["name"]: child["pid"] for child in recorded["children"]}


def every_order(api: Api) -> list[dict]:
    """Every order the person's organization placed, page after page."""
    found, url = [], api.platform.url(f"{ORDERS}?page_size=100")
    while url:
        page = api.session.get(url, timeout=30)
        assert page.status_code == 200, page.text[:300]
        found += page.json()["results"]
        url = page.json()["next"]
    return found


def _reconcile_now() -> None:
    """What the runner's minute job does, with no grace for orders pending: the load has
    stopped, so a pending order is one a killed replica left half-placed."""
    orders = service("orders")
    infra = resolve(E2E.run_dir)
    env = {**service_env(orders, infra, E2E), "ORDERS_PENDING_TIMEOUT_SECONDS": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "reconcile"],
        cwd=ROOT / orders.project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_one_replica_of_every_service_killed_under_load_loses_and_duplicates_nothing(
    platform, stock_finder
):
    hospital = new_hospital(platform)
    readers = [buyer(platform, hospital) for _ in range(2)]
    placers = [buyer(platform, hospital) for _ in range(2)]
    drug_stock = [stock_finder(200, rx_only=False) for _ in placers]
    load = Load()
    started = time.monotonic()
    stop_at = started + LOAD_SECONDS

    def read_loop(api: Api) -> None:
        paths = [
            f"/api/catalog/drugs/{drug_stock[0][0]}/availability/",
            f"/api/catalog/drugs/{drug_stock[1][0]}/",
            f"{ORDERS}?page_size=5",
            "/api/auth/me/",
            "/api/pricing/contracts/",
        ]
        n = 0
        while time.monotonic() < stop_at:
            _read(api, paths[n % len(paths)], load)
            n += 1
            time.sleep(READ_PAUSE_SECONDS)

    def place_loop(api: Api, drug: int) -> None:
        while time.monotonic() < stop_at:
            _place(api, f"edge-{uuid.uuid4()}", order_body(drug), load, stop_at + 20)
            time.sleep(PLACE_PAUSE_SECONDS)

    haproxy_log = E2E.run_dir / "logs" / "haproxy.log"
    log_start = haproxy_log.stat().st_size
    threads = [threading.Thread(target=read_loop, args=(api,)) for api in readers] + [
        threading.Thread(target=place_loop, args=(api, drug))
        for api, (drug, _) in zip(placers, drug_stock, strict=True)
    ]
    for thread in threads:
        thread.start()
    time.sleep(KILL_AT_SECONDS)
    # Kill while orders' replica 1 is in the middle of a long request, a placement most likely
    # (reads there take a few ms, placements tens): the moment where a saga is cut short.
    busy_deadline = time.monotonic() + 10
    while time.monotonic() < busy_deadline:
        if busy_sessions("orders", "orders1"):
            time.sleep(PLACEMENT_UNDER_WAY_SECONDS)
            if busy_sessions("orders", "orders1"):
                break
        time.sleep(0.005)
    before = _recorded_pids()
    killed = {svc.name: before[f"{svc.name}-1"] for svc in SERVICES}
    for pid in killed.values():
        os.killpg(pid, signal.SIGKILL)  # the gunicorn master and its workers
    killed_at = time.monotonic() - started
    for thread in threads:
        thread.join(timeout=LOAD_SECONDS + 60)
    assert not any(thread.is_alive() for thread in threads)

    # The runner started each again (new pids, recorded for `down`); HAProxy has them UP.
    deadline = time.monotonic() + RECOVERY_SECONDS
    while True:
        pids, states = _recorded_pids(), gateway_server_states(E2E)
        back = all(pids[f"{name}-1"] != pid for name, pid in killed.items())
        if back and states and set(states.values()) == {"UP"}:
            break
        assert time.monotonic() < deadline, (pids, states)
        time.sleep(1)
    recovered_at = time.monotonic() - started
    with open(haproxy_log, "rb") as log:
        log.seek(log_start)
        logged = log.read().decode(errors="replace").splitlines()
    # httplog: ".../retries" just before the queues ("+" when sent to another replica).
    gateway_retried = sum(1 for line in logged if re.search(r"/\+?[1-9]\d* \d+/\d+ \"", line))

    # An order whose orders replica was killed mid-placement stays pending, and its key "in
    # progress", until reconcile settles it (the runner's minute job, once it is older than
    # ORDERS_PENDING_TIMEOUT_SECONDS): run it now, with no grace, the load having stopped.
    # Reconcile rejects it, undoes what it held and frees its key: the retry places it anew.
    stuck = dict(load.unsettled)
    _reconcile_now()
    for key, (api, body, _) in stuck.items():
        _place(api, key, body, load, time.monotonic() + 30)

    viewer = placers[0]
    listed = every_order(viewer)
    confirmed = [o for o in listed if o["status"] == "confirmed"]
    created_ids = [body["id"] for _, _, body in load.created.values()]
    lost = [i for i in created_ids if i not in {o["id"] for o in confirmed}]
    duplicated = len(confirmed) - len({o["number"] for o in confirmed})
    confirmed_without_201 = [o["number"] for o in confirmed if o["id"] not in created_ids]
    replays = {}
    for key, (api, body, first) in load.created.items():
        again = api.post(ORDERS, body, key=key)
        replays[key] = (again.status_code, again.json().get("id"), first["id"])
    print(
        f"\nkill test: SIGKILLed {sorted(killed)} replica 1 at {killed_at:.1f}s, all UP again "
        f"at {recovered_at:.1f}s; {load.reads + load.placements} requests "
        f"({load.reads} reads, {load.placements} placements); reads failed "
        f"{len(load.reads_failed)}; orders placed (201) {len(load.created)}, lost {len(lost)}, "
        f"duplicated {duplicated}, confirmed without a 201 {len(confirmed_without_201)}; "
        f"retries {load.read_retries} reads + {load.place_retries} placements; refused "
        f"{len(load.refused)}; keys settled by reconcile {len(stuck)}, still unsettled "
        f"{len(load.unsettled)}; "
        f"HAProxy retried {gateway_retried} requests"
    )
    assert load.reads_failed == []
    assert load.refused == []
    assert lost == []
    assert duplicated == 0
    assert confirmed_without_201 == []
    for order in confirmed:
        if order["id"] in created_ids:
            detail = viewer.get(f"{ORDERS}{order['id']}/").json()
            assert detail["number"] == order["number"]
            line = detail["lines"][0]
            assert sum(a["quantity"] for a in line["allocations"]) == line["quantity"] == 1
    for key, (status, replayed_id, first_id) in replays.items():
        assert (status, replayed_id) == (201, first_id), key
    assert load.unsettled == {}
