"""``up`` and ``down``: the whole platform on this machine, in the foreground."""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from common.gateway import render_haproxy
from common.management.commands.seed import demo_password
from common.registry import SERVICES, service
from runner import RunnerError, processes
from runner.infra import create_databases, redis_db_flush, resolve
from runner.jobs import run_jobs
from runner.profiles import ROOT, Profile
from runner.services import manage, service_env

BOOT_TIMEOUT_SECONDS = 90
GATEWAY_TIMEOUT_SECONDS = 30
# A process that dies is started again, as compose and Kubernetes restart containers: after
# a second, then twice as long each time it dies again soon (a crash loop), at most this long.
RESTART_FIRST_DELAY_SECONDS = 1.0
RESTART_MAX_DELAY_SECONDS = 30.0
# One that ran this long before dying had a fresh fault, not a loop: back to the first delay.
RESTART_RESET_AFTER_SECONDS = 60.0
DEMO_ACCOUNTS = [
    "admin",
    "distributor",
    "hospital_a",
    "hospital_b",
    "pharmacy",
    "pharmacist",
    "patient",
]


def say(message: str) -> None:
    print(f"[pharmaconnect] {message}", flush=True)


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("HAProxy is missing; installing it with apt-get install haproxy")
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "haproxy"], check=False, capture_output=True
        )
        found = shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin:/usr/bin")
        if found:
            return found
    raise RunnerError(
        "HAProxy is not installed: run 'sudo apt-get install haproxy' (Debian/Ubuntu)"
    )


def up(profile: Profile, *, embedded: bool = False, fresh: bool = False) -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    haproxy = haproxy_binary()
    for svc in SERVICES:
        for i, port in enumerate(svc.ports(profile.port_offset)):
            processes.ensure_port_free(port, f"{svc.name} replica {i + 1}")
    processes.ensure_port_free(profile.gateway_port, "gateway")
    processes.ensure_port_free(profile.stats_port, "gateway stats")

    log_dir = profile.run_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    infra = resolve(profile.run_dir, embedded=embedded)
    children: list[processes.Child] = []
    try:
        say(f"postgres and redis: {infra.source}")
        create_databases(infra, [profile.db_prefix + svc.database for svc in SERVICES], fresh=fresh)
        if fresh:
            redis_db_flush(infra, profile.redis_db)
        say("migrating")
        manage(["migrate", "--noinput"], infra, profile)
        say("seeding demo data")
        manage(["seed"], infra, profile)
        children += _start_services(profile, infra, log_dir)
        _wait_healthy(children, stop)
        config = profile.run_dir / "haproxy.cfg"
        config.write_text(
            render_haproxy(profile.port_offset, str(profile.run_dir.relative_to(ROOT)))
        )
        children.append(
            processes.start(
                "haproxy",
                [haproxy, "-W", "-db", "-f", str(config)],
                cwd=ROOT,
                env=dict(os.environ),
                log_dir=log_dir,
            )
        )
        _record(profile, children)
        _wait_gateway(profile, children[-1], stop)
        say("placing demo orders through the gateway")
        manage(["seed_demo_orders"], infra, profile, services=[service("orders")])
        _banner(profile)
        threading.Thread(target=run_jobs, args=(infra, profile, stop, say), daemon=True).start()
        _watch(profile, children, stop)
    finally:
        say("stopping")
        processes.stop_all(children)
        infra.stop()
        (profile.run_dir / "pids.json").unlink(missing_ok=True)
        say("stopped")


def _start_services(profile, infra, log_dir) -> list[processes.Child]:
    children = []
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    for svc in SERVICES:
        env = service_env(svc, infra, profile)
        for i, port in enumerate(svc.ports(profile.port_offset)):
            name = f"{svc.name}-{i + 1}"
            prom_dir = profile.run_dir / "prometheus" / name
            shutil.rmtree(prom_dir, ignore_errors=True)
            prom_dir.mkdir(parents=True)
            cmd = [
                gunicorn,
                "config.wsgi:application",
                "-c",
                "python:common.gunicorn_conf",
                "--bind",
                f"127.0.0.1:{port}",
                "--name",
                f"pharma-{name}",
            ]
            child_env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(prom_dir)}
            children.append(
                processes.start(
                    name, cmd, cwd=ROOT / svc.project, env=child_env, log_dir=log_dir, port=port
                )
            )
    return children


def _get_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait_healthy(children, stop) -> None:
    pending = {child.name: child for child in children}
    deadline = time.monotonic() + BOOT_TIMEOUT_SECONDS
    while pending:
        if stop.is_set():
            raise RunnerError("interrupted while starting")
        for name, child in list(pending.items()):
            if child.process.poll() is not None:
                code = child.process.returncode
                raise RunnerError(
                    f"{name} exited during boot (code {code}): {child.last_log_line()} "
                    f"[log: {child.log_path}]"
                )
            if _get_ok(f"http://127.0.0.1:{child.port}/healthz"):
                del pending[name]
        if time.monotonic() > deadline:
            raise RunnerError(
                f"{', '.join(pending)} did not become healthy in {BOOT_TIMEOUT_SECONDS}s"
            )
        time.sleep(0.3)


def _wait_gateway(profile, haproxy_child, stop) -> None:
    """Wait until HAProxy answers and has marked every replica UP."""
    deadline = time.monotonic() + GATEWAY_TIMEOUT_SECONDS
    while time.monotonic() < deadline and not stop.is_set():
        if haproxy_child.process.poll() is not None:
            raise RunnerError(
                f"haproxy exited: {haproxy_child.last_log_line()} [log: {haproxy_child.log_path}]"
            )
        states = gateway_server_states(profile)
        if states and all(state == "UP" for state in states.values()):
            return
        time.sleep(0.3)
    raise RunnerError(f"HAProxy did not report every replica UP within {GATEWAY_TIMEOUT_SECONDS}s")


def gateway_server_states(profile: Profile) -> dict[str, str]:
    """``{"catalog/catalog1": "UP", ...}`` from HAProxy's stats CSV."""
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{profile.stats_port}/stats;csv", timeout=2
        ) as response:
            rows = response.read().decode().splitlines()
    except OSError:
        return {}
    states = {}
    for row in rows[1:]:
        cols = row.split(",")
        if len(cols) > 17 and cols[1] not in ("FRONTEND", "BACKEND") and cols[0].startswith("be_"):
            states[f"{cols[0][3:]}/{cols[1]}"] = cols[17]
    return states


def _record(profile: Profile, children) -> None:
    """pids.json, for ``down`` and the fault tests; rewritten whole (a reader never sees half)
    whenever a child is restarted."""
    entries = [
        {
            "name": c.name,
            "pid": c.process.pid,
            "argv0": processes.program(c.process.pid) or c.process.args[0],
        }
        for c in children
    ]
    runner = {
        "name": "runner",
        "pid": os.getpid(),
        "argv0": Path("/proc/self/cmdline").read_bytes().split(b"\0")[0].decode(),
    }
    pids_file = profile.run_dir / "pids.json"
    partial = pids_file.with_suffix(".json.tmp")
    partial.write_text(json.dumps({"runner": runner, "children": entries}, indent=2))
    partial.replace(pids_file)


def _banner(profile: Profile) -> None:
    gateway = profile.gateway_url
    lines = [f"PharmaConnect is up at {gateway} (Ctrl-C stops everything)", ""]
    for svc in SERVICES:
        docs, admin = f"{gateway}/api/{svc.name}/docs/", f"{gateway}/admin/{svc.name}/"
        lines.append(f"  {svc.name:<8} API {docs}   admin {admin}")
    lines += [
        "",
        f"  HAProxy stats http://127.0.0.1:{profile.stats_port}/stats",
        f"  logs {profile.run_dir / 'logs'}",
        "",
    ]
    lines.append(f"  demo accounts (password '{demo_password()}'): {', '.join(DEMO_ACCOUNTS)}")
    for line in lines:
        say(line)


def _watch(profile: Profile, children: list[processes.Child], stop) -> None:
    """Until ``stop``: start again, with the same command, environment and port, every child
    that died, after a backoff; never once stopping has begun. ``children`` is updated in
    place (``stop_all`` stops the new processes) and so is pids.json (``down`` does)."""
    delays: dict[str, float] = {}  # the backoff of each child's latest restart
    due: dict[int, float] = {}  # index in children -> when it is started again
    while not stop.wait(0.5):
        now = time.monotonic()
        for i, child in enumerate(children):
            if child.process.poll() is None:
                continue
            if i not in due:
                # What is left of its group goes too (a SIGKILLed gunicorn master's workers
                # would go on holding the port); the group is the dead master's own.
                processes.signal_group(child.process.pid, signal.SIGKILL)
                ran = now - child.started_at
                delay = (
                    RESTART_FIRST_DELAY_SECONDS
                    if ran >= RESTART_RESET_AFTER_SECONDS or child.name not in delays
                    else min(RESTART_MAX_DELAY_SECONDS, 2 * delays[child.name])
                )
                delays[child.name] = delay
                due[i] = now + delay
                code = child.process.returncode
                say(
                    f"warning: {child.name} exited (code {code}) after {ran:.0f}s: "
                    f"{child.last_log_line()}; restarting it in {delay:.0f}s"
                )
            elif now >= due[i] and not stop.is_set():
                del due[i]
                children[i] = _restart(child)
                _record(profile, children)
                say(f"restarted {child.name} (pid {children[i].process.pid})")


def _restart(child: processes.Child) -> processes.Child:
    # FIELD-NOTES: a replica's Prometheus multiprocess directory is emptied before each start.
    prom_dir = child.env.get("PROMETHEUS_MULTIPROC_DIR")
    if prom_dir:
        shutil.rmtree(prom_dir, ignore_errors=True)
        Path(prom_dir).mkdir(parents=True)
    return processes.restart(child)


def down(profile: Profile) -> None:
    pids_file = profile.run_dir / "pids.json"
    if not pids_file.exists():
        say(f"nothing running for profile {profile.name}")
        return
    recorded = json.loads(pids_file.read_text())
    processes.stop_recorded(
        [recorded["runner"]], group=False
    )  # a live runner stops its own children
    processes.stop_recorded(recorded["children"])
    pids_file.unlink(missing_ok=True)
    say(f"stopped profile {profile.name}")
