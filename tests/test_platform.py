"""Each of the five services boots, migrates and serves its admin, OpenAPI schema, Swagger UI
and probes, through HAProxy."""

import re

import pytest

from common.registry import SERVICES

NAMES = [svc.name for svc in SERVICES]


@pytest.mark.parametrize("name", NAMES)
def test_openapi_schema_is_served(platform, http, name):
    response = http.get(platform.url(f"/api/{name}/schema/"), params={"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == f"PharmaConnect {name} API"


@pytest.mark.parametrize("name", NAMES)
def test_swagger_ui_and_its_assets_are_served(platform, http, name):
    page = http.get(platform.url(f"/api/{name}/docs/"))
    assert page.status_code == 200
    assert "swagger-ui" in page.text
    for asset in re.findall(r'src="(/static/[^"]+)"', page.text):
        assert http.get(platform.url(asset)).status_code == 200, asset


@pytest.mark.parametrize("name", NAMES)
def test_admin_pages_and_their_assets_are_served(platform, admin_session, name):
    page = admin_session.get(platform.url(f"/admin/{name}/"))
    assert page.status_code == 200
    assert f"PharmaConnect — {name}" in page.text
    stylesheet = re.search(r'href="(/static/[^"]+base\.css)"', page.text).group(1)
    assert admin_session.get(platform.url(stylesheet)).status_code == 200


def test_haproxy_health_checks_every_replica_up(platform):
    from runner.platform import gateway_server_states
    from runner.profiles import PROFILES

    states = gateway_server_states(PROFILES["e2e"])
    expected = {f"{svc.name}/{svc.name}{i + 1}" for svc in SERVICES for i in range(2)}
    assert set(states) == expected
    # "UP" or "UP 1/3" (up, with a check failing since the last pass), never DOWN or MAINT
    assert all(state.startswith("UP") for state in states.values()), states


@pytest.mark.parametrize("name", NAMES)
def test_every_replica_answers_its_probes(http, platform, name):
    from runner.profiles import PROFILES

    from common.registry import service

    for port in service(name).ports(PROFILES["e2e"].port_offset):
        assert http.get(f"http://127.0.0.1:{port}/healthz").json() == {"status": "ok"}
        ready = http.get(f"http://127.0.0.1:{port}/readyz")
        assert ready.status_code == 200, ready.text
        assert "django_http_requests" in http.get(f"http://127.0.0.1:{port}/metrics").text


@pytest.mark.parametrize("path", ["/metrics", "/healthz", "/readyz", "/", "/api/nothing/"])
def test_internal_and_unknown_paths_are_not_routed(platform, http, path):
    response = http.get(platform.url(path))
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_request_ids_are_propagated_or_created_at_the_gateway(platform, http):
    mine = http.get(platform.url("/api/catalog/schema/"), headers={"X-Request-ID": "e2e-1"})
    assert mine.headers["X-Request-ID"] == "e2e-1"
    assert int(mine.headers["RateLimit-Remaining"]) < int(mine.headers["RateLimit-Limit"])
    generated = http.get(platform.url("/api/catalog/schema/")).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f-]{36}", generated)  # HAProxy's uuid()


def test_both_replicas_serve_traffic(platform, http):
    """Round-robin: twenty requests reach both catalog replicas (their logs show them)."""
    from runner.profiles import PROFILES

    logs = PROFILES["e2e"].run_dir / "logs"
    marker = "balance-check"
    for i in range(20):
        http.get(platform.url("/api/catalog/schema/"), headers={"X-Request-ID": f"{marker}-{i}"})
    seen = [marker in (logs / f"catalog-{n}.log").read_text() for n in (1, 2)]
    assert seen == [True, True]


def metric_total(text: str, name: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name))


def test_metrics_add_up_every_worker_of_a_replica(http, platform):
    """Multiprocess mode: a scrape counts the requests of all the replica's workers, not of
    whichever worker happens to answer it."""
    from runner.profiles import PROFILES

    from common.registry import service

    port = service("catalog").ports(PROFILES["e2e"].port_offset)[0]
    url, name = f"http://127.0.0.1:{port}", "django_http_requests_total_by_method_total"
    before = metric_total(http.get(f"{url}/metrics").text, name)
    for _ in range(40):
        assert http.get(f"{url}/api/catalog/schema/").status_code == 200
    after = metric_total(http.get(f"{url}/metrics").text, name)
    assert after - before >= 41  # the 40, and the first scrape
