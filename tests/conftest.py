"""Cross-service tests: the real platform, started by ``manage_all.py up --profile e2e``,
reached through HAProxy exactly as a client would."""

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
READY_LINE = "PharmaConnect is up"
BOOT_TIMEOUT_SECONDS = 240


class RunningPlatform:
    def __init__(self, process: subprocess.Popen, output: list[str], gateway: str):
        self.process = process
        self.output = output
        self.gateway = gateway

    def url(self, path: str) -> str:
        return f"{self.gateway}{path}"


def start_platform(profile: str, *extra: str, env: dict | None = None) -> RunningPlatform:
    """Start ``up`` and wait for its ready line; fail with its output if it never comes."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage_all.py"), "up", "--profile", profile, *extra],
        cwd=ROOT,
        env=env or dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    ready = threading.Event()

    def pump() -> None:
        for line in process.stdout:
            output.append(line.rstrip())
            if READY_LINE in line:
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + BOOT_TIMEOUT_SECONDS
    while not ready.is_set() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    if not ready.is_set():
        stop_platform(process)
        pytest.fail(f"`up --profile {profile}` did not become ready:\n" + "\n".join(output[-30:]))
    gateway = next(line.split(" at ")[1].split()[0] for line in output if READY_LINE in line)
    return RunningPlatform(process, output, gateway)


def stop_platform(process: subprocess.Popen) -> int:
    if process.poll() is None:
        process.send_signal(2)  # SIGINT, as Ctrl-C
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def replica_environ(profile: str, replica: str, name: str) -> str:
    """A variable of a running replica's environment (``orders-1``'s ``REDIS_URL``), from the
    runner's records of a profile: what that process was really given."""
    from runner.profiles import PROFILES

    recorded = json.loads((PROFILES[profile].run_dir / "pids.json").read_text())
    child = next(child for child in recorded["children"] if child["name"] == replica)
    prefix = f"{name}=".encode()
    environ = Path(f"/proc/{child['pid']}/environ").read_bytes().split(b"\0")
    return next(v[len(prefix) :].decode() for v in environ if v.startswith(prefix))


@pytest.fixture(scope="session")
def platform() -> Iterator[RunningPlatform]:
    running = start_platform("e2e", "--fresh")
    yield running
    stop_platform(running.process)


@pytest.fixture(scope="session")
def http() -> requests.Session:
    return requests.Session()


DEMO_PASSWORD = "pharma-demo-2026"


def admin_login(
    platform: RunningPlatform,
    username: str,
    password: str = DEMO_PASSWORD,
    session: requests.Session | None = None,
) -> tuple[requests.Session, requests.Response]:
    """One try at auth_svc's admin login form, as a browser makes it (CSRF token and all)."""
    session = session or requests.Session()
    login_url = platform.url("/admin/auth/login/")
    page = session.get(login_url)
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    response = session.post(
        login_url,
        data={**form, "username": username, "password": password},
        headers={"Referer": login_url},
    )
    return session, response


def admin_sign_in(platform: RunningPlatform, username: str) -> requests.Session:
    """A browser session signed in once, at auth_svc's admin (single sign-on)."""
    session, response = admin_login(platform, username)
    assert response.status_code == 200, response.text[:500]
    return session


@pytest.fixture(scope="session")
def admin_session(platform) -> requests.Session:
    return admin_sign_in(platform, "admin")


def gateway_admin(command: str) -> str:
    """A command on the e2e HAProxy's admin socket (e.g. take a service's replicas out)."""
    import socket

    from runner.profiles import PROFILES

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(str(PROFILES["e2e"].run_dir / "haproxy.sock"))
        sock.sendall(f"{command}\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


class ServiceOutage:
    """Takes every replica of a service out of HAProxy (as if it were down) until exit."""

    def __init__(self, name: str):
        self.name = name

    def _set(self, state: str) -> None:
        for n in (1, 2):
            gateway_admin(f"set server be_{self.name}/{self.name}{n} state {state}")

    def __enter__(self):
        self._set("maint")
        return self

    def __exit__(self, *exc):
        self._set("ready")


class Api:
    """A demo person's view of the platform through the gateway."""

    def __init__(self, platform: RunningPlatform, username: str, password: str = DEMO_PASSWORD):
        self.platform = platform
        token = requests.post(
            platform.url("/api/auth/token/"), json={"username": username, "password": password}
        )
        assert token.status_code == 200, token.text
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token.json()['access']}"

    def get(self, path: str, **kwargs):
        return self.session.get(self.platform.url(path), timeout=30, **kwargs)

    def post(self, path: str, body: dict | None = None, key: str | None = None, **kwargs):
        headers = {"Idempotency-Key": key} if key else {}
        return self.session.post(
            self.platform.url(path), json=body or {}, headers=headers, timeout=30, **kwargs
        )


def create_user(platform, *, role: str, organization: int | None, username: str | None = None):
    """A new person, made by the admin through the API; returns (username, id)."""
    username = username or f"{role[:4]}{uuid.uuid4().hex[:8]}"
    created = Api(platform, "admin").post(
        "/api/auth/users/",
        {
            "username": username,
            "email": f"{username}@example.test",
            "password": DEMO_PASSWORD,
            "role": role,
            "organization": organization,
        },
    )
    assert created.status_code == 201, created.text
    return username, created.json()["id"]


def organization_id(platform, name: str) -> int:
    orgs = Api(platform, "admin").get("/api/auth/organizations/", params={"page_size": 200})
    return next(o["id"] for o in orgs.json()["results"] if o["name"] == name)


class _FormFields(HTMLParser):
    """The values a browser would submit from a page's form: inputs, selects, textareas."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            if kind not in ("submit", "button", "file"):
                default = "on" if kind in ("checkbox", "radio") else ""  # what browsers send
                self.fields.setdefault(name, []).append(attributes.get("value") or default)
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attributes:
            self.fields[self._select].append(attributes.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea][0] += data


def form_fields(page: str) -> dict[str, list[str]]:
    parser = _FormFields()
    parser.feed(page)
    return parser.fields


@pytest.fixture(scope="session")
def stock_finder(platform):
    """``find(minimum, schedule=, rx_only=)`` → ``(drug, available)``: a demo drug no other test
    of the run has been given, not cold chain, with at least ``minimum`` sellable units."""
    from common.demo.catalog import drugs

    api = Api(platform, "distributor")
    used: set[int] = set()

    def find(
        minimum: int = 50, *, schedule: str = "", rx_only: bool | None = None
    ) -> tuple[int, int]:
        for drug in drugs():
            if drug.id in used or drug.schedule != schedule or drug.cold_chain:
                continue
            if rx_only is not None and drug.rx_only != rx_only:
                continue
            available = api.get(f"/api/catalog/drugs/{drug.id}/availability/").json()["available"]
            if available >= minimum:
                used.add(drug.id)
                return drug.id, available
        raise AssertionError("no demo drug with enough stock")

    return find
