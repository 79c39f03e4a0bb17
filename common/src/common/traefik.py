"""Renders the Traefik configuration of the containerized deployments from the service registry.

In compose the path is client → HAProxy → two Traefiks → service replicas. HAProxy balances over
the Traefik instances; Traefik is the API gateway: it routes each service's path prefixes to its
replicas, health-checks them, limits request rates per client address with one budget shared by
every Traefik instance (in Redis), opens a breaker per service when its replicas fail, and retries
a request that never reached a replica. Natively there is no Traefik: HAProxy does all of it
(``common.gateway``).

Two files, written by ``manage_all.py render-config`` and checked for drift by a test:

- ``traefik/traefik.yml``, the static configuration: entrypoints ``web`` (the gateway) and
  ``metrics`` (Prometheus and ping, never published), the file provider, JSON logs and access
  logs. Mount ``traefik/`` at ``/etc/traefik``, where Traefik looks for ``traefik.yml``;
  ``traefik healthcheck --ping`` then works as the container's health check.
- ``traefik/dynamic.yml``, the file provider's routers, middlewares and services.

Conventions the compose file (and later the chart) must keep:

- Replicas are reached at ``registry.CONTAINER_PORT`` on the hosts ``<service>-<i>`` (``auth-1``,
  ``auth-2``): ``Service.container_urls``.
- Redis is the compose host ``redis:6379``, database ``RATE_LIMIT_REDIS_DB``. A fixed name
  rather than a templated one: the file stays plain YAML that the tests can check, and Redis in
  compose is the stack's own. The Helm chart runs Traefik as its ingress controller with
  Middleware resources of its own, where Redis' address comes from the chart's values.
- Only HAProxy reaches the ``web`` entrypoint: Traefik trusts forwarded headers from private
  networks (``TRUSTED_PROXY_NETWORKS``), and the rate limit keys on the last address HAProxy put
  in ``X-Forwarded-For``. Publishing Traefik's port to clients directly would let them choose
  their own budget.
- Health checks ask ``/healthz`` with ``Host: localhost``, a host the services' default
  ``ALLOWED_HOSTS`` accepts (Django answers 400 to a Host it does not allow, such as
  ``auth-1:8000``).

Request ids: Traefik cannot generate one (its headers middleware sets fixed values only).
HAProxy stamps ``X-Request-ID`` on requests that come without one and the services keep or
create it; Traefik passes the header on untouched and writes it into its access log.

Traefik has no package on the registries these machines reach, so it is never run here: the
tests check the rendered files against ``traefik/schema/*.schema.json``, written from Traefik's
reference for exactly the options used below.
"""

import json
import re

from common.registry import SERVICES

# Every key below was checked against Traefik's source at this tag. Open-source Traefik has
# the rateLimit middleware's ``redis`` option since v3.4.
TRAEFIK_IMAGE = "traefik:v3.7.9"

WEB_ENTRYPOINT = "web"
WEB_PORT = 80
METRICS_ENTRYPOINT = "metrics"
METRICS_PORT = 8082
DYNAMIC_CONFIG_PATH = "/etc/traefik/dynamic.yml"
# Docker's address pools (and any cluster's pod network) lie in these; only HAProxy reaches
# Traefik there.
TRUSTED_PROXY_NETWORKS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")

RATE_LIMIT_REDIS = "redis:6379"
# A database of its own: Traefik's buckets are keys ``rate:<middleware>:<address>``, kept apart
# from the services' breakers, caches and quotas.
RATE_LIMIT_REDIS_DB = 3
# Per client address, across every service and every Traefik instance: 100 requests/s on
# average with bursts of 200. A hospital's staff behind one NAT address stays far below it; a
# script looping on one address does not (HAProxy's shield in front is 500/s, the per-client
# quotas inside the services are finer still).
RATE_LIMIT_AVERAGE = 100
RATE_LIMIT_PERIOD = "1s"
RATE_LIMIT_BURST = 200

# The breaker opens when more than half of a service's answers in the last 10 s were network
# errors (Traefik counts 502 and 504 as such) or 500-502. Client errors (4xx) never count. Nor
# does 503: it is the services' own fail-fast answer (an upstream is down, Retry-After given);
# it is fast already, and opening the breaker on it would also cut endpoints that still work.
BREAKER_EXPRESSION = "NetworkErrorRatio() > 0.50 || ResponseCodeRatio(500, 503, 0, 600) > 0.50"

MIDDLEWARE_RATE_LIMIT = "rate-limit"
MIDDLEWARE_BREAKER = "circuit-breaker"
MIDDLEWARE_RETRY = "retry"
# Order matters: the breaker sees only what happens after it, so the rate limit's 429s (and its
# 500s when Redis is down) never count against a service, and a request the retry saved is a
# success.
ROUTER_MIDDLEWARES = (MIDDLEWARE_RATE_LIMIT, MIDDLEWARE_BREAKER, MIDDLEWARE_RETRY)

_HEADER = (
    "# Rendered by `manage_all.py render-config` from the service registry"
    " (common/src/common/traefik.py). Do not edit.\n"
    f"# For {TRAEFIK_IMAGE}.\n"
)


def static_config() -> dict:
    """Traefik's static configuration (``traefik/traefik.yml``) as data."""
    return {
        "global": {"checkNewVersion": False, "sendAnonymousUsage": False},
        "entryPoints": {
            WEB_ENTRYPOINT: {
                "address": f":{WEB_PORT}",
                "forwardedHeaders": {"trustedIPs": list(TRUSTED_PROXY_NETWORKS)},
            },
            METRICS_ENTRYPOINT: {"address": f":{METRICS_PORT}"},
        },
        "providers": {"file": {"filename": DYNAMIC_CONFIG_PATH}},
        "log": {"level": "INFO", "format": "json"},
        "accessLog": {
            "format": "json",
            "fields": {"headers": {"defaultMode": "drop", "names": {"X-Request-Id": "keep"}}},
        },
        "metrics": {
            "prometheus": {
                "entryPoint": METRICS_ENTRYPOINT,
                "addEntryPointsLabels": True,
                "addRoutersLabels": True,
                "addServicesLabels": True,
                "buckets": [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0],
            }
        },
        "ping": {"entryPoint": METRICS_ENTRYPOINT},
    }


def _rule(prefixes: tuple[str, ...]) -> str:
    # Traefik v3's PathPrefix takes one path; several are joined with ||.
    return " || ".join(f"PathPrefix(`{prefix}`)" for prefix in prefixes)


def dynamic_config() -> dict:
    """The file provider's configuration (``traefik/dynamic.yml``) as data."""
    routers = {
        svc.name: {
            "entryPoints": [WEB_ENTRYPOINT],
            "rule": _rule(svc.prefixes),
            "middlewares": list(ROUTER_MIDDLEWARES),
            "service": svc.name,
        }
        for svc in SERVICES
    }
    middlewares = {
        MIDDLEWARE_RATE_LIMIT: {
            "rateLimit": {
                "average": RATE_LIMIT_AVERAGE,
                "period": RATE_LIMIT_PERIOD,
                "burst": RATE_LIMIT_BURST,
                "sourceCriterion": {"ipStrategy": {"depth": 1}},
                "redis": {
                    "endpoints": [RATE_LIMIT_REDIS],
                    "db": RATE_LIMIT_REDIS_DB,
                    "dialTimeout": "1s",
                    "readTimeout": "500ms",
                    "writeTimeout": "500ms",
                },
            }
        },
        MIDDLEWARE_BREAKER: {
            "circuitBreaker": {
                "expression": BREAKER_EXPRESSION,
                "checkPeriod": "100ms",
                "fallbackDuration": "10s",
                "recoveryDuration": "10s",
                "responseCode": 503,
            }
        },
        MIDDLEWARE_RETRY: {"retry": {"attempts": 3, "initialInterval": "50ms"}},
    }
    services = {
        svc.name: {
            "loadBalancer": {
                "servers": [{"url": url} for url in svc.container_urls()],
                "healthCheck": {
                    "path": "/healthz",
                    "hostname": "localhost",
                    "status": 200,
                    "interval": "5s",
                    "timeout": "3s",
                },
            }
        }
        for svc in SERVICES
    }
    return {"http": {"routers": routers, "middlewares": middlewares, "services": services}}


# Comments written above a key, by the key's path in the document.
_STATIC_COMMENTS = {
    ("entryPoints", WEB_ENTRYPOINT, "forwardedHeaders"): [
        "HAProxy (option forwardfor) is the only client; without trusting it Traefik would drop",
        "its X-Forwarded-For and every client would share one rate-limit bucket.",
    ],
    ("entryPoints", METRICS_ENTRYPOINT): [
        "Prometheus scrapes /metrics and the container health check asks /ping here; never",
        "published. The API and dashboard are off: there is no `api` section.",
    ],
    ("accessLog",): [
        "One JSON line per request on stdout, with the request id and no other header.",
    ],
}

_DYNAMIC_COMMENTS = {
    ("http", "routers"): [
        "One router per service, for its /api/, /admin/ and /static/ prefixes; /healthz,",
        "/readyz and /metrics are per replica and never routed.",
    ],
    ("http", "middlewares", MIDDLEWARE_RATE_LIMIT): [
        "One token bucket per client address, in Redis so that every Traefik instance draws on",
        "the same budget. depth 1: the address HAProxy appended to X-Forwarded-For (what the",
        "client sent itself stands further left). If Redis is unreachable Traefik answers 500.",
    ],
    ("http", "middlewares", MIDDLEWARE_BREAKER): [
        "Opens on network errors (502/504) or 500-502, never on 4xx nor on the services' own",
        "fail-fast 503. One breaker per router, i.e. per service, per Traefik instance.",
    ],
    ("http", "middlewares", MIDDLEWARE_RETRY): [
        "Traefik retries only when no byte of the request reached a replica (connection",
        "refused or broken before sending), through the load balancer again (the next replica",
        "in turn). Once a replica has the request, its answer, even an error, or its failure",
        "is final: a POST is never sent twice.",
    ],
    ("http", "services"): [
        "A replica is out of rotation while /healthz fails and back at its next success.",
    ],
}

_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./:-]*")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value)  # a JSON string is a valid double-quoted YAML scalar


def _emit(mapping: dict, depth: int, path: tuple, comments: dict) -> list[str]:
    pad = "  " * depth
    lines = []
    for key, value in mapping.items():
        lines += [f"{pad}# {line}" for line in comments.get((*path, key), ())]
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += _emit(value, depth + 1, (*path, key), comments)
        elif isinstance(value, list):
            lines.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    first, *rest = _emit(item, depth + 2, (), {})
                    lines += [f"{pad}  - {first.lstrip()}", *rest]
                else:
                    lines.append(f"{pad}  - {_scalar(item)}")
        else:
            lines.append(f"{pad}{key}: {_scalar(value)}")
    return lines


def _render(document: dict, comments: dict) -> str:
    return _HEADER + "\n".join(_emit(document, 0, (), comments)) + "\n"


def render_traefik_static() -> str:
    """``traefik/traefik.yml``: Traefik's static configuration."""
    return _render(static_config(), _STATIC_COMMENTS)


def render_traefik_dynamic() -> str:
    """``traefik/dynamic.yml``: routers, middlewares and services for the file provider."""
    return _render(dynamic_config(), _DYNAMIC_COMMENTS)
