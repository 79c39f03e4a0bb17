"""What an attacker found, kept closed: each test replays one finding through the gateway.

The findings are issue 10's: forged refresh tokens, sign-in lockout bypasses, unenforced
OAuth scopes, pharmacists reading other pharmacies' prescriptions, back-office rights that
outlived role changes, anonymous 500s that took replicas out, and the hardening list.
"""

import base64
import csv
import io
import json
import socket
import uuid

import requests
from conftest import (
    DEMO_PASSWORD,
    Api,
    admin_login,
    admin_sign_in,
    create_user,
    form_fields,
    organization_id,
)
from runner.profiles import PROFILES


def problem(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text[:300]
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


def client_token(platform, client_id: str, secret: str, scope: str) -> str:
    response = requests.post(
        platform.url("/api/auth/oauth/token/"),
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": scope,
        },
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def replica_states() -> dict[str, str]:
    stats = requests.get(f"http://127.0.0.1:{PROFILES['e2e'].stats_port}/stats;csv", timeout=5)
    rows = csv.DictReader(io.StringIO(stats.text[2:]))
    return {
        row["svname"]: row["status"]
        for row in rows
        if row["pxname"].startswith("be_") and row["svname"] not in ("FRONTEND", "BACKEND")
    }


# 1. Refresh tokens --------------------------------------------------------------------------


def test_a_refresh_token_with_a_forged_signature_or_expiry_gets_nothing(platform):
    pair = requests.post(
        platform.url("/api/auth/token/"), json={"username": "patient", "password": DEMO_PASSWORD}
    ).json()
    header, payload, signature = pair["refresh"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    later = {**claims, "exp": claims["exp"] + 10 * 365 * 24 * 3600}
    edited = base64.urlsafe_b64encode(json.dumps(later).encode()).rstrip(b"=").decode()
    for forged in (
        f"{header}.{payload}.{'A' * len(signature)}",
        f"{header}.{payload}.",
        f"{header}.{edited}.{signature}",
    ):
        refused = requests.post(platform.url("/api/auth/token/refresh/"), json={"refresh": forged})
        problem(refused, 401, "token_invalid")
    genuine = requests.post(
        platform.url("/api/auth/token/refresh/"), json={"refresh": pair["refresh"]}
    )
    assert genuine.status_code == 200


# 2. One lockout for every password check ---------------------------------------------------


def test_the_admin_login_counts_failures_toward_the_same_lockout(platform):
    username, _ = create_user(
        platform,
        role="distributor",
        organization=organization_id(platform, "Acme Pharma Distribution"),
    )
    browser = requests.Session()
    for _ in range(5):
        admin_login(platform, username, "not-the-password", browser)
    _, right = admin_login(platform, username, DEMO_PASSWORD, browser)
    assert "pharma_admin" not in browser.cookies
    assert "Too many failed sign-ins" in right.text
    api = requests.post(
        platform.url("/api/auth/token/"), json={"username": username, "password": DEMO_PASSWORD}
    )
    problem(api, 429, "too_many_attempts")


def test_the_oauth_endpoint_is_no_password_oracle(platform):
    def password_grant(password: str):
        return requests.post(
            platform.url("/api/auth/oauth/token/"),
            data={
                "grant_type": "password",
                "username": "hospital_a",
                "password": password,
                "client_id": "st-marys-erp",
                "client_secret": "st-marys-erp-local-secret",
            },
        )

    right, wrong = password_grant(DEMO_PASSWORD), password_grant("wrong-password")
    assert right.status_code == wrong.status_code == 400
    assert right.json() == wrong.json()
    assert right.json()["error"] == "unsupported_grant_type"


# 3. OAuth scopes ---------------------------------------------------------------------------


def test_an_erp_token_for_reading_orders_places_none(platform):
    token = client_token(platform, "st-marys-erp", "st-marys-erp-local-secret", "orders:read")
    erp = requests.Session()
    erp.headers["Authorization"] = f"Bearer {token}"
    assert erp.get(platform.url("/api/orders/")).status_code == 200
    placed = erp.post(platform.url("/api/orders/"), json={"lines": [{"drug": 1, "quantity": 1}]})
    problem(placed, 403, "insufficient_scope")
    problem(erp.get(platform.url("/api/pricing/contracts/")), 403, "insufficient_scope")


# 4. A prescription belongs to the pharmacy it was sent to -----------------------------------


def test_a_pharmacist_of_another_pharmacy_sees_none_of_corner_pharmacys_prescriptions(platform):
    created = Api(platform, "admin").post(
        "/api/auth/organizations/",
        {"name": f"Harbor Pharmacy {uuid.uuid4().hex[:6]}", "type": "pharmacy", "licenses": []},
    )
    assert created.status_code == 201, created.text
    other, _ = create_user(platform, role="pharmacist", organization=created.json()["id"])
    corner = Api(platform, "pharmacist").get("/api/rx/prescriptions/").json()["results"]
    assert corner, "the demo prescriptions belong to Corner Pharmacy"
    stranger = Api(platform, other)
    assert stranger.get("/api/rx/prescriptions/").json()["results"] == []
    target = corner[0]["id"]
    problem(stranger.get(f"/api/rx/prescriptions/{target}/"), 404, "not_found")
    problem(stranger.get(f"/api/rx/prescriptions/{target}/document/"), 404, "not_found")
    problem(stranger.post(f"/api/rx/prescriptions/{target}/claim/"), 404, "not_found")
    pharmacies = Api(platform, "patient").get("/api/auth/pharmacies/").json()
    assert {"Corner Pharmacy", created.json()["name"]} <= {p["name"] for p in pharmacies}


# 5. Back-office rights follow the current role ---------------------------------------------


def _edit_user_in_the_admin(platform, user_id: int, **changes) -> None:
    admin = admin_sign_in(platform, "admin")
    url = platform.url(f"/admin/auth/accounts/user/{user_id}/change/")
    fields = form_fields(admin.get(url).text)
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = [str(value)]
    saved = admin.post(url, data={**fields, "_save": "Save"}, headers={"Referer": url})
    assert saved.status_code == 200 and "errornote" not in saved.text, saved.text[-2000:]


def test_a_role_change_and_a_deactivation_end_the_old_admin_rights_everywhere(platform):
    lots = platform.url("/admin/catalog/inventory/lot/")
    queue = platform.url("/admin/rx/prescriptions/queuedprescription/")
    acme = organization_id(platform, "Acme Pharma Distribution")
    username, user_id = create_user(platform, role="distributor", organization=acme)
    staff = admin_sign_in(platform, username)
    assert staff.get(lots).url == lots

    corner = organization_id(platform, "Corner Pharmacy")
    _edit_user_in_the_admin(platform, user_id, role="pharmacist", organization=corner)
    # The old cookie is dead: the next visit goes by auth_svc, which issues one with the new
    # role (the person's auth session itself is still good).
    assert staff.get(lots).url == platform.url("/admin/auth/")
    assert staff.get(lots).status_code == 403
    assert staff.get(queue).url == queue

    _edit_user_in_the_admin(platform, user_id, is_active=None)
    assert staff.get(queue).url.startswith(platform.url("/admin/auth/login/"))
    assert admin_sign_in_fails(platform, username)


def admin_sign_in_fails(platform, username: str) -> bool:
    browser, _ = admin_login(platform, username)
    return "pharma_admin" not in browser.cookies


# 6. Anonymous 500s, and replicas taken out by them -----------------------------------------


def _anonymous_attacks(platform) -> list[requests.Response]:
    deep = "[" * 1000 + "]" * 1000
    distributor, hospital = Api(platform, "distributor"), Api(platform, "hospital_a")
    return [
        requests.post(
            platform.url("/api/auth/token/"),
            data=deep,
            headers={"Content-Type": "application/json"},
        ),
        hospital.session.post(
            platform.url("/api/pricing/quotes/"),
            data=deep,
            headers={"Content-Type": "application/json"},
        ),
        distributor.get("/api/catalog/drugs/", params={"page_size": "²"}),
        distributor.get("/api/pricing/reports/chargebacks/", params={"to": "9999-12-31"}),
    ]


def test_malformed_requests_are_4xx_and_never_take_a_replica_out(platform):
    assert set(replica_states().values()) == {"UP"}
    for _ in range(8):  # 32 requests: once 20 such answers marked replicas down
        answers = _anonymous_attacks(platform)
        assert [a.status_code for a in answers] == [400, 400, 400, 200]
    problem(answers[0], 400, "parse_error")
    problem(answers[2], 400, "invalid_page_size")
    assert set(replica_states().values()) == {"UP"}


# Hardening ---------------------------------------------------------------------------------


def _declare_and_stall(platform, path: str, declared: int, token: str | None = None) -> bytes:
    """Send only the head of a request declaring ``declared`` body bytes, and 1 KiB of the
    body; the answer can only come from a server that refused without reading the rest."""
    host, port = platform.gateway.removeprefix("http://").split(":")
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {declared}\r\nConnection: close\r\n"
        + (f"Authorization: Bearer {token}\r\n" if token else "")
        + "\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode() + b"[" + b" " * 1023)
        answer = b""
        # The connection stays open (the client has not finished sending): read the answer.
        while b"}" not in answer and (chunk := sock.recv(65536)):
            answer += chunk
    return answer


def test_a_body_over_a_mebibyte_is_413_before_it_is_read(platform):
    hospital = Api(platform, "hospital_a").session.headers["Authorization"].split()[1]
    for path, token in (("/api/pricing/quotes/", hospital), ("/api/auth/token/", None)):
        answer = _declare_and_stall(platform, path, 20 * 1024 * 1024, token)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert b'"code":"request_too_large"' in answer.replace(b" ", b"")


def test_the_client_cannot_claim_https(platform):
    admin = Api(platform, "admin")
    page = admin.get(
        "/api/catalog/drugs/", params={"page_size": 1}, headers={"X-Forwarded-Proto": "https"}
    )
    assert page.json()["next"].startswith("http://127.0.0.1:")


def test_token_answers_are_never_cached(platform):
    for answer in (
        requests.post(
            platform.url("/api/auth/token/"),
            json={"username": "patient", "password": DEMO_PASSWORD},
        ),
        requests.post(platform.url("/api/auth/token/refresh/"), json={"refresh": "x.y.z"}),
        requests.post(
            platform.url("/api/auth/oauth/token/"),
            data={"grant_type": "client_credentials", "client_id": "nobody"},
        ),
    ):
        assert answer.headers["Cache-Control"] == "no-store"


def test_a_prescription_document_is_served_sandboxed_as_an_attachment(platform):
    patient = Api(platform, "patient")
    mine = patient.get("/api/rx/prescriptions/").json()["results"][0]
    document = patient.get(f"/api/rx/prescriptions/{mine['id']}/document/")
    assert document.status_code == 200
    assert document.headers["Content-Security-Policy"] == "sandbox"
    assert document.headers["X-Content-Type-Options"] == "nosniff"
    assert document.headers["Content-Disposition"].startswith("attachment")


def test_usernames_are_one_however_they_are_written(platform):
    """Through the admin's users API: anonymous registration has a small budget per address,
    which the fuzzing earlier in the suite spends; both paths normalise the same way."""
    base = f"sp_pat{uuid.uuid4().hex[:6]}"
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in base)
    create_user(platform, role="patient", organization=None, username=base)
    admin = Api(platform, "admin")
    for spelling in (base.upper(), wide):
        again = admin.post(
            "/api/auth/users/",
            {
                "username": spelling,
                "email": f"{uuid.uuid4().hex[:6]}@example.test",
                "password": "a-long-passphrase-42",
                "role": "patient",
                "organization": None,
            },
        )
        problem(again, 409, "username_taken")


def test_an_unknown_host_answers_problem_json(platform):
    response = requests.get(platform.url("/api/catalog/drugs/"), headers={"Host": "evil.example"})
    problem(response, 400, "invalid_host")
