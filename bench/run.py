"""PharmaConnect benchmark: every scenario through HAProxy with wrk, against a ceiling.

    python3 bench/run.py [--quick] [--url URL]

Uses the platform already answering at URL (default http://127.0.0.1:8080), or starts
``manage_all.py up`` (dev profile) itself and stops it afterwards. The ceiling (bare Django,
one primary-key SELECT, the same gunicorn worker model and count, its own HAProxy on
127.0.0.1:9080 -> 9101/9102) runs in the same invocation. Results go to
bench/results/<date>.md and .json.
"""

import argparse
import datetime as dt
import json
import os
import platform as pyplatform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cpu
import oversell
import plot
from curves import run_curves
from databases import database_name, service_database_urls
from report import write_reports

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
VENV_BIN = ROOT / ".venv" / "bin"
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "pharma-demo-2026")
CEILING_GATEWAY_PORT = 9080
CEILING_PORTS = [9101, 9102]  # two replicas, like every service
WORKERS_PER_REPLICA = int(os.environ.get("WEB_CONCURRENCY", "2"))
BOOT_TIMEOUT_S = 300
QUICK_S, FULL_S = 5, 30  # seconds of load per scenario
HTTP_TIMEOUT_S = 15
# Quotas used only when this script starts the platform itself (reported in the results).
OWN_PLATFORM_QUOTAS = {"QUOTA_WRITE": "6000/60", "QUOTA_SIGN_IN": "6000/60"}
POOL_SIZE = 16  # users per token pool: the 16 or more busy buyers
HOT_SPOT_CONNECTIONS = 50
HOT_SPOT_UNITS = 20_000
EXPIRING_PATH = "/api/catalog/reports/expiring/?days=90"


STARTED = time.monotonic()


def elapsed_s() -> float:
    return round(time.monotonic() - STARTED, 1)


def say(msg: str) -> None:
    print(f"[bench {elapsed_s():6.1f}s] {msg}", flush=True)


# --- HTTP helpers (setup only; the load itself is wrk's) -------------------------------------


def http(method, url, *, token=None, body=None, form=None, headers=None):
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT_S) as resp:
            raw = resp.read()
            return resp.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, raw.decode(errors="replace")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def sign_in(url, username):
    status, data = http(
        "POST", f"{url}/api/auth/token/", body={"username": username, "password": DEMO_PASSWORD}
    )
    if status != 200:
        raise SystemExit(f"sign-in of {username} failed: {status} {data}")
    return data["access"]


# --- processes and memory --------------------------------------------------------------------


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


def _descendants(pids: list[int]) -> set[int]:
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


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def platform_pids() -> set[int]:
    """Every gunicorn (master and workers) and HAProxy process of the dev platform."""
    pids_file = ROOT / ".run" / "dev" / "pids.json"
    roots: list[int] = []
    if pids_file.exists():
        recorded = json.loads(pids_file.read_text())
        roots = [child["pid"] for child in recorded.get("children", [])]
    return {
        pid
        for pid in _descendants(roots)
        if "gunicorn" in _cmdline(pid) or "haproxy" in _cmdline(pid)
    }


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


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


# --- the platform ----------------------------------------------------------------------------


class OwnPlatform:
    """``manage_all.py up`` started here (dev profile) and stopped by ``down`` afterwards."""

    def __init__(self, url: str, log_path: Path):
        self.url = url
        self.log_path = log_path
        self.proc = None

    def start(self):
        env = {**os.environ, **OWN_PLATFORM_QUOTAS}
        say(f"starting the platform (manage_all.py up, {OWN_PLATFORM_QUOTAS}); log {self.log_path}")
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "manage_all.py"), "up"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                raise SystemExit(f"manage_all.py up exited ({code}); see {self.log_path}")
            # the banner (demo accounts) is printed once the demo orders are placed
            if "demo accounts" in self.log_path.read_text() and answers(
                f"{self.url}/api/auth/.well-known/jwks.json"
            ):
                return
            time.sleep(1)
        raise SystemExit(f"the platform did not come up in {BOOT_TIMEOUT_S}s")

    def stop(self):
        if self.proc is None:
            return
        say("stopping the platform (manage_all.py down)")
        subprocess.run([sys.executable, str(ROOT / "manage_all.py"), "down"], cwd=ROOT, check=False)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        self.log.close()


# --- the ceiling -----------------------------------------------------------------------------


class Ceiling:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.procs: list[subprocess.Popen] = []

    def start(self):
        gunicorn = str(VENV_BIN / "gunicorn")
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        log = open(self.workdir / "ceiling.log", "w")  # noqa: SIM115 - lives as long as the run
        for port in CEILING_PORTS:
            self.procs.append(
                subprocess.Popen(
                    [
                        gunicorn,
                        "ceiling_app:application",
                        "--worker-class",
                        "sync",
                        "--workers",
                        str(WORKERS_PER_REPLICA),
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
        return _descendants([p.pid for p in self.procs if p.poll() is None])

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


# --- wrk -------------------------------------------------------------------------------------


def _lua_str(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def _lua_list(values: list[str]) -> str:
    return "{" + ", ".join(_lua_str(v) for v in values) + "}"


def run_wrk(base_url, scenario, *, duration_s, connections, threads, workdir, run_id):
    connections = scenario.get("connections", connections)
    prelude = (
        "CFG = {"
        f"method = {_lua_str(scenario['method'])}, "
        f"paths = {_lua_list(scenario['paths'])}, "
        f"bodies = {_lua_list(scenario.get('bodies', []))}, "
        f"tokens = {_lua_list(scenario.get('tokens', []))}, "
        f"content_type = {_lua_str(scenario.get('content_type', ''))}, "
        f"idempotency = {'true' if scenario.get('idempotency') else 'false'}, "
        f"run_id = {_lua_str(run_id + '-' + scenario['key'])}"
        "}\n"
    )
    script = workdir / f"{scenario['key']}.lua"
    script.write_text(prelude + (BENCH / "scenario.lua").read_text())
    cmd = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={duration_s}s",
        "--timeout=10s",
        "--latency",
        f"--script={script}",
        base_url,
    ]
    # wrk stops itself after duration_s; the subprocess timeout is the outer bound.
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration_s + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result for {scenario['key']}: {out.stdout}\n{out.stderr}")
    data = json.loads(line[len("BENCH_JSON ") :])
    statuses = {k: v for k, v in data["statuses"].items()}
    ok = sum(v for k, v in statuses.items() if k.startswith("2"))
    r429 = sum(v for k, v in statuses.items() if k.startswith("429"))
    r5xx = sum(v for k, v in statuses.items() if k.startswith("5"))
    socket_errors = sum(data["errors"][k] for k in ("connect", "read", "write", "timeout"))
    seconds = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "seconds": round(seconds, 2),
        "rps": round(data["requests"] / seconds, 1),
        "ok_rps": round(ok / seconds, 1),
        "p50_ms": round(data["latency_us"]["p50"] / 1000, 1),
        "p95_ms": round(data["latency_us"]["p95"] / 1000, 1),
        "p99_ms": round(data["latency_us"]["p99"] / 1000, 1),
        "max_ms": round(data["latency_us"]["max"] / 1000, 1),
        "statuses": statuses,
        "non_2xx": data["requests"] - ok,
        "http_429": r429,
        "http_5xx": r5xx,
        "errors_non_2xx_excluding_429": data["requests"] - ok - r429,
        "socket_errors": socket_errors,
    }


# --- scenario set-up -------------------------------------------------------------------------


def make_users(url, admin_token, orgs, count, tag, role="hospital"):
    """``count`` new users of ``role`` spread over ``orgs``, each signed in (four at a time:
    creating and signing in both hash a password)."""

    def create(i):
        username = f"bench{tag}{i:02d}"
        status, data = http(
            "POST",
            f"{url}/api/auth/users/",
            token=admin_token,
            body={
                "username": username,
                "email": f"{username}@example.test",
                "password": DEMO_PASSWORD,
                "role": role,
                "organization": orgs[i % len(orgs)],
            },
        )
        if status != 201:
            raise SystemExit(f"creating {role} {username} failed: {status} {data}")
        return sign_in(url, username)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(create, range(count)))


def receive_hot_stock(url, drug, run_id):
    """A lot of HOT_SPOT_UNITS units of ``drug`` received by the demo distributor, so that
    the hot spot measures contention on one drug rather than selling it out."""
    token = sign_in(url, "distributor")
    status, warehouses = http("GET", f"{url}/api/catalog/warehouses/", token=token)
    expiry = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    line = {"drug": drug, "lot_number": f"HOT{run_id[-8:]}", "expiry_date": expiry}
    status, data = http(
        "POST",
        f"{url}/api/catalog/receipts/",
        token=token,
        body={
            "warehouse": warehouses["results"][0]["id"],
            "lines": [{**line, "quantity": HOT_SPOT_UNITS}],
        },
    )
    if status != 201:
        raise SystemExit(f"receiving stock for the hot spot failed: {status} {data}")


def build_scenarios(url, run_id):
    admin = sign_in(url, "admin")
    buyer = sign_in(url, "hospital_a")
    status, orgs = http("GET", f"{url}/api/auth/organizations/?page_size=200", token=admin)
    names = ("St. Mary's Hospital", "Riverside General")
    buyer_orgs = [o["id"] for o in orgs["results"] if o["name"] in names]
    status, me = http("GET", f"{url}/api/auth/me/", token=sign_in(url, "distributor"))
    distributor_org = me["organization"]["id"]
    status, listing = http("GET", f"{url}/api/catalog/drugs/?page_size=200", token=buyer)
    unscheduled = [d for d in listing["results"] if not d["schedule"] and d["active"]]
    stocked = []
    for drug in unscheduled[:60]:
        avail_url = f"{url}/api/catalog/drugs/{drug['id']}/availability/"
        status, avail = http("GET", avail_url, token=buyer)
        if status == 200 and avail["available"] >= 300:
            stocked.append(drug)
        if len(stocked) >= 16:
            break
    if len(stocked) < 10:
        raise SystemExit(f"only {len(stocked)} drugs with stock; a 10-line quote needs 10")
    prefixes = sorted({d["name"][:4].lower() for d in listing["results"]})[:16]
    ids = [d["id"] for d in stocked]
    hot = ids[0]
    receive_hot_stock(url, hot, run_id)
    tag = run_id[-6:]
    say(f"creating {4 * POOL_SIZE} buyers in organizations {buyer_orgs}, {POOL_SIZE} back office")
    detail_tokens = make_users(url, admin, buyer_orgs, POOL_SIZE, tag + "r")
    read_tokens = make_users(url, admin, buyer_orgs, POOL_SIZE, tag + "s")
    write_tokens = make_users(url, admin, buyer_orgs, POOL_SIZE, tag + "w")
    # the search curve's own readers: the search and availability rows spend read quota
    curve_tokens = make_users(url, admin, buyer_orgs, POOL_SIZE, tag + "c")
    office_tokens = make_users(url, admin, [distributor_org], POOL_SIZE, tag + "d", "distributor")
    quote_lines = [{"drug": d, "quantity": 10} for d in ids[:10]]
    # five different drugs per order, the window sliding over the stocked drugs
    five_lines = [
        json.dumps({"lines": [{"drug": ids[(i + k) % len(ids)], "quantity": 1} for k in range(5)]})
        for i in range(len(ids))
    ]
    order = {
        "method": "POST",
        "paths": ["/api/orders/"],
        "content_type": "application/json",
        "idempotency": True,
        "tokens": write_tokens,
        "orders": True,
    }
    scenarios = [
        {
            "key": "drug_detail",
            "title": "drug detail (JWT)",
            "method": "GET",
            "paths": [f"/api/catalog/drugs/{d}/" for d in ids],
            "tokens": detail_tokens,
        },
        {
            "key": "search",
            "title": "search (4-letter prefix)",
            "method": "GET",
            "paths": [f"/api/catalog/drugs/?search={p}&page_size=20" for p in prefixes],
            "tokens": read_tokens,
        },
        {
            "key": "availability",
            "title": "availability",
            "method": "GET",
            "paths": [f"/api/catalog/drugs/{d}/availability/" for d in ids],
            "tokens": read_tokens,
        },
        {
            "key": "expiring_report",
            "title": "expiring-lots report (90 days, back office)",
            "method": "GET",
            "paths": [EXPIRING_PATH],
            "tokens": office_tokens,
        },
        {
            "key": "quote_10_lines",
            "title": "quote, 10 lines",
            "method": "POST",
            "paths": ["/api/pricing/quotes/"],
            "bodies": [json.dumps({"lines": quote_lines})],
            "content_type": "application/json",
            "tokens": write_tokens,
        },
        {
            **order,
            "key": "order_1_line",
            "title": "order placement, 1 line (full saga)",
            "bodies": [json.dumps({"lines": [{"drug": d, "quantity": 1}]}) for d in ids],
        },
        {
            **order,
            "key": "order_5_lines",
            "title": "order placement, 5 lines (full saga)",
            "bodies": five_lines,
        },
        {
            **order,
            "key": "order_hot_spot",
            "title": f"hot spot: {HOT_SPOT_CONNECTIONS} clients ordering one drug",
            "bodies": [json.dumps({"lines": [{"drug": hot, "quantity": 1}]})],
            "connections": HOT_SPOT_CONNECTIONS,
        },
        {
            "key": "sign_in",
            "title": "password sign-in",
            "method": "POST",
            "paths": ["/api/auth/token/"],
            "bodies": [
                json.dumps({"username": u, "password": DEMO_PASSWORD})
                for u in ("hospital_a", "hospital_b", "pharmacy", "distributor")
            ],
            "content_type": "application/json",
        },
        {
            "key": "client_credentials",
            "title": "client-credentials token",
            "method": "POST",
            "paths": ["/api/auth/oauth/token/"],
            "bodies": [
                urllib.parse.urlencode(
                    {
                        "grant_type": "client_credentials",
                        "client_id": "st-marys-erp",
                        "client_secret": "st-marys-erp-local-secret",
                        "scope": "orders:read",
                    }
                )
            ],
            "content_type": "application/x-www-form-urlencoded",
        },
    ]
    context = {
        "distributor_org": distributor_org,
        "curve_tokens": curve_tokens,
        "office_tokens": office_tokens,
        "search_paths": scenarios[1]["paths"],
    }
    return scenarios, context


def smoke(url, scenario):
    """One request as wrk will send it: a broken scenario is reported, not benchmarked."""
    headers = {}
    if scenario.get("tokens"):
        headers["Authorization"] = f"Bearer {scenario['tokens'][0]}"
    if scenario.get("content_type"):
        headers["Content-Type"] = scenario["content_type"]
    if scenario.get("idempotency"):
        headers["Idempotency-Key"] = f"bench-smoke-{uuid.uuid4().hex}"
    body = scenario["bodies"][0].encode() if scenario.get("bodies") else None
    req = urllib.request.Request(
        url + scenario["paths"][0], data=body, method=scenario["method"], headers=headers
    )
    try:
        with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT_S) as resp:
            return resp.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()[:300].decode(errors="replace")


# --- the run ---------------------------------------------------------------------------------


def setup_lines(result: dict) -> list[str]:
    """How the run was done, for the top of the Markdown report."""
    p = result["platform"]
    return [
        f"- machine: {result['machine']['cpus']} CPUs, {result['machine']['platform']}; "
        f"wrk {result['connections']} connections unless the row says otherwise, "
        f"{result['threads']} threads, {result['duration_s']} s per scenario, everything "
        "through HAProxy on one box",
        f"- platform: {p['source']}; quotas: {p['quotas']}",
        f"- ceiling: bare Django, no DRF/auth/middleware, one primary-key SELECT, gunicorn "
        f"{len(CEILING_PORTS)} replicas x {WORKERS_PER_REPLICA} sync workers behind its own "
        f"HAProxy (127.0.0.1:{CEILING_GATEWAY_PORT})",
        f"- platform memory (every gunicorn master and worker and the platform's HAProxy): "
        f"idle RSS {p['rss_idle_mib']} MiB (PSS {p['pss_idle_mib']} MiB); peak under load RSS "
        f"{p.get('rss_peak_under_load_mib')} MiB",
        f"- scenarios run through the bench gateway ({CEILING_GATEWAY_PORT}: the same HAProxy "
        "settings as the ceiling, the platform's route table, flood-shield threshold raised) "
        "unless marked 'via the platform's gateway'; services still call each other through "
        "the platform's gateway",
        f"- users: {POOL_SIZE} per token pool (hospital buyers of two organizations; the "
        "expiring report: back-office users of the demo distributor); the hot spot's "
        f"{HOT_SPOT_CONNECTIONS} connections share the write pool's {POOL_SIZE} buyers and "
        f"order from a lot of {HOT_SPOT_UNITS:,} units received for the run",
        f"- scale curves: {result['curves_note']}",
        f"- the whole run took {result['wall_s']} s (platform start, if any, included)",
    ]


def run_scenario(target, scenario, *, duration_s, wrk_opts, cpu_scope):
    """One scenario after a smoke request; order scenarios also get their CPU per order."""
    status, detail = smoke(target, scenario)
    if not 200 <= status < 300:
        say(f"{scenario['key']}: smoke request answered {status}: {detail}")
        return {"error": f"smoke request answered {status}"}
    before = cpu.snapshot(*cpu_scope()) if scenario.get("orders") else None
    with RssSampler(platform_pids) as sampler:
        r = run_wrk(target, scenario, duration_s=duration_s, **wrk_opts)
    if before is not None:
        spent = cpu.spent_s(before, cpu.snapshot(*cpu_scope()))
        orders = sum(v for k, v in r["statuses"].items() if k.startswith("2"))
        per_order = {g: round(1000 * t / orders, 2) for g, t in spent.items()} if orders else {}
        r["cpu"] = {
            "orders": orders,
            "cpu_s": spent,
            "groups_ms_per_order": per_order,
            "total_ms_per_order": round(sum(per_order.values()), 2) if orders else None,
        }
    r["rss_peak_mib"] = sampler.peak
    r["pss_peak_mib"] = sampler.peak_pss
    say(f"{scenario['key']}: {r['ok_rps']} req/s, p99 {r['p99_ms']} ms, statuses {r['statuses']}")
    return r


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_S} s per scenario, the smallest size of each scale curve "
        f"(default {FULL_S} s, every size)",
    )
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    duration = QUICK_S if args.quick else FULL_S
    pause = 1 if args.quick else 2  # between scenarios: the last one's connections close
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    host = urllib.parse.urlsplit(args.url).hostname
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit("bench only drives a platform on 127.0.0.1")
    plot.ensure_matplotlib()  # before the load, so an install never runs while measuring

    run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    workdir = Path(tempfile.mkdtemp(prefix="pharma-bench-"))
    own = None
    ceiling = Ceiling(workdir)
    result = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "run_id": run_id,
        "size": "quick" if args.quick else "full",
        "url": args.url,
        "duration_s": duration,
        "connections": args.connections,
        "threads": args.threads,
        "machine": {"cpus": os.cpu_count(), "platform": pyplatform.platform()},
        "curves_note": "the smallest size of each curve only (--quick)"
        if args.quick
        else "every size",
    }
    try:
        if answers(f"{args.url}/api/auth/.well-known/jwks.json"):
            source = "already running (quotas as it was started)"
            quotas = "as configured by whoever started it"
        else:
            own = OwnPlatform(args.url, workdir / "platform.log")
            own.start()
            source = "started by bench/run.py (manage_all.py up, dev profile)"
            quotas = "on; QUOTA_READ default 600/60 per person; " + ", ".join(
                f"{k}={v}" for k, v in OWN_PLATFORM_QUOTAS.items()
            )
        time.sleep(3)
        rss_idle = total_rss_mib(platform_pids())
        result["platform"] = {
            "source": source,
            "quotas": quotas,
            "rss_idle_mib": rss_idle,
            "pss_idle_mib": total_pss_mib(platform_pids()),
            "processes": len(platform_pids()),
        }
        say(f"platform idle RSS {rss_idle} MiB over {result['platform']['processes']} processes")
        databases = service_database_urls(platform_pids())
        names = {database_name(url) for url in databases.values()}

        def cpu_scope():
            return platform_pids(), ceiling.pids(), names

        say("starting the bench gateway (ceiling + the platform's replicas)")
        ceiling.start()
        bench_url = f"http://127.0.0.1:{CEILING_GATEWAY_PORT}"
        wrk_opts = {
            "connections": args.connections,
            "threads": args.threads,
            "workdir": workdir,
            "run_id": run_id,
        }
        # warm-up: connections, the workers' first requests
        ceiling_warmup = {"key": "ceiling_warmup", "method": "GET", "paths": ["/drug/1/"]}
        run_wrk(bench_url, ceiling_warmup, duration_s=2, **wrk_opts)
        ceiling_scenario = {
            "key": "ceiling",
            "method": "GET",
            "paths": [f"/drug/{i}/" for i in range(1, 17)],
        }
        with RssSampler(ceiling.pids) as sampler:
            ceiling_result = run_wrk(bench_url, ceiling_scenario, duration_s=duration, **wrk_opts)
        ceiling_result["rss_peak_mib"] = sampler.peak
        ceiling_result["pss_peak_mib"] = sampler.peak_pss
        result["ceiling"] = ceiling_result
        say(f"ceiling: {ceiling_result['ok_rps']} req/s, p99 {ceiling_result['p99_ms']} ms")

        run_started = dt.datetime.now(dt.UTC)
        scenarios, context = build_scenarios(args.url, run_id)
        # Last: drug detail through the platform's own gateway, where HAProxy's per-address
        # flood shield (5000 requests / 10 s) caps one load generator on 127.0.0.1.
        scenarios.append(
            {
                **scenarios[0],
                "key": "drug_detail_platform_gateway",
                "title": "drug detail (JWT) via the platform's gateway, flood shield on",
                "via_platform_gateway": True,
            }
        )
        result["scenarios"] = []
        for scenario in scenarios:
            target = args.url if scenario.get("via_platform_gateway") else bench_url
            scenario_result = run_scenario(
                target, scenario, duration_s=duration, wrk_opts=wrk_opts, cpu_scope=cpu_scope
            )
            result["scenarios"].append(
                {
                    "key": scenario["key"],
                    "title": scenario["title"],
                    "via": target,
                    "connections": scenario.get("connections", args.connections),
                    "result": scenario_result,
                }
            )
            time.sleep(pause)
        result["platform"]["rss_peak_under_load_mib"] = max(
            (s["result"].get("rss_peak_mib", 0) for s in result["scenarios"]), default=0
        )
        ran = zip(result["scenarios"], scenarios, strict=True)
        order_results = [done["result"] for done, asked in ran if asked.get("orders")]
        result["oversell"] = {
            **oversell.check(
                catalog_url=databases["catalog"], orders_url=databases["orders"], since=run_started
            ),
            "http_5xx": sum(r.get("http_5xx", 0) for r in order_results),
        }
        say(f"oversell check: {result['oversell']}")

        def measure(scenario, duration_s):
            return run_wrk(bench_url, scenario, duration_s=duration_s, **wrk_opts)

        result["curves"] = run_curves(
            catalog_url=databases["catalog"],
            distributor_org=context["distributor_org"],
            search={
                "key": "curve_search",
                "method": "GET",
                "paths": context["search_paths"],
                "tokens": context["curve_tokens"],
            },
            expiring={
                "key": "curve_expiring",
                "method": "GET",
                "paths": [EXPIRING_PATH],
                "tokens": context["office_tokens"],
            },
            quick=args.quick,
            duration_s=max(3, duration // 2),
            measure=measure,
            say=say,
        )
    finally:
        ceiling.stop()
        if own is not None:
            own.stop()
    result["wall_s"] = elapsed_s()  # before the plot and the reports are written
    md_path, json_path = write_reports(result, RESULTS, setup_lines(result))
    say(f"wrote {md_path.relative_to(ROOT)} and {json_path.relative_to(ROOT)} (and the .png)")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
