"""Prometheus' configuration for each place the platform runs, rendered from the registry.

Every replica is one target labelled ``service`` (``catalog``) and ``replica`` (``catalog-1``),
the same labels natively and in compose, so the rules and dashboards work on both:

- native (``observability/prometheus/native.yml``): the replicas' 127.0.0.1 ports of a profile
  (``port_offset``: the e2e stack's are 10000 higher);
- compose (``observability/prometheus/compose.yml``): ``<service>-<i>:CONTAINER_PORT`` on the
  stack's network, plus both Traefik instances and HAProxy.

Both load the alert rules in ``observability/prometheus/rules/`` (a path relative to the
config file, so compose mounts the directory whole at ``/etc/prometheus``). On Kubernetes the
chart annotates its pods for a cluster's own Prometheus instead.
"""

from common.registry import CONTAINER_PORT, SERVICES
from common.traefik import METRICS_PORT as TRAEFIK_METRICS_PORT

SCRAPE_INTERVAL = "15s"
RULE_FILES = ("rules/*.yml",)
TRAEFIK_REPLICAS = 2
# HAProxy's stats frontend in compose; it also serves HAProxy's own Prometheus exporter.
COMPOSE_HAPROXY_STATS = "haproxy:8404"

_HEADER = (
    "# Rendered by `manage_all.py render-config` from the service registry"
    " (common/src/common/observability/prometheus.py). Do not edit.\n"
)


def replica_targets(*, containers: bool, port_offset: int = 0) -> dict[str, list[dict]]:
    """Per service, one static target group per replica with its ``service``/``replica``."""
    targets = {}
    for svc in SERVICES:
        addresses = (
            [f"{svc.name}-{i + 1}:{CONTAINER_PORT}" for i in range(len(svc.container_urls()))]
            if containers
            else [f"127.0.0.1:{port}" for port in svc.ports(port_offset)]
        )
        targets[svc.name] = [
            {
                "targets": [address],
                "labels": {"service": svc.name, "replica": f"{svc.name}-{i + 1}"},
            }
            for i, address in enumerate(addresses)
        ]
    return targets


def _service_jobs(groups: dict[str, list[dict]]) -> list[dict]:
    return [
        {"job_name": name, "metrics_path": "/metrics", "static_configs": static}
        for name, static in groups.items()
    ]


def native_config(*, port_offset: int = 0, scrape_interval: str = SCRAPE_INTERVAL) -> dict:
    """The native platform's Prometheus config (a profile's ports)."""
    return {
        "global": {"scrape_interval": scrape_interval, "evaluation_interval": scrape_interval},
        "rule_files": list(RULE_FILES),
        "scrape_configs": _service_jobs(replica_targets(containers=False, port_offset=port_offset)),
    }


def compose_config() -> dict:
    """The compose stack's Prometheus config: every replica, both Traefiks, HAProxy."""
    traefik = [
        {
            "targets": [f"traefik-{i + 1}:{TRAEFIK_METRICS_PORT}"],
            "labels": {"service": "traefik", "replica": f"traefik-{i + 1}"},
        }
        for i in range(TRAEFIK_REPLICAS)
    ]
    haproxy = [
        {"targets": [COMPOSE_HAPROXY_STATS], "labels": {"service": "haproxy", "replica": "haproxy"}}
    ]
    return {
        "global": {"scrape_interval": SCRAPE_INTERVAL, "evaluation_interval": SCRAPE_INTERVAL},
        "rule_files": list(RULE_FILES),
        "scrape_configs": [
            *_service_jobs(replica_targets(containers=True)),
            {"job_name": "traefik", "metrics_path": "/metrics", "static_configs": traefik},
            {"job_name": "haproxy", "metrics_path": "/metrics", "static_configs": haproxy},
            {
                "job_name": "prometheus",
                "static_configs": [
                    {"targets": ["localhost:9090"], "labels": {"service": "prometheus"}}
                ],
            },
        ],
    }


def _render(document: dict) -> str:
    import yaml  # tooling only: the services never render configs

    return _HEADER + yaml.safe_dump(document, sort_keys=False, default_flow_style=False)


def render_prometheus_native(port_offset: int = 0, scrape_interval: str = SCRAPE_INTERVAL) -> str:
    return _render(native_config(port_offset=port_offset, scrape_interval=scrape_interval))


def render_prometheus_compose() -> str:
    return _render(compose_config())
