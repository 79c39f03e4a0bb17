"""The platform's processes (from the runner's pids.json) and their memory, from /proc."""

import json
import threading
from pathlib import Path

from cpu import service_of

ROOT = Path(__file__).resolve().parents[1]


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def descendants(pids: list[int]) -> set[int]:
    kids = _children_map()
    seen: set[int] = set()
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        todo.extend(kids.get(pid, []))
    return seen


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _kib(path: str, field: str) -> int:
    """A ``<field>: <n> kB`` line of a /proc file; 0 for a process that is gone."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rss_kib(pid: int) -> int:
    return _kib(f"/proc/{pid}/status", "VmRSS:")


def platform_pids() -> set[int]:
    """Every gunicorn (master and workers) and HAProxy process of the dev platform."""
    pids_file = ROOT / ".run" / "dev" / "pids.json"
    roots: list[int] = []
    if pids_file.exists():
        recorded = json.loads(pids_file.read_text())
        roots = [child["pid"] for child in recorded.get("children", [])]
    return {
        pid
        for pid in descendants(roots)
        if "gunicorn" in _cmdline(pid) or "haproxy" in _cmdline(pid)
    }


def _pss_kib(pid: int) -> int:
    return _kib(f"/proc/{pid}/smaps_rollup", "Pss:")


def total_rss_mib(pids: set[int]) -> float:
    return round(sum(_rss_kib(pid) for pid in pids) / 1024, 1)


def total_pss_mib(pids: set[int]) -> float:
    """Proportional set size: pages shared by forked workers counted once in the sum."""
    return round(sum(_pss_kib(pid) for pid in pids) / 1024, 1)


class RssSampler:
    """Peak summed RSS of the platform's processes, sampled once a second while load runs."""

    def __init__(self, pids_fn):
        self.pids_fn = pids_fn
        self.peak = 0.0
        self.peak_pss = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(1.0):
            pids = self.pids_fn()
            self.peak = max(self.peak, total_rss_mib(pids))
            self.peak_pss = max(self.peak_pss, total_pss_mib(pids))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)


def service_environ(pids: set[int], name: str) -> dict[str, str]:
    """{service: value of the environment variable ``name``} as the service's processes
    were started (services without it are left out)."""
    values = {}
    for pid in sorted(pids):
        service = service_of(pid)
        if service is None or service in values:
            continue
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        prefix = f"{name}=".encode()
        for entry in environ:
            if entry.startswith(prefix):
                values[service] = entry[len(prefix) :].decode()
    return values
