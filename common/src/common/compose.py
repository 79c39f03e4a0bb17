"""Files of the compose deployment rendered from the service registry.

- ``deploy/compose/haproxy/haproxy.cfg``: the load balancer in front of the two Traefik
  instances. Routing, health checks of replicas, breakers and the shared rate limit are
  Traefik's (``common.traefik``); HAProxy spreads clients over the Traefiks, takes a Traefik
  that fails its ``/ping`` out of rotation, answers paths no service serves, stamps
  ``X-Request-ID`` and appends the client's address to ``X-Forwarded-For`` (Traefik's rate
  limit keys on it). Kept apart from ``common.gateway``, the native gateway, which routes to
  replicas itself.
- ``compose.yaml``: the stack (``compose_document``): Postgres, Redis, a migrate-and-seed job
  per service, every service's replicas ``<service>-<i>``, a scheduler ``jobs-<service>`` for
  each service with scheduled jobs, two Traefiks, HAProxy, Prometheus,
  Loki, Promtail and Grafana, each with a health check and ``depends_on`` conditions.
- ``deploy/compose/postgres/10-databases.sql``: one database per service, created by the
  Postgres image's entrypoint on the first start of an empty volume.
"""

from common.gateway import haproxy_problem_string
from common.registry import (
    CONTAINER_PORT,
    GATEWAY_PORT,
    GATEWAY_STATS_PORT,
    JOB_INTERVAL_SECONDS,
    SERVICES,
)
from common.traefik import METRICS_PORT, TRAEFIK_IMAGE, WEB_PORT

TRAEFIK_REPLICAS = 2
# Docker's embedded DNS: container names resolve at run time, so HAProxy starts (and
# `haproxy -c` passes) before the Traefik containers exist.
DOCKER_DNS = "127.0.0.11:53"

_RESOLVE = "resolvers docker init-addr last,libc,none"

_HEADER = (
    "# Rendered by `manage_all.py render-config` from the service registry"
    " (common/src/common/compose.py). Do not edit.\n"
)


def render_compose_haproxy() -> str:
    """HAProxy of the compose stack: clients on :GATEWAY_PORT, balanced over the Traefiks."""
    not_found = haproxy_problem_string(404, "not_found", "No service serves this path.")
    prefixes = " ".join(prefix for svc in SERVICES for prefix in svc.prefixes)
    servers = "\n".join(
        f"    server traefik-{i + 1} traefik-{i + 1}:{WEB_PORT}" for i in range(TRAEFIK_REPLICAS)
    )
    return f"""{_HEADER}global
    log stdout format raw local0 info
    maxconn 4096

resolvers docker
    nameserver dns {DOCKER_DNS}
    hold valid 10s

defaults
    mode http
    log global
    option httplog
    # Traefik's rate limit keys on the address appended here (ipStrategy depth 1).
    option forwardfor
    option redispatch 1
    retries 3
    # Only requests that never reached a Traefik are retried: a POST is never sent twice.
    retry-on conn-failure
    timeout connect 2s
    timeout client 30s
    timeout server 35s
    timeout http-request 10s
    timeout check 3s

frontend gateway
    bind :{GATEWAY_PORT}
    http-request set-header X-Request-ID %[uuid()] unless {{ req.hdr(X-Request-ID) -m found }}
    http-request set-header X-Forwarded-Proto https if {{ ssl_fc }}
    http-request set-header X-Forwarded-Proto http unless {{ ssl_fc }}
    acl routed path_beg {prefixes}
    use_backend be_traefik if routed
    default_backend be_not_found

backend be_not_found
    http-request return status 404 content-type application/problem+json string {not_found}

backend be_traefik
    balance roundrobin
    option httpchk
    http-check send meth GET uri /ping
    http-check expect status 200
    # /ping is on Traefik's internal metrics entrypoint. A Traefik that does not resolve yet
    # is down until Docker's DNS knows it, not a reason for HAProxy to refuse to start.
    default-server check port {METRICS_PORT} inter 2s fall 3 rise 2 {_RESOLVE}
{servers}

frontend stats
    bind :{GATEWAY_STATS_PORT}
    stats enable
    stats uri /stats
    stats refresh 5s
    # The container's health check and Prometheus (HAProxy's own exporter) come here; the
    # port is not published.
    monitor-uri /healthz
    http-request use-service prometheus-exporter if {{ path /metrics }}
"""


def render_postgres_init() -> str:
    """SQL the Postgres image runs once on an empty volume: every service's database."""
    lines = [
        "-- Rendered by `manage_all.py render-config` from the service registry"
        " (common/src/common/compose.py). Do not edit.",
        "-- The postgres image runs it as POSTGRES_USER on the first start of an empty volume.",
    ]
    lines += [f"CREATE DATABASE {svc.database};" for svc in SERVICES]
    return "\n".join(lines) + "\n"


# Images of the stack's own parts, pinned. Each was chosen for a health check it can run itself:
# Postgres' pg_isready, redis-cli, Traefik's `healthcheck --ping`, BusyBox wget in the Alpine
# images of HAProxy and Grafana and in Prometheus', Loki's `-health` (Loki's image has no shell
# since 3.x), bash in Promtail's Debian image.
IMAGES = {
    "postgres": "postgres:17.6-alpine",
    "redis": "redis:7.4-alpine",
    "haproxy": "haproxy:2.8-alpine",
    "prometheus": "prom/prometheus:v2.55.1",
    "grafana": "grafana/grafana:11.6.1",
    "loki": "grafana/loki:3.7.2",
    "promtail": "grafana/promtail:3.5.1",
}
PROJECT = "pharmaconnect"
REDIS_URL = "redis://redis:6379/0"
INTERNAL_GATEWAY = f"http://haproxy:{GATEWAY_PORT}"


def _healthcheck(test: list[str], interval: str = "10s", start: str = "20s") -> dict:
    return {
        "test": test,
        "interval": interval,
        "timeout": "5s",
        "retries": 5,
        "start_period": start,
    }


def _healthy(*names: str) -> dict:
    return {name: {"condition": "service_healthy"} for name in names}


def _service_environment(svc) -> dict:
    """What a service's containers are told; secrets come from ``.env`` by interpolation."""
    replicas = ",".join(f"{svc.name}-{i + 1}" for i in range(len(svc.container_urls())))
    env = {
        "DATABASE_URL": (
            "postgresql://${POSTGRES_USER:?set in .env}:${POSTGRES_PASSWORD:?set in .env}"
            f"@postgres:5432/{svc.database}"
        ),
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "${SECRET_KEY:?set in .env}",
        # Clients' Host (the public name), other services' calls (haproxy), Prometheus'
        # scrapes and Traefik's health checks (the replica's own name, localhost).
        "ALLOWED_HOSTS": "${PUBLIC_HOSTNAME:-localhost},"
        + f"localhost,127.0.0.1,haproxy,{replicas}",
        "CSRF_TRUSTED_ORIGINS": "${PUBLIC_URL:-http://localhost:8080}",
        "GATEWAY_URL": INTERNAL_GATEWAY,
        "JWT_ISSUER": "${PUBLIC_URL:-http://localhost:8080}/api/auth",
        "JWKS_URL": f"{INTERNAL_GATEWAY}/api/auth/.well-known/jwks.json",
        "WEB_CONCURRENCY": "${WEB_CONCURRENCY:-2}",
        "LOG_LEVEL": "${LOG_LEVEL:-INFO}",
        "SERVICE_CLIENT_ID": f"{svc.name}-service",
        "SERVICE_CLIENT_SECRET": f"${{{svc.name.upper()}_CLIENT_SECRET:?set in .env}}",
    }
    env.update(svc.gunicorn_env)
    for name in svc.compose_env:
        env[name] = f"${{{name}:?set in .env}}"
    return env


# The scheduler container's proof of life, touched after every round of jobs (in the
# container's own /tmp, which nothing else shares).
_HEARTBEAT = "/tmp/jobs-heartbeat"  # noqa: S108


def _scheduled_jobs(svc, image: str, build: dict) -> dict:
    """The service's scheduled jobs (``Service.scheduled_jobs``), every JOB_INTERVAL_SECONDS, as
    ``manage_all.py up`` runs them natively; healthy while a round finished lately."""
    round_ = f"python manage.py run_scheduled {' '.join(svc.scheduled_jobs)}"
    loop = f"while true; do {round_} ; touch {_HEARTBEAT}; sleep {JOB_INTERVAL_SECONDS}; done"
    stale = 3 * JOB_INTERVAL_SECONDS
    return {
        "image": image,
        "build": build,
        "environment": _service_environment(svc),
        "command": ["sh", "-c", loop],
        "depends_on": {
            f"migrate-{svc.name}": {"condition": "service_completed_successfully"},
            **_healthy("postgres", "redis"),
        },
        "healthcheck": _healthcheck(
            [
                "CMD-SHELL",
                f"test $$(( $$(date +%s) - $$(stat -c %Y {_HEARTBEAT}) )) -lt {stale}",
            ],
            interval="30s",
            start=f"{2 * JOB_INTERVAL_SECONDS}s",
        ),
        "restart": "unless-stopped",
    }


def compose_document() -> dict:
    """``compose.yaml`` as data: the whole stack, every service of the registry, twice."""
    services: dict[str, dict] = {
        "postgres": {
            "image": IMAGES["postgres"],
            "environment": {
                "POSTGRES_USER": "${POSTGRES_USER:?set in .env}",
                "POSTGRES_PASSWORD": "${POSTGRES_PASSWORD:?set in .env}",
            },
            "volumes": [
                "postgres-data:/var/lib/postgresql/data",
                "./deploy/compose/postgres:/docker-entrypoint-initdb.d:ro",
            ],
            "healthcheck": _healthcheck(
                ["CMD-SHELL", 'pg_isready -U "$$POSTGRES_USER" -d postgres'], "5s"
            ),
            "restart": "unless-stopped",
        },
        "redis": {
            "image": IMAGES["redis"],
            "command": ["redis-server", "--appendonly", "yes"],
            "volumes": ["redis-data:/data"],
            "healthcheck": _healthcheck(["CMD", "redis-cli", "ping"], "5s"),
            "restart": "unless-stopped",
        },
    }
    replica_names = []
    for svc in SERVICES:
        image = f"${{IMAGE_PREFIX:-pharmaconnect}}/{svc.name}:${{IMAGE_TAG:-latest}}"
        build = {"context": ".", "dockerfile": "Dockerfile", "args": {"SERVICE": svc.name}}
        environment = _service_environment(svc)
        migrate = f"migrate-{svc.name}"
        services[migrate] = {
            "image": image,
            "build": build,
            "environment": environment,
            # Migrations, then the demo data unless SEED_DEMO=0 (idempotent either way).
            "command": [
                "sh",
                "-c",
                "python manage.py migrate --noinput"
                ' && if [ "${SEED_DEMO:-1}" = 1 ]; then python manage.py seed; fi',
            ],
            "depends_on": _healthy("postgres", "redis"),
            "restart": "no",
        }
        for i in range(len(svc.container_urls())):
            name = f"{svc.name}-{i + 1}"
            replica_names.append(name)
            replica = {
                "image": image,
                "build": build,
                "hostname": name,
                "environment": environment,
                "depends_on": {
                    migrate: {"condition": "service_completed_successfully"},
                    **_healthy("postgres", "redis"),
                },
                "healthcheck": _healthcheck(
                    [
                        "CMD",
                        "python",
                        "-c",
                        "import sys, urllib.request as u; r = u.urlopen(u.Request("
                        f"'http://127.0.0.1:{CONTAINER_PORT}/healthz', "
                        "headers={'Host': 'localhost'}), timeout=3); sys.exit(r.status != 200)",
                    ]
                ),
                "restart": "unless-stopped",
            }
            if svc.compose_volumes:
                replica["volumes"] = list(svc.compose_volumes)
            services[name] = replica
        if svc.scheduled_jobs:
            services[f"jobs-{svc.name}"] = _scheduled_jobs(svc, image, build)
    traefiks = [f"traefik-{i + 1}" for i in range(TRAEFIK_REPLICAS)]
    for name in traefiks:
        services[name] = {
            "image": TRAEFIK_IMAGE,
            "hostname": name,
            "volumes": ["./traefik:/etc/traefik:ro"],
            # The web port is not published: only HAProxy reaches it (common.traefik).
            "depends_on": _healthy("redis", *replica_names),
            "healthcheck": _healthcheck(["CMD", "traefik", "healthcheck", "--ping"], "5s"),
            "restart": "unless-stopped",
        }
    services["haproxy"] = {
        "image": IMAGES["haproxy"],
        "volumes": ["./deploy/compose/haproxy:/usr/local/etc/haproxy:ro"],
        "ports": [f"${{GATEWAY_PUBLISH:-{GATEWAY_PORT}}}:{GATEWAY_PORT}"],
        "depends_on": _healthy(*traefiks),
        "healthcheck": _healthcheck(
            [
                "CMD",
                "wget",
                "-q",
                "-O",
                "/dev/null",
                f"http://127.0.0.1:{GATEWAY_STATS_PORT}/healthz",
            ],
            "5s",
        ),
        "restart": "unless-stopped",
    }
    services["prometheus"] = {
        "image": IMAGES["prometheus"],
        "command": [
            "--config.file=/etc/prometheus/compose.yml",
            "--storage.tsdb.path=/prometheus",
            "--storage.tsdb.retention.time=15d",
        ],
        "volumes": ["./observability/prometheus:/etc/prometheus:ro", "prometheus-data:/prometheus"],
        "ports": ["127.0.0.1:${PROMETHEUS_PUBLISH:-9090}:9090"],
        "depends_on": _healthy("haproxy"),
        "healthcheck": _healthcheck(
            ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9090/-/ready"]
        ),
        "restart": "unless-stopped",
    }
    services["loki"] = {
        "image": IMAGES["loki"],
        "command": ["-config.file=/etc/loki/loki.yml"],
        "volumes": ["./observability/loki:/etc/loki:ro", "loki-data:/loki"],
        "healthcheck": _healthcheck(["CMD", "/usr/bin/loki", "-health"], start="30s"),
        "restart": "unless-stopped",
    }
    services["promtail"] = {
        "image": IMAGES["promtail"],
        "command": ["-config.file=/etc/promtail/promtail.yml"],
        "volumes": [
            "./observability/promtail:/etc/promtail:ro",
            "/var/run/docker.sock:/var/run/docker.sock:ro",
            "promtail-positions:/var/lib/promtail",
        ],
        "depends_on": _healthy("loki"),
        "healthcheck": _healthcheck(
            [
                "CMD",
                "bash",
                "-c",
                "exec 3<>/dev/tcp/127.0.0.1/9080"
                " && printf 'GET /ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '",
            ]
        ),
        "restart": "unless-stopped",
    }
    services["grafana"] = {
        "image": IMAGES["grafana"],
        "environment": {
            "GF_SECURITY_ADMIN_USER": "${GRAFANA_ADMIN_USER:-admin}",
            "GF_SECURITY_ADMIN_PASSWORD": "${GRAFANA_ADMIN_PASSWORD:?set in .env}",
            "GF_USERS_ALLOW_SIGN_UP": "false",
            "GF_ANALYTICS_REPORTING_ENABLED": "false",
            "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH": (
                "/var/lib/grafana/dashboards/services.json"
            ),
        },
        "volumes": [
            "./observability/grafana/provisioning:/etc/grafana/provisioning:ro",
            "./observability/grafana/dashboards:/var/lib/grafana/dashboards:ro",
            "grafana-data:/var/lib/grafana",
        ],
        "ports": ["127.0.0.1:${GRAFANA_PUBLISH:-3000}:3000"],
        "depends_on": _healthy("prometheus", "loki"),
        "healthcheck": _healthcheck(
            ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:3000/api/health"]
        ),
        "restart": "unless-stopped",
    }
    volumes = [
        "postgres-data",
        "redis-data",
        *(mount.split(":")[0] for svc in SERVICES for mount in svc.compose_volumes),
        "prometheus-data",
        "loki-data",
        "promtail-positions",
        "grafana-data",
    ]
    return {"name": PROJECT, "services": services, "volumes": {name: {} for name in volumes}}


def render_compose() -> str:
    import yaml  # tooling only

    header = (
        "# Rendered by `manage_all.py render-config` from the service registry"
        " (common/src/common/compose.py). Do not edit.\n"
        '# Secrets and settings come from .env (copy .env.example); README.md, "Run with'
        ' compose".\n'
    )
    return header + yaml.safe_dump(compose_document(), sort_keys=False, width=100)
