"""The service registry: the one table of services, their routes, databases, ports and
scheduled jobs.

The configs of every deployment are rendered from it (``manage_all.py render-config``): the
native HAProxy (``common.gateway``), compose's stack, HAProxy and Traefik (``common.compose``,
``common.traefik``) and Prometheus' scrapes (``common.observability``). The native runner
starts the replicas and runs the jobs it lists. A test fails when a committed config drifts.
"""

from dataclasses import dataclass

GATEWAY_PORT = 8080
GATEWAY_STATS_PORT = 8404
REPLICAS = 2
# Containerized deployments (compose now, the Helm chart later) do not use the native ports:
# every replica listens on CONTAINER_PORT inside its own container, and in compose replica i of
# a service is the host ``<name>-<i>`` (auth-1, auth-2) on the stack's network
# (``Service.container_urls``). The chart keeps the port, behind one Service per service.
CONTAINER_PORT = 8000
# How often each scheduled job runs: natively by ``manage_all.py up``, in compose by the
# service's ``jobs-<name>`` container, in the chart by a CronJob each (helm's values).
JOB_INTERVAL_SECONDS = 60


@dataclass(frozen=True)
class Service:
    name: str  # URL segment and Django app-label space: /api/<name>/, /admin/<name>/
    first_port: int  # replica i listens on first_port + i
    # What the service's own OAuth2 client may ask of the others (auth's seed grants exactly
    # these; the service's token asks for them).
    client_scopes: tuple[str, ...] = ()
    # Management commands run every JOB_INTERVAL_SECONDS, each idempotent and safe at any time.
    scheduled_jobs: tuple[str, ...] = ()
    # Variables of compose's ``.env`` its containers need beyond every service's.
    compose_env: tuple[str, ...] = ()
    # Named compose volumes its replicas share, as ``<volume>:<path>``.
    compose_volumes: tuple[str, ...] = ()
    # Threads of each gunicorn worker. A service that calls no other on its hot paths serves
    # from one worker of several threads: half the memory of two sync workers, as fast (the
    # GIL is released while Postgres and Redis answer). One that calls others keeps sync
    # workers, since pybreaker holds its lock for the whole guarded call.
    threads: int = 1

    @property
    def gunicorn_env(self) -> dict[str, str]:
        """What its gunicorn is told beyond ``common.gunicorn_conf``'s defaults."""
        if self.threads == 1:
            return {}
        return {"WEB_CONCURRENCY": "1", "GUNICORN_THREADS": str(self.threads)}

    @property
    def project(self) -> str:
        return f"{self.name}_svc"

    @property
    def database(self) -> str:
        return f"pharma_{self.name}"

    @property
    def scope(self) -> str:
        return " ".join(self.client_scopes)

    @property
    def prefixes(self) -> tuple[str, ...]:
        return (f"/api/{self.name}/", f"/admin/{self.name}/", f"/static/{self.name}/")

    def ports(self, offset: int = 0) -> list[int]:
        return [self.first_port + offset + i for i in range(REPLICAS)]

    def container_urls(self) -> list[str]:
        return [f"http://{self.name}-{i + 1}:{CONTAINER_PORT}" for i in range(REPLICAS)]


SERVICES: tuple[Service, ...] = (
    # Its seed (run by compose's migrate-auth) sets the demo people's password.
    Service("auth", 8101, compose_env=("DEMO_PASSWORD",), threads=4),
    Service(
        "catalog",
        8111,
        client_scopes=("catalog:read",),
        scheduled_jobs=(
            "expire_reservations",  # unconfirmed holds whose time is up
            "expire_lots",  # lots past their expiry date
            "purge_idempotency_records",  # stored answers older than any client's retries
            "compact_expiring_tally",  # the expiring report's count: one row per warehouse, day
        ),
        # Two, not four: a drug detail cost catalog 1.30 ms of CPU against 1.42 with four
        # (four runs of each, alternating), and orders were placed as fast.
        threads=2,
    ),
    Service(
        "orders",
        8121,
        client_scopes=(
            "organizations:read",
            "catalog:read",
            "inventory:reserve",
            "rx:consume",
            "pricing:quote",
            "pricing:chargeback",
        ),
        scheduled_jobs=(
            "reconcile",  # orders a crash left pending; unfinished compensations
            "dispatch_webhooks",  # recall notices from catalog's feed; due deliveries
        ),
    ),
    Service(
        "rx",
        8131,
        client_scopes=("catalog:read", "organizations:read"),
        scheduled_jobs=("expire_prescriptions",),  # verified prescriptions past their validity
        # Both replicas serve the same uploaded documents (S3 in the chart).
        compose_volumes=("rx-documents:/var/lib/pharmaconnect/rx-documents",),
    ),
    Service(
        "pricing",
        8141,
        client_scopes=("catalog:read",),
        scheduled_jobs=("purge_idempotency_records",),
    ),
)


def service(name: str) -> Service:
    for svc in SERVICES:
        if svc.name == name:
            return svc
    raise KeyError(name)
