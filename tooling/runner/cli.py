"""Command line of ``manage_all.py``: one verb for each thing done to the whole platform."""

import argparse
import os
import subprocess
import sys
import tempfile

from common.compose import render_compose, render_compose_haproxy, render_postgres_init
from common.gateway import render_haproxy
from common.observability.dashboards import DASHBOARDS, render_dashboard
from common.observability.prometheus import render_prometheus_compose, render_prometheus_native
from common.registry import SERVICES
from common.traefik import render_traefik_dynamic, render_traefik_static
from runner import RunnerError, platform
from runner.infra import create_databases, resolve
from runner.profiles import PROFILES, ROOT
from runner.services import manage

HAPROXY_CONFIG = ROOT / "haproxy" / "haproxy.cfg"
# The unit suites of each service share one Redis db, apart from the dev (0) and e2e (1) stacks.
UNIT_TEST_REDIS_DB = 2


def cmd_up(args) -> int:
    if args.fresh and args.profile == "dev":
        raise RunnerError("--fresh drops the databases: it is for the e2e and check stacks only")
    platform.up(PROFILES[args.profile], embedded=args.embedded, fresh=args.fresh)
    return 0


def cmd_down(args) -> int:
    platform.down(PROFILES[args.profile])
    return 0


def _with_infra(args, work, done: str) -> int:
    """Run ``work(infra, profile)`` against the profile's Postgres and Redis."""
    profile = PROFILES[args.profile]
    infra = resolve(profile.run_dir, embedded=args.embedded)
    try:
        work(infra, profile)
    finally:
        infra.stop()
    platform.say(done)
    return 0


def _migrate(infra, profile) -> None:
    create_databases(infra, [profile.db_prefix + svc.database for svc in SERVICES])
    manage(["migrate", "--noinput"], infra, profile)


def cmd_migrate(args) -> int:
    return _with_infra(args, _migrate, "migrated every service")


def cmd_seed(args) -> int:
    return _with_infra(args, lambda infra, profile: manage(["seed"], infra, profile), "seeded")


def cmd_check(args) -> int:
    return _with_infra(args, _check_services, "every service passes its checks")


def _check_services(infra, profile) -> None:
    """System checks, no model change without a migration, an OpenAPI schema without warnings."""
    manage(["check", "--fail-level", "WARNING"], infra, profile)
    manage(["makemigrations", "--check", "--dry-run"], infra, profile)
    with tempfile.TemporaryDirectory() as tmp:
        manage(
            ["spectacular", "--validate", "--fail-on-warn", "--file", f"{tmp}/schema.yaml"],
            infra,
            profile,
        )


def rendered_deploy_files() -> list[tuple]:
    """(path, text) of the compose and observability files rendered from the registry."""
    return [
        (ROOT / "compose.yaml", render_compose()),
        (ROOT / "deploy" / "compose" / "haproxy" / "haproxy.cfg", render_compose_haproxy()),
        (ROOT / "deploy" / "compose" / "postgres" / "10-databases.sql", render_postgres_init()),
        (ROOT / "observability" / "prometheus" / "native.yml", render_prometheus_native()),
        (ROOT / "observability" / "prometheus" / "compose.yml", render_prometheus_compose()),
        *(
            (ROOT / "observability" / "grafana" / "dashboards" / name, render_dashboard(name))
            for name in DASHBOARDS
        ),
    ]


def cmd_render_config(args) -> int:
    for path, text in [
        (HAPROXY_CONFIG, render_haproxy()),
        (ROOT / "traefik" / "traefik.yml", render_traefik_static()),
        (ROOT / "traefik" / "dynamic.yml", render_traefik_dynamic()),
        *rendered_deploy_files(),
    ]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        platform.say(f"wrote {path.relative_to(ROOT)}")
    return 0


def cmd_test(args) -> int:
    """Lint, checks, every service's suite, then the cross-service suite; non-zero on failure."""
    profile = PROFILES["e2e"]
    infra = resolve(ROOT / ".run" / "test", embedded=args.embedded)
    bin_dir = os.path.dirname(sys.executable)
    failures = []

    def step(name: str, cmd: list[str], cwd=ROOT, env=None) -> None:
        platform.say(f"── {name}")
        if subprocess.run(cmd, cwd=cwd, env=env).returncode != 0:
            failures.append(name)

    try:
        step("ruff lint", [f"{bin_dir}/ruff", "check", "."])
        step("ruff format", [f"{bin_dir}/ruff", "format", "--check", "."])
        try:
            _check_services(infra, profile)
        except RunnerError as exc:
            platform.say(f"check failed: {exc}")
            failures.append("service checks")
        # Unit suites: each service's own database server and a Redis db of their own; test
        # databases are made anew each run (a reused one may predate a migration).
        unit_env = {**os.environ, "REDIS_URL": infra.redis_db_url(UNIT_TEST_REDIS_DB)}
        pytest = [f"{bin_dir}/pytest", "-q", "--create-db", *args.pytest_args]
        for name, directory, database in [
            ("common", "common", "pharma_common"),
            *((svc.name, svc.project, svc.database) for svc in SERVICES),
        ]:
            env = {**unit_env, "DATABASE_URL": infra.database_url(database)}
            step(name, pytest, cwd=ROOT / directory, env=env)
        # The benchmark's own checks (its scale data, the oversell proof), on databases the
        # services migrate for it.
        bench_env = {**unit_env, "DATABASE_URL": infra.database_url("pharma_bench")}
        step("bench", [f"{bin_dir}/pytest", "-q", *args.pytest_args], ROOT / "bench", bench_env)
        e2e_env = {**os.environ, "DATABASE_URL": infra.postgres_url, "REDIS_URL": infra.redis_url}
        e2e = [f"{bin_dir}/pytest", "-q", *args.pytest_args]
        step("cross-service", e2e, cwd=ROOT / "tests", env=e2e_env)
    finally:
        infra.stop()
    if failures:
        platform.say(f"FAILED: {', '.join(failures)}")
        return 1
    platform.say("all suites passed")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="manage_all.py", description="Run the whole PharmaConnect platform."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, func, text in [
        ("up", cmd_up, "start everything in the foreground until Ctrl-C"),
        ("down", cmd_down, "stop what `up` started"),
        ("migrate", cmd_migrate, "create the databases and migrate every service"),
        ("seed", cmd_seed, "load the demo data (idempotent)"),
        ("check", cmd_check, "system checks, missing migrations, OpenAPI schema warnings"),
        (
            "render-config",
            cmd_render_config,
            "render haproxy/haproxy.cfg, traefik/, deploy/compose/ and observability/ configs",
        ),
        ("test", cmd_test, "lint, checks and every test suite"),
    ]:
        sub = commands.add_parser(name, help=text)
        sub.set_defaults(func=func)
        sub.add_argument("--profile", choices=sorted(PROFILES), default="dev")
        sub.add_argument(
            "--embedded", action="store_true", help="use private Postgres and Redis under .run/"
        )
        if name == "test":
            sub.add_argument("pytest_args", nargs="*", help="passed to every pytest run")
        if name == "up":
            sub.add_argument(
                "--fresh",
                action="store_true",
                help="drop the profile's databases and empty its Redis db first",
            )
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RunnerError as exc:
        print(f"manage_all.py {args.command}: error: {exc}", file=sys.stderr, flush=True)
        return 1
