"""Child processes of the runner: started in their own process groups, stopped together."""

import contextlib
import errno
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from runner import RunnerError

STOP_GRACE_SECONDS = 10


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log_path: Path
    port: int | None = None
    # How it was started, so that it can be started again the same way (``restart``).
    cmd: list[str] = field(default_factory=list)
    cwd: Path | None = None
    env: dict = field(default_factory=dict)
    started_at: float = field(default_factory=time.monotonic)

    def last_log_line(self) -> str:
        try:
            lines = [
                line
                for line in self.log_path.read_text(errors="replace").splitlines()
                if line.strip()
            ]
        except OSError:
            return ""
        return lines[-1][:300] if lines else ""


def ensure_port_free(port: int, purpose: str) -> None:
    with socket.socket() as sock:
        # As the servers themselves do: connections in TIME_WAIT do not make a port busy.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise RunnerError(f"port {port} ({purpose}) is already in use") from exc
            raise


def start(
    name: str, cmd: list[str], *, cwd: Path, env: dict, log_dir: Path, port: int | None = None
) -> Child:
    log_path = log_dir / f"{name}.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Child(name, process, log_path, port, cmd=cmd, cwd=cwd, env=env)


def restart(child: Child) -> Child:
    """The same command, directory, environment, log and port, started anew."""
    return start(
        child.name,
        child.cmd,
        cwd=child.cwd,
        env=child.env,
        log_dir=child.log_path.parent,
        port=child.port,
    )


def stop_all(children: list[Child]) -> None:
    """SIGTERM every group, wait for a graceful exit, then SIGKILL what is left."""
    for child in children:
        signal_group(child.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        try:
            child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            signal_group(child.process.pid, signal.SIGKILL)
            child.process.wait()


def stop_recorded(recorded: list[dict], *, group: bool = True) -> None:
    """Stop processes (or their groups) recorded by an earlier runner (``down``), skipping any
    pid that now belongs to another program."""
    send = signal_group if group else _signal_process
    pids = [entry["pid"] for entry in recorded if _runs(entry["pid"], entry["argv0"])]
    for pid in pids:
        send(pid, signal.SIGTERM)
    deadline = time.monotonic() + 2 * STOP_GRACE_SECONDS
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.2)
    for pid in pids:
        send(pid, signal.SIGKILL)


def program(pid: int, *, wait_seconds: float = 1.0) -> str | None:
    """The process' argv[0] as the kernel has it: for a script, its interpreter (gunicorn's is
    the venv's python), which is what ``stop_recorded`` compares; None once it is gone. Just
    after ``Popen`` returns the new program's arguments may not be in place yet (its
    close-on-exec descriptors close before they are): wait for them a moment."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            first = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            return None
        if first or time.monotonic() >= deadline:
            return first.decode(errors="replace") or None
        time.sleep(0.01)


def _runs(pid: int, argv0: str) -> bool:
    return program(pid, wait_seconds=0) == argv0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _signal_process(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)


def signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
