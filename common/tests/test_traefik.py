"""The committed Traefik config is what the registry renders, and holds together.

Traefik cannot be installed here, so nothing runs it: the files are checked against the
project's own JSON Schemas of the options it uses (traefik/schema/), and the references the
schemas cannot see (a router's middlewares, service and entrypoints) are checked below.
"""

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from common.registry import SERVICES
from common.traefik import (
    dynamic_config,
    render_traefik_dynamic,
    render_traefik_static,
    static_config,
)

ROOT = Path(__file__).resolve().parents[2]
TRAEFIK = ROOT / "traefik"
FILES = {
    "static": (TRAEFIK / "traefik.yml", render_traefik_static, static_config),
    "dynamic": (TRAEFIK / "dynamic.yml", render_traefik_dynamic, dynamic_config),
}


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((TRAEFIK / "schema" / f"{kind}.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def _committed(kind: str) -> dict:
    return yaml.safe_load(FILES[kind][0].read_text())


def _schema_errors(kind: str, document: dict) -> list[jsonschema.ValidationError]:
    return list(_validator(kind).iter_errors(document))


def cross_reference_problems(static: dict, dynamic: dict) -> list[str]:
    """What the schemas cannot see: names that must resolve, prefixes that must be routed."""
    problems = []
    entrypoints = set(static["entryPoints"])
    internal = {static["metrics"]["prometheus"]["entryPoint"], static["ping"]["entryPoint"]}
    for name in sorted(internal - entrypoints):
        problems.append(f"metrics or ping on undefined entrypoint {name!r}")
    http = dynamic["http"]
    middlewares, services = http.get("middlewares", {}), http["services"]
    used_middlewares, used_services = set(), set()
    for router_name, router in http["routers"].items():
        for entrypoint in router["entryPoints"]:
            if entrypoint not in entrypoints:
                problems.append(f"router {router_name!r}: undefined entrypoint {entrypoint!r}")
            elif entrypoint in internal:
                problems.append(f"router {router_name!r}: routed on internal {entrypoint!r}")
        for middleware in router.get("middlewares", []):
            used_middlewares.add(middleware)
            if middleware not in middlewares:
                problems.append(f"router {router_name!r}: undefined middleware {middleware!r}")
        used_services.add(router["service"])
        if router["service"] not in services:
            problems.append(f"router {router_name!r}: undefined service {router['service']!r}")
    problems += [
        f"middleware {name!r} used by no router" for name in middlewares.keys() - used_middlewares
    ]
    problems += [f"service {name!r} used by no router" for name in services.keys() - used_services]
    for svc in SERVICES:
        routed = {
            prefix
            for router in http["routers"].values()
            if router["service"] == svc.name
            for prefix in re.findall(r"PathPrefix\(`([^`]*)`\)", router["rule"])
        }
        for prefix in svc.prefixes:
            if prefix not in routed:
                problems.append(f"{prefix} is not routed to service {svc.name!r}")
    if not static["providers"]["file"]["filename"].endswith("/dynamic.yml"):
        problems.append("the file provider does not read dynamic.yml")
    return problems


@pytest.mark.parametrize("kind", FILES)
def test_committed_traefik_config_matches_the_registry(kind):
    path, render, _ = FILES[kind]
    assert path.read_text() == render(), (
        f"{path.relative_to(ROOT)} drifted from the registry:"
        " run `python3 manage_all.py render-config`"
    )


@pytest.mark.parametrize("kind", FILES)
def test_the_rendered_yaml_reads_back_as_the_config_it_was_rendered_from(kind):
    _, render, data = FILES[kind]
    assert yaml.safe_load(render()) == data()


@pytest.mark.parametrize("kind", FILES)
def test_the_committed_config_satisfies_the_projects_schema(kind):
    jsonschema.Draft202012Validator.check_schema(_validator(kind).schema)
    assert [error.message for error in _schema_errors(kind, _committed(kind))] == []


def test_every_name_a_router_uses_exists_and_every_prefix_is_routed():
    assert cross_reference_problems(_committed("static"), _committed("dynamic")) == []


def test_each_service_is_routed_to_its_container_replicas_with_health_checks():
    http = _committed("dynamic")["http"]
    for svc in SERVICES:
        balancer = http["services"][svc.name]["loadBalancer"]
        assert [server["url"] for server in balancer["servers"]] == svc.container_urls()
        assert balancer["healthCheck"]["path"] == "/healthz"


def test_client_errors_and_fail_fast_503s_never_open_the_breaker():
    expression = _committed("dynamic")["http"]["middlewares"]["circuit-breaker"]["circuitBreaker"][
        "expression"
    ]
    ratios = re.findall(r"ResponseCodeRatio\((\d+), (\d+), (\d+), (\d+)\)", expression)
    assert ratios
    for counted_from, counted_to, of_from, of_to in (map(int, r) for r in ratios):
        assert counted_from >= 500 and counted_to <= 503  # [from, to): 500-502 only
        assert (of_from, of_to) == (0, 600)  # as a share of every answer


def test_the_rate_limit_is_shared_in_redis_and_keyed_on_the_address_haproxy_saw():
    static, dynamic = _committed("static"), _committed("dynamic")
    rate_limit = dynamic["http"]["middlewares"]["rate-limit"]["rateLimit"]
    assert rate_limit["redis"]["endpoints"]
    assert rate_limit["sourceCriterion"] == {"ipStrategy": {"depth": 1}}
    # Traefik drops X-Forwarded-For from peers it does not trust, so the web entrypoint
    # must trust HAProxy's network for depth 1 to mean anything.
    for router in dynamic["http"]["routers"].values():
        assert router["middlewares"][0] == "rate-limit"
        for entrypoint in router["entryPoints"]:
            assert static["entryPoints"][entrypoint]["forwardedHeaders"]["trustedIPs"]


def _with(document: dict, path: tuple, value=None, rename: str | None = None) -> dict:
    """A deep copy of ``document`` with the key at ``path`` set to ``value`` or renamed."""
    changed = copy.deepcopy(document)
    *parents, key = path
    node = changed
    for parent in parents:
        node = node[parent]
    if rename is not None:
        node[rename] = node.pop(key)
    else:
        node[key] = value
    return changed


MISSPELT_KEYS = [
    ("static", ("entryPoints", "web", "forwardedHeaders"), "forwardHeaders"),
    ("static", ("accessLog", "format"), "fromat"),
    ("static", ("metrics", "prometheus", "addRoutersLabels"), "addRouterLabels"),
    ("dynamic", ("http", "middlewares", "rate-limit", "rateLimit", "average"), "avrage"),
    ("dynamic", ("http", "middlewares", "rate-limit", "rateLimit", "redis", "db"), "database"),
    ("dynamic", ("http", "middlewares", "retry", "retry"), "retries"),
    ("dynamic", ("http", "services", "auth", "loadBalancer", "healthCheck"), "healthcheck"),
    ("dynamic", ("http", "routers", "orders", "middlewares"), "middleware"),
]


@pytest.mark.parametrize(("kind", "path", "misspelt"), MISSPELT_KEYS)
def test_a_misspelt_key_is_rejected(kind, path, misspelt):
    errors = _schema_errors(kind, _with(_committed(kind), path, rename=misspelt))
    assert errors
    assert any(misspelt in error.message for error in errors), [e.message for e in errors]


WRONG_TYPES = [
    ("static", ("global", "checkNewVersion"), "false"),
    ("static", ("entryPoints", "web", "address"), 80),
    ("static", ("log", "level"), "LOUD"),
    ("dynamic", ("http", "middlewares", "retry", "retry", "attempts"), "3"),
    ("dynamic", ("http", "middlewares", "rate-limit", "rateLimit", "burst"), 2.5),
    ("dynamic", ("http", "middlewares", "rate-limit", "rateLimit", "period"), 1),
    ("dynamic", ("http", "middlewares", "circuit-breaker", "circuitBreaker", "expression"), "5xx"),
    ("dynamic", ("http", "routers", "rx", "rule"), "PathPrefix(`/api/rx/`, `/admin/rx/`)"),
    ("dynamic", ("http", "routers", "rx", "entryPoints"), "web"),
    ("dynamic", ("http", "services", "rx", "loadBalancer", "servers"), [{"url": "rx-1:8000"}]),
]


@pytest.mark.parametrize(("kind", "path", "value"), WRONG_TYPES)
def test_a_value_of_the_wrong_type_or_form_is_rejected(kind, path, value):
    errors = _schema_errors(kind, _with(_committed(kind), path, value))
    assert errors
    assert all(list(error.absolute_path)[: len(path)] == list(path) for error in errors)


def test_a_second_type_in_one_middleware_is_rejected():
    dynamic = _committed("dynamic")
    retry = dynamic["http"]["middlewares"]["retry"]["retry"]
    changed = _with(dynamic, ("http", "middlewares", "rate-limit", "retry"), retry)
    assert _schema_errors("dynamic", changed)


DANGLING = [
    (("http", "routers", "catalog", "middlewares"), ["rate-limit", "ratelimit"], "'ratelimit'"),
    (("http", "routers", "catalog", "service"), "catalogue", "'catalogue'"),
    (("http", "routers", "catalog", "entryPoints"), ["websecure"], "'websecure'"),
    (("http", "routers", "catalog", "entryPoints"), ["metrics"], "internal 'metrics'"),
    (("http", "routers", "catalog", "rule"), "PathPrefix(`/api/catalog/`)", "/admin/catalog/"),
]


@pytest.mark.parametrize(("path", "value", "named"), DANGLING)
def test_a_dangling_name_or_an_unrouted_prefix_is_reported(path, value, named):
    dynamic = _with(_committed("dynamic"), path, value)
    assert _schema_errors("dynamic", dynamic) == []  # the schema alone lets these through
    problems = cross_reference_problems(_committed("static"), dynamic)
    assert any(named in problem for problem in problems), problems
