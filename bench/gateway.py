"""The ceiling (bare Django under gunicorn, bench/ceiling/) and the bench gateway: one
HAProxy in front of both the ceiling and the platform's replicas."""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from processes import descendants
from setup_http import answers

BENCH = Path(__file__).resolve().parent
VENV_BIN = BENCH.parent / ".venv" / "bin"
CEILING_GATEWAY_PORT = 9080
CEILING_PORTS = [9101, 9102]  # two replicas, like every service


def ceiling_worker_model() -> dict[str, int | str]:
    """Catalog's gunicorn worker model and count (the registry's ``Service.threads``, else
    ``WEB_CONCURRENCY`` sync workers): the drug detail is compared with bare Django served
    the same way."""
    from common.registry import service

    threads = service("catalog").threads
    if threads > 1:
        return {"worker_class": "gthread", "workers": 1, "threads": threads}
    return {
        "worker_class": "sync",
        "workers": int(os.environ.get("WEB_CONCURRENCY", "2")),
        "threads": 1,
    }


class Ceiling:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.procs: list[subprocess.Popen] = []

    def start(self):
        gunicorn = str(VENV_BIN / "gunicorn")
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        log = open(self.workdir / "ceiling.log", "w")  # noqa: SIM115 - lives as long as the run
        model = ceiling_worker_model()
        for port in CEILING_PORTS:
            self.procs.append(
                subprocess.Popen(
                    [
                        gunicorn,
                        "ceiling_app:application",
                        "--worker-class",
                        str(model["worker_class"]),
                        "--workers",
                        str(model["workers"]),
                        "--threads",
                        str(model["threads"]),
                        "--keep-alive",
                        "5",
                        "--bind",
                        f"127.0.0.1:{port}",
                    ],
                    cwd=BENCH / "ceiling",
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        servers = "\n".join(
            f"    server ceiling{i + 1} 127.0.0.1:{port}" for i, port in enumerate(CEILING_PORTS)
        )
        from common.registry import SERVICES  # the platform's own route table

        routes, backends = [], []
        for svc in SERVICES:
            prefixes = " ".join(svc.prefixes)
            routes.append(f"    acl route_{svc.name} path_beg {prefixes}")
            routes.append(f"    use_backend be_{svc.name} if route_{svc.name}")
            backends.append(
                "\n".join(
                    [
                        f"backend be_{svc.name}",
                        "    balance roundrobin",
                        "    http-request disable-l7-retry unless METH_GET",
                        "    option httpchk",
                        "    http-check send meth GET uri /healthz",
                        "    http-check expect status 200",
                        "    default-server check inter 2s fall 3 rise 2",
                        *(
                            f"    server {svc.name}{i + 1} 127.0.0.1:{port}"
                            for i, port in enumerate(svc.ports())
                        ),
                    ]
                )
            )
        template = (BENCH / "ceiling" / "haproxy.cfg.tmpl").read_text()
        config = self.workdir / "bench-haproxy.cfg"
        config.write_text(
            template.format(
                gateway_port=CEILING_GATEWAY_PORT,
                servers=servers,
                routes="\n".join(routes),
                backends="\n\n".join(backends),
            )
        )
        self.procs.append(
            subprocess.Popen(
                [haproxy, "-W", "-db", "-f", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if all(answers(f"http://127.0.0.1:{p}/healthz") for p in CEILING_PORTS) and answers(
                f"http://127.0.0.1:{CEILING_GATEWAY_PORT}/drug/1/"
            ):
                time.sleep(4.5)  # HAProxy marks both servers UP after two checks (rise 2)
                return
            time.sleep(0.5)
        raise SystemExit(f"the ceiling did not come up; see {self.workdir / 'ceiling.log'}")

    def pids(self) -> set[int]:
        return descendants([p.pid for p in self.procs if p.poll() is None])

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
