"""HTTP for setting a run up and for one smoke request per scenario; the load is wrk's."""

import json
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "pharma-demo-2026")
HTTP_TIMEOUT_S = 15


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
