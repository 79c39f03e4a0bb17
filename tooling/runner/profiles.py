"""Profiles: isolated copies of the platform on one machine (ports, databases, Redis db)."""

from dataclasses import dataclass
from pathlib import Path

from common.registry import GATEWAY_PORT, GATEWAY_STATS_PORT

# The checkout this tooling belongs to (tooling/runner/profiles.py): it is installed editable
# from the repository, never copied elsewhere.
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Profile:
    name: str
    port_offset: int
    db_prefix: str
    redis_db: int

    @property
    def run_dir(self) -> Path:
        return ROOT / ".run" / self.name

    @property
    def gateway_port(self) -> int:
        return GATEWAY_PORT + self.port_offset

    @property
    def stats_port(self) -> int:
        return GATEWAY_STATS_PORT + self.port_offset

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"


PROFILES = {
    # What a developer runs with `make up`.
    "dev": Profile("dev", port_offset=0, db_prefix="", redis_db=0),
    # The cross-service test suite's own stack, so it never touches a running dev stack.
    "e2e": Profile("e2e", port_offset=10000, db_prefix="e2e_", redis_db=1),
    # The runner's own tests (failures, embedded servers, down) while the e2e stack runs.
    "check": Profile("check", port_offset=20000, db_prefix="check_", redis_db=3),
}
