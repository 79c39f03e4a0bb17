"""The service registry: the one table of services, their routes, databases and ports.

HAProxy's config (and the Traefik config of the compose deployment) are rendered from it, and
the native runner starts the replicas it lists. A test fails when a committed config drifts.
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


@dataclass(frozen=True)
class Service:
    name: str  # URL segment and Django app-label space: /api/<name>/, /admin/<name>/
    first_port: int  # replica i listens on first_port + i
    # What the service's own OAuth2 client may ask of the others (auth's seed grants exactly
    # these; the service's token asks for them).
    client_scopes: tuple[str, ...] = ()

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
    Service("auth", 8101),
    Service("catalog", 8111, client_scopes=("catalog:read",)),
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
    ),
    Service("rx", 8131, client_scopes=("catalog:read", "organizations:read")),
    Service("pricing", 8141, client_scopes=("catalog:read",)),
)


def service(name: str) -> Service:
    for svc in SERVICES:
        if svc.name == name:
            return svc
    raise KeyError(name)
