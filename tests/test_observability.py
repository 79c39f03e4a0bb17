"""Prometheus, the real server, against the running platform: every replica is a target that is
up, an order placed through the gateway moves the orders-placed counter, and every metric the
dashboards and alert rules name is exported by a real scrape of the replicas."""

import os
import shutil
import subprocess
import time
import uuid

import pytest
import requests
from conftest import Api, ServiceOutage
from runner.profiles import PROFILES, ROOT

from common.demo.catalog import drugs
from common.observability.dashboards import DASHBOARDS, metric_names, prometheus_queries
from common.observability.prometheus import render_prometheus_native
from common.registry import SERVICES

PROFILE = PROFILES["e2e"]
PROMETHEUS_PORT = 9090 + PROFILE.port_offset
RULES = ROOT / "observability" / "prometheus" / "rules"
REPLICAS = {f"{svc.name}-{i + 1}" for svc in SERVICES for i in range(len(svc.ports()))}
# Series Prometheus itself writes for every target it scrapes.
SYNTHETIC = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
# Exported only while Redis is unreachable for the quotas; no test here takes Redis away.
FAULT_ONLY = {"pharma_quota_store_errors_total"}


@pytest.fixture(scope="module")
def prometheus(platform, tmp_path_factory):
    """The real Prometheus with the native config rendered for the e2e stack, scraping every
    second, and the project's alert rules loaded."""
    binary = shutil.which("prometheus", path=f"{os.environ.get('PATH', '')}:/usr/bin")
    assert binary, "prometheus is not installed (.ci/run installs Debian's package)"
    home = tmp_path_factory.mktemp("prometheus")
    shutil.copytree(RULES, home / "rules")
    config = home / "prometheus.yml"
    config.write_text(render_prometheus_native(PROFILE.port_offset, scrape_interval="1s"))
    url = f"http://127.0.0.1:{PROMETHEUS_PORT}"
    log = (home / "prometheus.log").open("w")
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={home / 'data'}",
            f"--web.listen-address=127.0.0.1:{PROMETHEUS_PORT}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not _ready(url):
            assert process.poll() is None, (home / "prometheus.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "Prometheus did not become ready"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _ready(url: str) -> bool:
    try:
        return requests.get(f"{url}/-/ready", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def query(prometheus: str, promql: str) -> list[dict]:
    answer = requests.get(f"{prometheus}/api/v1/query", params={"query": promql}, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["result"]


def scalar(prometheus: str, promql: str) -> float:
    result = query(prometheus, promql)
    return float(result[0]["value"][1]) if result else 0.0


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, what
        time.sleep(0.5)


def sellable_drug(api: Api, minimum: int = 20) -> int:
    """A demo drug anyone may buy (no schedule, no prescription) with stock to spare."""
    for drug in drugs():
        if drug.schedule or drug.rx_only or drug.cold_chain:
            continue
        availability = api.get(f"/api/catalog/drugs/{drug.id}/availability/").json()
        if availability["available"] >= minimum:
            return drug.id
    raise AssertionError("no demo drug with stock")


def place(api: Api, drug: int):
    return api.post("/api/orders/", {"lines": [{"drug": drug, "quantity": 1}]})


def test_every_replica_is_a_target_that_is_up(prometheus):
    def targets_up():
        answer = requests.get(f"{prometheus}/api/v1/targets", timeout=5).json()
        active = answer["data"]["activeTargets"]
        up = {t["labels"]["replica"] for t in active if t["health"] == "up"}
        return active if up == REPLICAS and len(active) == len(REPLICAS) else None

    active = wait_for(targets_up, 30, "not every replica became an up target")
    for target in active:
        replica = target["labels"]["replica"]
        assert target["labels"]["service"] == replica.rsplit("-", 1)[0]
    assert scalar(prometheus, "count(up == 1)") == len(REPLICAS)


def test_an_order_through_the_gateway_moves_orders_placed(platform, prometheus):
    buyer = Api(platform, "hospital_a")
    drug = sellable_drug(buyer)
    confirmed = 'sum(pharma_orders_placed_total{outcome="confirmed"})'
    wait_for(lambda: query(prometheus, "up{service='orders'} == 1"), 30, "orders not scraped")
    time.sleep(2)  # two scrapes, so the value before the order is the one stored
    before = scalar(prometheus, confirmed)
    response = place(buyer, drug)
    assert response.status_code == 201, response.text
    after = wait_for(
        lambda: (value := scalar(prometheus, confirmed)) >= before + 1 and value,
        20,
        f"pharma_orders_placed_total stayed at {before}",
    )
    assert after >= before + 1
    # Every scrape reached the counter of the replica that placed the order: by outcome and
    # price source, as the README's table says.
    labels = {r["metric"]["price_source"] for r in query(prometheus, confirmed.replace("sum", ""))}
    assert labels <= {"live", "cached"}


def _exercise_every_metric(platform) -> None:
    """Make the platform export what the dashboards read: sign-ins, an order, a quote, a
    quota refusal, a breaker that fails and opens (then closes again)."""
    buyer = Api(platform, "hospital_a")  # a sign-in
    drug = sellable_drug(buyer)
    assert place(buyer, drug).status_code == 201  # a quote, a reservation, an order

    # A person of our own, so that spending their upload budget troubles no other test.
    username = f"obs{uuid.uuid4().hex[:8]}"
    created = Api(platform, "admin").post(
        "/api/auth/users/",
        {
            "username": username,
            "email": f"{username}@example.test",
            "password": "observability-passphrase-2026",
            "role": "patient",
            "organization": None,
        },
    )
    assert created.status_code == 201, created.text
    patient = Api(platform, username, "observability-passphrase-2026")
    statuses = [
        patient.session.post(
            platform.url("/api/rx/prescriptions/"), data={}, timeout=30
        ).status_code
        for _ in range(25)
    ]
    assert 429 in statuses, statuses

    # Pricing out of the gateway: orders' breaker to it counts failures and opens.
    with ServiceOutage("pricing"):
        for _ in range(8):
            place(buyer, drug)
    deadline = time.monotonic() + 30  # a trial call is let through after 10 s
    while place(buyer, drug).json().get("price_source") != "live":
        assert time.monotonic() < deadline, "pricing did not come back"
        time.sleep(1)


def scraped_names() -> set[str]:
    """Every sample name on every replica's /metrics, as Prometheus reads them."""
    names = set()
    for svc in SERVICES:
        for port in svc.ports(PROFILE.port_offset):
            page = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
            assert page.status_code == 200
            for line in page.text.splitlines():
                if line and not line.startswith("#"):
                    names.add(line.split("{", 1)[0].split(" ", 1)[0])
    return names


def test_every_metric_the_dashboards_and_rules_name_is_exported(platform):
    import yaml

    _exercise_every_metric(platform)
    exported = scraped_names() | SYNTHETIC
    missing = {}
    for name, build in DASHBOARDS.items():
        for promql in prometheus_queries(build()):
            if unknown := metric_names(promql) - exported:
                missing[f"{name}: {promql}"] = sorted(unknown)
    rules = yaml.safe_load((RULES / "pharmaconnect.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            if unknown := metric_names(rule["expr"]) - exported - FAULT_ONLY:
                missing[f"alert {rule['alert']}"] = sorted(unknown)
    assert not missing, missing
    # What only a fault exports is still a metric the code declares.
    declared = "\n".join(p.read_text() for p in (ROOT / "common" / "src").rglob("*.py"))
    for name in FAULT_ONLY:
        assert f'"{name.removesuffix("_total")}"' in declared
