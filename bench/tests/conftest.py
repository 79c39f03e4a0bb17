"""Databases migrated by the catalog and orders services themselves, made afresh each session.

DATABASE_URL names the server and a base name (default
``postgresql://postgres@127.0.0.1:5432/pharma_bench``): the databases are ``<base>_catalog``
and ``<base>_orders``, never a running platform's."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER, _, BASE = os.environ.get(
    "DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/pharma_bench"
).rpartition("/")
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9")


def _recreate(name: str) -> None:
    conn = psycopg2.connect(f"{SERVER}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def manage(service: str, url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS}
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT / f"{service}_svc",
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _database(service: str, *, seed: bool) -> str:
    url = f"{SERVER}/{BASE or 'pharma_bench'}_{service}"
    _recreate(url.rsplit("/", 1)[1])
    manage(service, url, "migrate", "-v0")
    if seed:
        manage(service, url, "seed")
    return url


@pytest.fixture(scope="session")
def catalog_url():
    """The catalog with its demo data (the services' own seed)."""
    return _database("catalog", seed=True)


@pytest.fixture(scope="session")
def orders_url():
    return _database("orders", seed=False)


@pytest.fixture
def catalog(catalog_url):
    conn = psycopg2.connect(catalog_url)
    conn.autocommit = True
    yield conn.cursor()
    conn.close()
