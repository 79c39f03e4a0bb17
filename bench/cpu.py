"""CPU time of the platform's processes, per group, read from /proc.

A group is a service (its gunicorn master and workers, told apart by their working
directory ``<name>_svc``), HAProxy (the platform's gateway and the bench gateway, both on the
path of every request), Postgres (the backends connected to the platform's databases and the
server's own background processes, which also work for anyone else using the server) and
Redis (the whole server). Time is utime + stime of every live process, plus cutime + cstime
(children that already exited and were reaped) of the gunicorn and HAProxy processes.
"""

import os
from pathlib import Path

TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the fields after "(comm)": state is field 3, utime..cstime are fields 14..17
    return stat.rsplit(")", 1)[1].split()


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def cpu_ticks(pid: int, *, with_reaped_children: bool) -> int:
    fields = _stat_fields(pid)
    if fields is None:
        return 0
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return utime + stime + (cutime + cstime if with_reaped_children else 0)


def service_of(pid: int) -> str | None:
    """``catalog`` for a process running in catalog_svc/, None for anything else."""
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return None
    name = Path(cwd).name
    return name.removesuffix("_svc") if name.endswith("_svc") else None


def _postgres_pids(databases: set[str]) -> set[int]:
    """Backends whose title names one of ``databases``, and the server's background
    processes (their titles name no database)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or _comm(int(entry.name)) != "postgres":
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().split()
        except OSError:
            continue
        # a backend's title: "postgres: <user> <database> <client> <state>"
        is_backend = len(title) >= 4 and title[0] == "postgres:" and "(" in title[3]
        if not is_backend or title[2] in databases:
            pids.add(int(entry.name))
    return pids


def _redis_pids() -> set[int]:
    return {
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _comm(int(entry.name)) == "redis-server"
    }


def snapshot(platform_pids: set[int], gateway_pids: set[int], databases: set[str]) -> dict:
    """CPU seconds so far, per group: {group: {pid: seconds}}."""
    groups: dict[str, dict[int, float]] = {}

    def add(group: str, pid: int, ticks: int) -> None:
        groups.setdefault(group, {})[pid] = ticks / TICKS_PER_S

    for pid in platform_pids | gateway_pids:
        group = "haproxy" if _comm(pid) == "haproxy" else service_of(pid)
        if group is not None:
            add(group, pid, cpu_ticks(pid, with_reaped_children=True))
    for pid in _postgres_pids(databases):
        add("postgres", pid, cpu_ticks(pid, with_reaped_children=False))
    for pid in _redis_pids():
        add("redis", pid, cpu_ticks(pid, with_reaped_children=False))
    return groups


def spent_s(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds each group spent between two snapshots. A process that appeared in
    between counts from zero. One that exited in between is lost (a Postgres backend that
    closed its connection) or, reaped by a counted parent, counted whole (a gunicorn worker
    that died; workers are not recycled, so that happens only on a crash)."""
    spent = {}
    for group, pids in after.items():
        was = before.get(group, {})
        spent[group] = round(sum(t - was.get(pid, 0.0) for pid, t in pids.items()), 3)
    return spent
