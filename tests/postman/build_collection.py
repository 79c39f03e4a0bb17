"""Writes the Postman collection and environment of PharmaConnect's public API
(``pharmaconnect.postman_collection.json``, ``native.postman_environment.json``).

The collection is data; this script is how it is kept readable: each request is one call of
``request(...)`` with its test script built from small assertions. Run it after changing a
case (``../../.venv/bin/python build_collection.py``); a test fails when the committed JSON
differs from what it writes.

The run is one story through every endpoint of API.md, with chained variables: people sign
in → the admin creates a hospital and its buyer → the distributor adds a drug, stocks and
prices it → the buyer quotes and orders → the distributor ships → the buyer reads the DSCSA
record and takes delivery; a new patient uploads prescriptions that the pharmacist claims,
approves and rejects, and the orders service uses a fill. Every request also asserts the
platform's conventions (request id, rate-limit headers, never a 429, problem+json errors).
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLLECTION = HERE / "pharmaconnect.postman_collection.json"
ENVIRONMENT = HERE / "native.postman_environment.json"

# --- test-script pieces ----------------------------------------------------------------------


def status(code: int) -> str:
    return f'pm.test("status {code}", () => pm.response.to.have.status({code}));'


def problem(code: int, error: str | None = None) -> str:
    """A problem+json answer with ``status`` and, when given, the stable ``code``."""
    lines = [
        status(code),
        'pm.test("problem+json", () => pm.expect(pm.response.headers.get("Content-Type"))'
        '.to.include("application/problem+json"));',
        "const problem = pm.response.json();",
        f'pm.test("problem status {code}", () => pm.expect(problem.status).to.eql({code}));',
        'pm.test("problem has type, title, detail and code", () => '
        'pm.expect(problem).to.include.keys("type", "title", "detail", "code"));',
    ]
    if error:
        lines.append(f'pm.test("code {error}", () => pm.expect(problem.code).to.eql("{error}"));')
    return "\n".join(lines)


def keys(*names: str, path: str = "body") -> str:
    quoted = ", ".join(f'"{name}"' for name in names)
    return (
        f"const body = pm.response.json();\n"
        f'pm.test("{path} has {", ".join(names)}", () => '
        f"pm.expect({path}).to.include.keys({quoted}));"
    )


def page_of(*names: str) -> str:
    """A paginated list whose rows (if any) have ``names``."""
    quoted = ", ".join(f'"{name}"' for name in names or ("id",))
    return (
        "const body = pm.response.json();\n"
        'pm.test("a page", () => pm.expect(body).to.include.keys("count", "next", "previous",'
        ' "results"));\n'
        f'pm.test("rows have {", ".join(names or ("id",))}", () => body.results.forEach('
        f"row => pm.expect(row).to.include.keys({quoted})));"
    )


def check(name: str, expression: str) -> str:
    return f"pm.test({json.dumps(name)}, () => pm.expect({expression}).to.be.ok);"


def equal(name: str, actual: str, expected: str) -> str:
    return f"pm.test({json.dumps(name)}, () => pm.expect({actual}).to.eql({expected}));"


def save(variable: str, expression: str) -> str:
    return f'pm.collectionVariables.set("{variable}", {expression});'


# --- requests --------------------------------------------------------------------------------

BEARER = {
    "hospital": "{{hospitalToken}}",
    "hospital_b": "{{hospitalBToken}}",
    "distributor": "{{distributorToken}}",
    "admin": "{{adminToken}}",
    "patient": "{{patientToken}}",
    "new_patient": "{{newPatientToken}}",
    "pharmacist": "{{pharmacistToken}}",
    "pharmacy": "{{pharmacyToken}}",
    "buyer": "{{buyerToken}}",
    "erp": "{{erpToken}}",
    "orders_service": "{{ordersServiceToken}}",
    "bogus": "not-a-jwt",
}


def request(
    name: str,
    method: str,
    path: str,
    *tests: str,
    who: str | None = None,
    body: dict | list | str | None = None,
    form: dict | None = None,
    files: dict | None = None,
    headers: dict | None = None,
    prerequest: str = "",
) -> dict:
    header = [{"key": "Accept", "value": "application/json"}]
    if who:
        header.append({"key": "Authorization", "value": f"Bearer {BEARER[who]}"})
    for key, value in (headers or {}).items():
        header.append({"key": key, "value": value})
    raw_path = path.lstrip("/")
    item_request: dict = {
        "method": method,
        "header": header,
        "url": {
            "raw": "{{baseUrl}}/" + raw_path,
            "host": ["{{baseUrl}}"],
            "path": raw_path.split("?")[0].split("/"),
        },
    }
    if "?" in raw_path:
        query = raw_path.split("?", 1)[1]
        item_request["url"]["query"] = [
            {"key": pair.split("=", 1)[0], "value": pair.split("=", 1)[1]}
            for pair in query.split("&")
        ]
    if body is not None:
        header.append({"key": "Content-Type", "value": "application/json"})
        raw = body if isinstance(body, str) else json.dumps(body, indent=2)
        item_request["body"] = {"mode": "raw", "raw": raw}
    elif form is not None:
        item_request["body"] = {
            "mode": "urlencoded",
            "urlencoded": [{"key": k, "value": v} for k, v in form.items()],
        }
    elif files is not None:
        item_request["body"] = {
            "mode": "formdata",
            "formdata": [
                {"key": k, "type": "file", "src": v[1:]}
                if isinstance(v, str) and v.startswith("@")
                else {"key": k, "type": "text", "value": v}
                for k, v in files.items()
            ],
        }
    events = [{"listen": "test", "script": {"type": "text/javascript", "exec": _lines(tests)}}]
    if prerequest:
        events.insert(
            0,
            {
                "listen": "prerequest",
                "script": {"type": "text/javascript", "exec": prerequest.splitlines()},
            },
        )
    return {"name": name, "event": events, "request": item_request}


def _lines(parts) -> list[str]:
    return "\n".join(parts).splitlines()


def folder(name: str, description: str, *items: dict) -> dict:
    return {"name": name, "description": description, "item": list(items)}


def sign_in(username: str, variable: str, refresh: str | None = None) -> dict:
    tests = [
        status(200),
        keys("access", "refresh", "token_type", "expires_in"),
        equal("Bearer", "body.token_type", '"Bearer"'),
        save(variable, "body.access"),
    ]
    if refresh:
        tests.append(save(refresh, "body.refresh"))
    return request(
        f"sign in as {username}",
        "POST",
        "/api/auth/token/",
        *tests,
        body={"username": username, "password": "{{password}}"},
    )


def client_token(name: str, client: str, secret: str, scope: str, variable: str) -> dict:
    return request(
        name,
        "POST",
        "/api/auth/oauth/token/",
        status(200),
        keys("access_token", "token_type", "expires_in", "scope"),
        equal("the scope asked for", "body.scope", f'"{scope}"'),
        check("a JWT", 'body.access_token.split(".").length === 3'),
        save(variable, "body.access_token"),
        form={
            "grant_type": "client_credentials",
            "client_id": client,
            "client_secret": secret,
            "scope": scope,
        },
    )


# A GTIN-14 with its check digit and an NDC nobody has, made before the drug is created.
NEW_DRUG_IDS = """
const digits = String(Date.now()).slice(-8) + String(Math.floor(Math.random() * 10));
const ndc = `7${digits.slice(0, 4)}-${digits.slice(4, 7)}-${digits.slice(7, 9)}`;
const body13 = `003${ndc.replace(/-/g, "")}`;
let sum = 0;
for (let i = 0; i < 13; i++) sum += Number(body13[12 - i]) * (i % 2 === 0 ? 3 : 1);
const gtin = body13 + String((10 - (sum % 10)) % 10);
pm.collectionVariables.set("newNdc", ndc);
pm.collectionVariables.set("newGtin", gtin);
pm.collectionVariables.set("badGtin", body13 + String(((10 - (sum % 10)) % 10 + 1) % 10));
pm.collectionVariables.set("runId", digits);
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
pm.collectionVariables.set("today", day(0));
pm.collectionVariables.set("in400Days", day(400));
pm.collectionVariables.set("in60Days", day(60));
pm.collectionVariables.set("yesterday", day(-1));
pm.collectionVariables.set("lastWeek", day(-7));
"""


def auth_folder() -> dict:
    return folder(
        "auth",
        "Sign-in, refresh rotation, logout, client credentials, keys, me, registration, "
        "organizations, users, pharmacies.",
        request(
            "set up the run's identifiers",
            "GET",
            "/api/auth/.well-known/jwks.json",
            status(200),
            prerequest=NEW_DRUG_IDS,
        ),
        sign_in("hospital_a", "hospitalToken"),
        sign_in("hospital_b", "hospitalBToken"),
        sign_in("distributor", "distributorToken"),
        sign_in("admin", "adminToken"),
        sign_in("patient", "patientToken"),
        sign_in("pharmacist", "pharmacistToken"),
        sign_in("pharmacy", "pharmacyToken"),
        request(
            "sign in with a wrong password → 401",
            "POST",
            "/api/auth/token/",
            status(401),
            check("no tokens", '!("access" in pm.response.json())'),
            body={"username": "nobody-{{runId}}", "password": "not-the-password"},
        ),
        request(
            "sign in without a password → 400 with errors",
            "POST",
            "/api/auth/token/",
            problem(400),
            check("the field is named", '"password" in problem.errors'),
            body={"username": "patient"},
        ),
        sign_in("patient", "patientAccess2", refresh="patientRefresh2"),
        request(
            "refresh rotates the pair",
            "POST",
            "/api/auth/token/refresh/",
            status(200),
            keys("access", "refresh"),
            check(
                "a new refresh", 'body.refresh !== pm.collectionVariables.get("patientRefresh2")'
            ),
            save("patientRefresh3", "body.refresh"),
            body={"refresh": "{{patientRefresh2}}"},
        ),
        request(
            "replaying the rotated refresh → 401",
            "POST",
            "/api/auth/token/refresh/",
            status(401),
            body={"refresh": "{{patientRefresh2}}"},
        ),
        sign_in("patient", "patientAccess4", refresh="patientRefresh4"),
        request(
            "logout revokes the refresh",
            "POST",
            "/api/auth/token/revoke/",
            check("2xx", "pm.response.code >= 200 && pm.response.code < 300"),
            who=None,
            headers={"Authorization": "Bearer {{patientAccess4}}"},
            body={"refresh": "{{patientRefresh4}}"},
        ),
        request(
            "a revoked refresh → 401",
            "POST",
            "/api/auth/token/refresh/",
            status(401),
            body={"refresh": "{{patientRefresh4}}"},
        ),
        client_token(
            "client credentials: the hospital's ERP (orders:read)",
            "st-marys-erp",
            "st-marys-erp-local-secret",
            "orders:read",
            "erpToken",
        ),
        client_token(
            "client credentials: the orders service (inventory:reserve rx:consume)",
            "orders-service",
            "orders-local-secret",
            "inventory:reserve rx:consume",
            "ordersServiceToken",
        ),
        request(
            "client credentials with a wrong secret → 401",
            "POST",
            "/api/auth/oauth/token/",
            status(401),
            equal("invalid_client", "pm.response.json().error", '"invalid_client"'),
            form={
                "grant_type": "client_credentials",
                "client_id": "st-marys-erp",
                "client_secret": "wrong",
                "scope": "orders:read",
            },
        ),
        request(
            "JWKS",
            "GET",
            "/api/auth/.well-known/jwks.json",
            status(200),
            keys("keys"),
            check("at least one key", "body.keys.length >= 1"),
            check(
                "keys have kid, kty, alg, n, e",
                'body.keys.every(k => ["kid", "kty", "alg", "n", "e"].every(f => f in k))',
            ),
        ),
        request(
            "OpenID configuration",
            "GET",
            "/api/auth/.well-known/openid-configuration",
            status(200),
            keys("issuer", "token_endpoint", "jwks_uri"),
        ),
        request(
            "me",
            "GET",
            "/api/auth/me/",
            status(200),
            keys("id", "username", "email", "role", "organization"),
            equal("hospital_a", "body.username", '"hospital_a"'),
            equal("a hospital", "body.organization.type", '"hospital"'),
            save("stMarysId", "body.organization.id"),
            who="hospital",
        ),
        request("me without a token → 401", "GET", "/api/auth/me/", problem(401)),
        request("me with a forged token → 401", "GET", "/api/auth/me/", problem(401), who="bogus"),
        request(
            "register a patient",
            "POST",
            "/api/auth/register/",
            status(201),
            keys("id", "username"),
            body={
                "username": "pm-patient-{{runId}}",
                "email": "pm-patient-{{runId}}@example.test",
                "password": "{{newPatientPassword}}",
            },
        ),
        request(
            "register with a common password → 400",
            "POST",
            "/api/auth/register/",
            problem(400),
            check("the password is named", '"password" in problem.errors'),
            body={
                "username": "pm-weak-{{runId}}",
                "email": "pm-weak-{{runId}}@example.test",
                "password": "password",
            },
        ),
        request(
            "sign in as the new patient",
            "POST",
            "/api/auth/token/",
            status(200),
            keys("access"),
            save("newPatientToken", "body.access"),
            body={"username": "pm-patient-{{runId}}", "password": "{{newPatientPassword}}"},
        ),
        request(
            "organizations (admin)",
            "GET",
            "/api/auth/organizations/?page_size=200",
            status(200),
            page_of("id", "name", "type", "licenses"),
            save(
                "acmeId",
                'body.results.find(o => o.name === "Acme Pharma Distribution").id',
            ),
            who="admin",
        ),
        request(
            "organizations as a hospital → 403",
            "GET",
            "/api/auth/organizations/",
            problem(403),
            who="hospital",
        ),
        request(
            "create a hospital with a DEA licence",
            "POST",
            "/api/auth/organizations/",
            status(201),
            keys("id", "name", "type", "licenses"),
            equal("one DEA licence", "body.licenses[0].kind", '"dea"'),
            save("newOrgId", "body.id"),
            who="admin",
            body={
                "name": "Postman Clinic {{runId}}",
                "type": "hospital",
                "licenses": [
                    {
                        "kind": "dea",
                        "number": "BP{{runId}}",
                        "schedules": ["CII", "CIII"],
                        "expires_on": "{{in400Days}}",
                    }
                ],
            },
        ),
        request(
            "create an organization of an unknown type → 400",
            "POST",
            "/api/auth/organizations/",
            problem(400),
            check("type is named", '"type" in problem.errors'),
            who="admin",
            body={"name": "Nowhere {{runId}}", "type": "spaceport", "licenses": []},
        ),
        request(
            "an organization",
            "GET",
            "/api/auth/organizations/{{newOrgId}}/",
            status(200),
            keys("id", "name", "type", "licenses"),
            equal(
                "the one created",
                "body.name",
                '"Postman Clinic " + pm.collectionVariables.get("runId")',
            ),
            who="admin",
        ),
        request(
            "rename an organization",
            "PATCH",
            "/api/auth/organizations/{{newOrgId}}/",
            status(200),
            equal(
                "renamed",
                "pm.response.json().name",
                '"Postman Hospital " + pm.collectionVariables.get("runId")',
            ),
            who="admin",
            body={"name": "Postman Hospital {{runId}}"},
        ),
        request(
            "an organization that does not exist → 404",
            "GET",
            "/api/auth/organizations/999999/",
            problem(404),
            who="admin",
        ),
        request(
            "users (admin)",
            "GET",
            "/api/auth/users/",
            status(200),
            page_of("id", "username", "role"),
            who="admin",
        ),
        request(
            "create the hospital's buyer",
            "POST",
            "/api/auth/users/",
            status(201),
            keys("id", "username", "role"),
            equal("a hospital buyer", "body.role", '"hospital"'),
            who="admin",
            body={
                "username": "pm-buyer-{{runId}}",
                "email": "pm-buyer-{{runId}}@example.test",
                "password": "{{newPatientPassword}}",
                "role": "hospital",
                "organization": "{{newOrgId}}",
            },
        ),
        request(
            "create a user as a distributor → 403",
            "POST",
            "/api/auth/users/",
            problem(403),
            who="distributor",
            body={
                "username": "pm-nope-{{runId}}",
                "email": "pm-nope-{{runId}}@example.test",
                "password": "{{newPatientPassword}}",
                "role": "admin",
            },
        ),
        request(
            "the buyer signs in",
            "POST",
            "/api/auth/token/",
            status(200),
            save("buyerToken", "pm.response.json().access"),
            body={"username": "pm-buyer-{{runId}}", "password": "{{newPatientPassword}}"},
        ),
        request(
            "pharmacies",
            "GET",
            "/api/auth/pharmacies/",
            status(200),
            "const rows = Array.isArray(pm.response.json()) ? pm.response.json()"
            " : pm.response.json().results;",
            check("Corner Pharmacy is one", 'rows.some(p => p.name === "Corner Pharmacy")'),
            save("cornerId", 'rows.find(p => p.name === "Corner Pharmacy").id'),
            who="new_patient",
        ),
        request("pharmacies without a token → 401", "GET", "/api/auth/pharmacies/", problem(401)),
    )


def catalog_folder() -> dict:
    return folder(
        "catalog",
        "Drugs, availability, warehouses, lots, receipts, adjustments, lot status, recalls, "
        "the ledger, reports, reservations.",
        request(
            "search drugs, typo-tolerant",
            "GET",
            "/api/catalog/drugs/?search=atorvastatn&page_size=5",
            status(200),
            page_of("id", "ndc", "gtin", "name", "schedule", "rx_only"),
            check("Atorvastatin found", "body.results.some(d => /atorvastatin/i.test(d.name))"),
            save("searchDrugId", "body.results[0].id"),
            who="hospital",
        ),
        request("drugs without a token → 401", "GET", "/api/catalog/drugs/", problem(401)),
        request(
            "create a drug",
            "POST",
            "/api/catalog/drugs/",
            status(201),
            keys("id", "ndc", "gtin", "name", "schedule", "rx_only", "pack_size", "active"),
            equal("its NDC", "body.ndc", 'pm.collectionVariables.get("newNdc")'),
            save("newDrugId", "body.id"),
            who="distributor",
            body={
                "ndc": "{{newNdc}}",
                "gtin": "{{newGtin}}",
                "name": "Postmanol {{runId}} 10 mg Tablet",
                "generic_name": "postmanol",
                "strength": "10 mg",
                "dosage_form": "Tablet",
                "manufacturer": "Newman Labs",
                "schedule": "",
                "rx_only": True,
                "pack_size": 30,
            },
        ),
        request(
            "the same NDC again → 409",
            "POST",
            "/api/catalog/drugs/",
            problem(409, "duplicate_ndc"),
            who="distributor",
            body={
                "ndc": "{{newNdc}}",
                "gtin": "{{newGtin}}",
                "name": "Postmanol copy",
                "generic_name": "postmanol",
            },
        ),
        request(
            "a GTIN with a wrong check digit → 400",
            "POST",
            "/api/catalog/drugs/",
            problem(400, "invalid_gtin"),
            who="distributor",
            body={
                "ndc": "{{newNdc}}",
                "gtin": "{{badGtin}}",
                "name": "Postmanol bad",
                "generic_name": "postmanol",
            },
        ),
        request(
            "create a drug as a hospital → 403",
            "POST",
            "/api/catalog/drugs/",
            problem(403),
            who="hospital",
            body={"ndc": "{{newNdc}}", "gtin": "{{newGtin}}", "name": "x", "generic_name": "x"},
        ),
        request(
            "edit a drug",
            "PATCH",
            "/api/catalog/drugs/{{newDrugId}}/",
            status(200),
            equal("renamed", "pm.response.json().strength", '"10 mg (film-coated)"'),
            who="distributor",
            body={"strength": "10 mg (film-coated)"},
        ),
        request(
            "a drug",
            "GET",
            "/api/catalog/drugs/{{newDrugId}}/",
            status(200),
            keys(
                "id",
                "ndc",
                "gtin",
                "name",
                "generic_name",
                "strength",
                "dosage_form",
                "manufacturer",
                "schedule",
                "rx_only",
                "cold_chain",
                "pack_size",
                "unit",
                "active",
            ),
            who="hospital",
        ),
        request(
            "a drug that does not exist → 404",
            "GET",
            "/api/catalog/drugs/99999999/",
            problem(404),
            who="hospital",
        ),
        request(
            "warehouses",
            "GET",
            "/api/catalog/warehouses/",
            status(200),
            "const rows = Array.isArray(pm.response.json()) ? pm.response.json()"
            " : pm.response.json().results;",
            check("Main DC is one", 'rows.some(w => w.name === "Main DC")'),
            save("warehouseId", 'rows.find(w => w.name === "Main DC").id'),
            who="distributor",
        ),
        request(
            "create a warehouse",
            "POST",
            "/api/catalog/warehouses/",
            status(201),
            keys("id", "name", "owner_org", "address", "active"),
            who="distributor",
            body={"name": "Postman DC {{runId}}", "address": "1 Collection Way"},
        ),
        request(
            "warehouses as a hospital → 403",
            "GET",
            "/api/catalog/warehouses/",
            problem(403),
            who="hospital",
        ),
        request(
            "receive stock",
            "POST",
            "/api/catalog/receipts/",
            status(201),
            keys("id", "warehouse", "lines"),
            equal("500 received", "body.lines[0].quantity", "500"),
            save("newLotId", "body.lines[0].lot"),
            who="distributor",
            headers={"Idempotency-Key": "pm-receipt-{{runId}}"},
            body={
                "warehouse": "{{warehouseId}}",
                "lines": [
                    {
                        "drug": "{{newDrugId}}",
                        "lot_number": "PM{{runId}}",
                        "expiry_date": "{{in400Days}}",
                        "quantity": 500,
                    }
                ],
            },
        ),
        request(
            "receive stock already expired → 400",
            "POST",
            "/api/catalog/receipts/",
            problem(400),
            who="distributor",
            body={
                "warehouse": "{{warehouseId}}",
                "lines": [
                    {
                        "drug": "{{newDrugId}}",
                        "lot_number": "PMOLD{{runId}}",
                        "expiry_date": "{{yesterday}}",
                        "quantity": 5,
                    }
                ],
            },
        ),
        request(
            "a second lot, expiring sooner",
            "POST",
            "/api/catalog/receipts/",
            status(201),
            save("soonLotId", "pm.response.json().lines[0].lot"),
            who="distributor",
            body={
                "warehouse": "{{warehouseId}}",
                "lines": [
                    {
                        "drug": "{{newDrugId}}",
                        "lot_number": "PMS{{runId}}",
                        "expiry_date": "{{in60Days}}",
                        "quantity": 20,
                    }
                ],
            },
        ),
        request(
            "availability",
            "GET",
            "/api/catalog/drugs/{{newDrugId}}/availability/",
            status(200),
            keys("drug", "available", "on_hand", "earliest_expiry", "warehouses"),
            equal("520 sellable", "body.available", "520"),
            equal(
                "the sooner lot's expiry",
                "body.earliest_expiry",
                'pm.collectionVariables.get("in60Days")',
            ),
            who="hospital",
        ),
        request(
            "lots of the drug",
            "GET",
            "/api/catalog/lots/?drug={{newDrugId}}",
            status(200),
            page_of(
                "id",
                "drug",
                "warehouse",
                "lot_number",
                "expiry_date",
                "status",
                "on_hand",
                "reserved",
                "available",
            ),
            equal(
                "two lots, soonest first",
                "body.results.map(l => l.id)",
                '[Number(pm.collectionVariables.get("soonLotId")),'
                ' Number(pm.collectionVariables.get("newLotId"))]',
            ),
            who="distributor",
        ),
        request(
            "lots expiring within 90 days",
            "GET",
            "/api/catalog/lots/?drug={{newDrugId}}&expiring_within_days=90",
            status(200),
            page_of("id", "expiry_date"),
            equal(
                "only the sooner lot",
                "body.results.map(l => l.lot_number)",
                '["PMS" + pm.collectionVariables.get("runId")]',
            ),
            who="distributor",
        ),
        request(
            "lots as a hospital → 403", "GET", "/api/catalog/lots/", problem(403), who="hospital"
        ),
        request(
            "adjust stock (damage)",
            "POST",
            "/api/catalog/adjustments/",
            status(201),
            who="distributor",
            body={
                "lot": "{{soonLotId}}",
                "quantity_delta": -2,
                "reason": "damage",
                "note": "crushed carton",
            },
        ),
        request(
            "adjust below zero → 409",
            "POST",
            "/api/catalog/adjustments/",
            problem(409),
            who="distributor",
            body={
                "lot": "{{soonLotId}}",
                "quantity_delta": -100000,
                "reason": "count_correction",
                "note": "",
            },
        ),
        request(
            "adjust with an unknown reason → 400",
            "POST",
            "/api/catalog/adjustments/",
            problem(400),
            check("reason named", '"reason" in problem.errors'),
            who="distributor",
            body={"lot": "{{soonLotId}}", "quantity_delta": -1, "reason": "lunch"},
        ),
        request(
            "quarantine a lot",
            "POST",
            "/api/catalog/lots/{{soonLotId}}/quarantine/",
            status(200),
            check("quarantined", 'JSON.stringify(pm.response.json()).includes("quarantined")'),
            who="distributor",
            body={"reason": "temperature excursion"},
        ),
        request(
            "quarantine it again → 409",
            "POST",
            "/api/catalog/lots/{{soonLotId}}/quarantine/",
            problem(409, "invalid_transition"),
            who="distributor",
            body={"reason": "again"},
        ),
        request(
            "release it",
            "POST",
            "/api/catalog/lots/{{soonLotId}}/release/",
            status(200),
            check("available", 'JSON.stringify(pm.response.json()).includes("available")'),
            who="distributor",
            body={"reason": "logger data fine"},
        ),
        request(
            "quarantine as a hospital → 403",
            "POST",
            "/api/catalog/lots/{{soonLotId}}/quarantine/",
            problem(403),
            who="hospital",
            body={"reason": "no"},
        ),
        request(
            "the ledger of a lot",
            "GET",
            "/api/catalog/movements/?lot={{soonLotId}}",
            status(200),
            page_of("kind"),
            check("receipt and adjustment", 'body.results.map(m => m.kind).includes("adjustment")'),
            who="distributor",
        ),
        request(
            "expiring report",
            "GET",
            "/api/catalog/reports/expiring/?days=90&page_size=200",
            status(200),
            "const rows = Array.isArray(pm.response.json()) ? pm.response.json()"
            " : pm.response.json().results;",
            check(
                "the sooner lot is listed",
                'JSON.stringify(rows).includes("PMS" + pm.collectionVariables.get("runId"))',
            ),
            who="distributor",
        ),
        request(
            "low-stock report",
            "GET",
            "/api/catalog/reports/low-stock/",
            status(200),
            who="distributor",
        ),
        request(
            "reports as a hospital → 403",
            "GET",
            "/api/catalog/reports/low-stock/",
            problem(403),
            who="hospital",
        ),
        request(
            "reserve as a person → 403",
            "POST",
            "/api/catalog/reservations/",
            problem(403),
            who="distributor",
            headers={"Idempotency-Key": "pm-res-person-{{runId}}"},
            body={
                "reference": "PM-{{runId}}-X",
                "lines": [{"drug": "{{newDrugId}}", "quantity": 1}],
                "min_shelf_life_days": 0,
            },
        ),
        request(
            "reserve (service token), FEFO",
            "POST",
            "/api/catalog/reservations/",
            status(201),
            keys("id", "reference", "status", "expires_at", "lines"),
            equal("held", "body.status", '"held"'),
            equal(
                "the sooner lot first",
                "body.lines[0].allocations[0].lot",
                'Number(pm.collectionVariables.get("soonLotId"))',
            ),
            save("reservationId", "body.id"),
            who="orders_service",
            headers={"Idempotency-Key": "pm-res-{{runId}}"},
            body={
                "reference": "PM-{{runId}}-R1",
                "lines": [{"drug": "{{newDrugId}}", "quantity": 4}],
                "min_shelf_life_days": 0,
            },
        ),
        request(
            "release the reservation",
            "POST",
            "/api/catalog/reservations/{{reservationId}}/release/",
            status(200),
            equal("released", "pm.response.json().status", '"released"'),
            who="orders_service",
        ),
        request(
            "release it again (idempotent)",
            "POST",
            "/api/catalog/reservations/{{reservationId}}/release/",
            status(200),
            equal("still released", "pm.response.json().status", '"released"'),
            who="orders_service",
        ),
        request(
            "reserve more than there is → 409",
            "POST",
            "/api/catalog/reservations/",
            problem(409, "insufficient_stock"),
            check("the shortfall", "problem.lines[0].requested === 100000"),
            who="orders_service",
            headers={"Idempotency-Key": "pm-res-short-{{runId}}"},
            body={
                "reference": "PM-{{runId}}-R2",
                "lines": [{"drug": "{{newDrugId}}", "quantity": 100000}],
                "min_shelf_life_days": 0,
            },
        ),
        request(
            "reserve for a direct shipment",
            "POST",
            "/api/catalog/reservations/",
            status(201),
            save("reservation2Id", "pm.response.json().id"),
            who="orders_service",
            headers={"Idempotency-Key": "pm-res3-{{runId}}"},
            body={
                "reference": "PM-{{runId}}-R3",
                "lines": [{"drug": "{{newDrugId}}", "quantity": 2}],
                "min_shelf_life_days": 0,
            },
        ),
        request(
            "commit it (stock leaves)",
            "POST",
            "/api/catalog/reservations/{{reservation2Id}}/commit/",
            status(200),
            equal("committed", "pm.response.json().status", '"committed"'),
            who="orders_service",
            body={"shipped_at": "{{today}}T09:00:00Z", "buyer_org": "{{stMarysId}}"},
        ),
    )


def pricing_folder() -> dict:
    return folder(
        "pricing",
        "Quotes (no price, list, contract, rule), price lists, contracts, discount rules, "
        "chargebacks.",
        request(
            "quote a drug with no price → 400",
            "POST",
            "/api/pricing/quotes/",
            problem(400, "no_price"),
            who="buyer",
            body={"lines": [{"drug": "{{newDrugId}}", "quantity": 10}]},
        ),
        request(
            "price lists",
            "GET",
            "/api/pricing/price-lists/",
            status(200),
            page_of("id", "name", "currency", "valid_from"),
            who="distributor",
        ),
        request(
            "create a price list",
            "POST",
            "/api/pricing/price-lists/",
            status(201),
            keys("id", "name", "currency"),
            who="distributor",
            body={
                "name": "Postman WAC {{runId}}",
                "currency": "USD",
                "valid_from": "{{lastWeek}}",
                "items": [{"drug": "{{newDrugId}}", "unit_price": "12.50"}],
            },
        ),
        request(
            "price lists as a hospital → 403",
            "GET",
            "/api/pricing/price-lists/",
            problem(403),
            who="hospital",
        ),
        request(
            "create a contract for the new hospital",
            "POST",
            "/api/pricing/contracts/",
            status(201),
            keys("id", "buyer_org", "name", "valid_from", "valid_to", "items"),
            save("contractId", "body.id"),
            who="distributor",
            body={
                "buyer_org": "{{newOrgId}}",
                "name": "Postman contract {{runId}}",
                "valid_from": "{{lastWeek}}",
                "valid_to": "{{in400Days}}",
                "items": [{"drug": "{{newDrugId}}", "unit_price": "10.00"}],
            },
        ),
        request(
            "a contract with no items → 400",
            "POST",
            "/api/pricing/contracts/",
            problem(400),
            check("items named", '"items" in problem.errors'),
            who="distributor",
            body={
                "buyer_org": "{{newOrgId}}",
                "name": "empty",
                "valid_from": "{{today}}",
                "valid_to": "{{in400Days}}",
                "items": [],
            },
        ),
        request(
            "a contract as a hospital → 403",
            "POST",
            "/api/pricing/contracts/",
            problem(403),
            who="hospital",
            body={
                "buyer_org": "{{newOrgId}}",
                "name": "mine",
                "valid_from": "{{today}}",
                "valid_to": "{{in400Days}}",
                "items": [{"drug": "{{newDrugId}}", "unit_price": "0.01"}],
            },
        ),
        request(
            "the buyer reads its own contracts",
            "GET",
            "/api/pricing/contracts/",
            status(200),
            page_of("id", "buyer_org"),
            check(
                "its contract",
                'body.results.some(c => c.id === Number(pm.collectionVariables.get("contractId")))',
            ),
            check(
                "only its own",
                "body.results.every(c => c.buyer_org === "
                'Number(pm.collectionVariables.get("newOrgId")))',
            ),
            who="buyer",
        ),
        request(
            "another buyer does not see it",
            "GET",
            "/api/pricing/contracts/",
            status(200),
            check(
                "not listed",
                "!pm.response.json().results.some(c => c.id === "
                'Number(pm.collectionVariables.get("contractId")))',
            ),
            who="hospital_b",
        ),
        request(
            "discount rules",
            "GET",
            "/api/pricing/discount-rules/",
            status(200),
            page_of("id", "name", "kind"),
            who="distributor",
        ),
        request(
            "create a 5 % rule on the new drug",
            "POST",
            "/api/pricing/discount-rules/",
            status(201),
            keys("id", "name", "kind", "value"),
            who="distributor",
            body={
                "name": "Postman 5% {{runId}}",
                "kind": "percent",
                "value": "5",
                "drug": "{{newDrugId}}",
                "valid_from": "{{lastWeek}}",
                "valid_to": "{{in400Days}}",
                "priority": 100,
                "stackable": True,
            },
        ),
        request(
            "a rule of an unknown kind → 400",
            "POST",
            "/api/pricing/discount-rules/",
            problem(400),
            check("kind named", '"kind" in problem.errors'),
            who="distributor",
            body={
                "name": "bogus",
                "kind": "bogo",
                "value": "1",
                "valid_from": "{{today}}",
                "valid_to": "{{in400Days}}",
            },
        ),
        request(
            "quote: list price, then the contract, then the rule",
            "POST",
            "/api/pricing/quotes/",
            status(201),
            keys("id", "buyer_org", "currency", "lines", "total", "valid_until"),
            equal("list price", "Number(body.lines[0].list_price)", "12.5"),
            # 10.00 on contract, the demo's 2 % hospital volume tier, then our 5 %.
            equal("contract, tier, then 5 %", "Number(body.lines[0].unit_price)", "9.31"),
            equal("line total", "Number(body.lines[0].line_total)", "93.1"),
            equal("total", "Number(body.total)", "93.1"),
            equal(
                "every step listed",
                "body.lines[0].applied.map(a => a.source)",
                '["list", "contract", "rule", "rule"]',
            ),
            check("our rule last", 'body.lines[0].applied[3].description.includes("Postman 5%")'),
            equal(
                "for the buyer's organization",
                "body.buyer_org",
                'Number(pm.collectionVariables.get("newOrgId"))',
            ),
            who="buyer",
            body={"lines": [{"drug": "{{newDrugId}}", "quantity": 10}]},
        ),
        request(
            "quote for another organization → 404",
            "POST",
            "/api/pricing/quotes/",
            problem(404, "not_found"),
            who="hospital",
            body={"lines": [{"drug": "{{newDrugId}}", "quantity": 1}], "buyer_org": "{{newOrgId}}"},
        ),
        request(
            "chargebacks",
            "GET",
            "/api/pricing/chargebacks/?status=open",
            status(200),
            page_of(
                "order_ref", "drug", "quantity", "list_price", "contract_price", "amount", "status"
            ),
            who="distributor",
        ),
        request(
            "chargebacks as a hospital → 403",
            "GET",
            "/api/pricing/chargebacks/",
            problem(403),
            who="hospital",
        ),
        request(
            "report a chargeback as a person → 403",
            "POST",
            "/api/pricing/chargebacks/events/",
            problem(403),
            who="distributor",
            body={"order_ref": "PM-{{runId}}", "drug": "{{newDrugId}}", "quantity": 1},
        ),
    )


def orders_folder() -> dict:
    order_body = {
        "lines": [{"drug": "{{newDrugId}}", "quantity": 10}],
        "notes": "newman",
        "min_shelf_life_days": 30,
    }
    return folder(
        "orders",
        "Place (idempotent), read, events, scopes, licences, ship, DSCSA record, deliver, cancel.",
        request(
            "place an order",
            "POST",
            "/api/orders/",
            status(201),
            keys(
                "id", "number", "status", "buyer_org", "lines", "total", "currency", "price_source"
            ),
            equal("confirmed", "body.status", '"confirmed"'),
            equal("priced live", "body.price_source", '"live"'),
            equal("priced as quoted", "Number(body.total)", "93.1"),
            check("lots allocated FEFO", "body.lines[0].allocations.length >= 1"),
            save("orderId", "body.id"),
            save("orderNumber", "body.number"),
            who="buyer",
            headers={"Idempotency-Key": "pm-order-{{runId}}"},
            body=order_body,
        ),
        request(
            "the same key and body → the same order",
            "POST",
            "/api/orders/",
            status(201),
            equal(
                "same id", "pm.response.json().id", 'Number(pm.collectionVariables.get("orderId"))'
            ),
            who="buyer",
            headers={"Idempotency-Key": "pm-order-{{runId}}"},
            body=order_body,
        ),
        request(
            "the same key, another body → 409",
            "POST",
            "/api/orders/",
            problem(409, "idempotency_key_reused"),
            who="buyer",
            headers={"Idempotency-Key": "pm-order-{{runId}}"},
            body={**order_body, "notes": "changed"},
        ),
        request(
            "orders, filtered",
            "GET",
            "/api/orders/?status=confirmed",
            status(200),
            page_of("id", "number", "status"),
            check(
                "the order is listed",
                'body.results.some(o => o.id === Number(pm.collectionVariables.get("orderId")))',
            ),
            who="buyer",
        ),
        request(
            "an order",
            "GET",
            "/api/orders/{{orderId}}/",
            status(200),
            keys("id", "number", "status", "lines", "total"),
            who="buyer",
        ),
        request(
            "another tenant's order → 404",
            "GET",
            "/api/orders/{{orderId}}/",
            problem(404),
            who="hospital_b",
        ),
        request(
            "its events",
            "GET",
            "/api/orders/{{orderId}}/events/",
            status(200),
            "const rows = Array.isArray(pm.response.json()) ? pm.response.json()"
            " : pm.response.json().results;",
            check(
                "pending → confirmed",
                'rows.some(e => e.from === "pending" && e.to === "confirmed")',
            ),
            check("who and when", 'rows.every(e => "at" in e && "by" in e && "reason" in e)'),
            who="buyer",
        ),
        request("orders without a token → 401", "GET", "/api/orders/", problem(401)),
        request(
            "an orders:read integration reads",
            "GET",
            "/api/orders/",
            status(200),
            page_of("id"),
            who="erp",
        ),
        request(
            "an orders:read integration cannot place → 403",
            "POST",
            "/api/orders/",
            problem(403, "insufficient_scope"),
            who="erp",
            headers={"Idempotency-Key": "pm-erp-{{runId}}"},
            body=order_body,
        ),
        request(
            "a Schedule II drug",
            "GET",
            "/api/catalog/drugs/?schedule=CII&page_size=5",
            status(200),
            save("scheduleIIDrugId", "pm.response.json().results[0].id"),
            who="hospital_b",
        ),
        request(
            "Schedule II without a DEA licence → 403",
            "POST",
            "/api/orders/",
            problem(403, "license_missing"),
            equal("stored rejected", "problem.order.status", '"rejected"'),
            who="hospital_b",
            headers={"Idempotency-Key": "pm-cii-{{runId}}"},
            body={"lines": [{"drug": "{{scheduleIIDrugId}}", "quantity": 1}]},
        ),
        request(
            "ship as the buyer → 403",
            "POST",
            "/api/orders/{{orderId}}/ship/",
            problem(403),
            who="buyer",
            body={},
        ),
        request(
            "ship",
            "POST",
            "/api/orders/{{orderId}}/ship/",
            status(200),
            equal("shipped", "pm.response.json().status", '"shipped"'),
            check("lots recorded", "pm.response.json().lines[0].shipped_lots.length >= 1"),
            who="distributor",
            body={},
        ),
        request(
            "ship again → 409 invalid_transition",
            "POST",
            "/api/orders/{{orderId}}/ship/",
            problem(409, "invalid_transition"),
            # API.md: where the order is, where it was asked to go, and what is allowed.
            equal("it is shipped", "problem.from", '"shipped"'),
            equal("it was asked to ship", "problem.to", '"shipped"'),
            equal("what it may become", "problem.allowed", '["delivered"]'),
            who="distributor",
            body={},
        ),
        request(
            "the DSCSA transaction record",
            "GET",
            "/api/orders/{{orderId}}/transaction-record/",
            status(200),
            "const document = pm.response.json().document;",
            check(
                "TI, TH, TS",
                '["transaction_information", "transaction_history",'
                ' "transaction_statement"].every(k => k in document)',
            ),
            equal(
                "our NDC",
                "document.transaction_information.products[0].ndc",
                'pm.collectionVariables.get("newNdc")',
            ),
            check(
                "lot and expiry",
                "document.transaction_information.products.every("
                "p => p.lot_number && p.expiry_date)",
            ),
            check("the statement", 'document.transaction_statement.includes("Drug Supply Chain")'),
            who="buyer",
        ),
        request(
            "another tenant's DSCSA record → 404",
            "GET",
            "/api/orders/{{orderId}}/transaction-record/",
            problem(404),
            who="hospital_b",
        ),
        request(
            "deliver",
            "POST",
            "/api/orders/{{orderId}}/deliver/",
            status(200),
            equal("delivered", "pm.response.json().status", '"delivered"'),
            who="buyer",
            body={"received": [{"line": 1, "accepted": 9, "rejected": 1, "reason": "crushed"}]},
        ),
        request(
            "place a second order",
            "POST",
            "/api/orders/",
            status(201),
            save("order2Id", "pm.response.json().id"),
            who="buyer",
            headers={"Idempotency-Key": "pm-order2-{{runId}}"},
            body={"lines": [{"drug": "{{newDrugId}}", "quantity": 3}]},
        ),
        request(
            "cancel it",
            "POST",
            "/api/orders/{{order2Id}}/cancel/",
            status(200),
            equal("cancelled", "pm.response.json().status", '"cancelled"'),
            who="buyer",
            body={"reason": "ordered twice"},
        ),
        request(
            "cancel it again → 409",
            "POST",
            "/api/orders/{{order2Id}}/cancel/",
            problem(409, "invalid_transition"),
            who="buyer",
            body={"reason": "again"},
        ),
        request(
            "deliver a cancelled order → 409",
            "POST",
            "/api/orders/{{order2Id}}/deliver/",
            problem(409, "invalid_transition"),
            who="buyer",
            body={"received": [{"line": 1, "accepted": 3, "rejected": 0}]},
        ),
        request(
            "recall the shipped lot: the shipment is listed",
            "POST",
            "/api/catalog/lots/{{soonLotId}}/recall/",
            status(200),
            keys("lot", "released_reservations", "shipments"),
            equal("recalled", "body.lot.status", '"recalled"'),
            check(
                "the order's shipment",
                "body.shipments.some(s => s.order_ref === "
                'pm.collectionVariables.get("orderNumber"))',
            ),
            who="distributor",
            body={"reason": "newman recall drill"},
        ),
        request(
            "recall as a hospital → 403",
            "POST",
            "/api/catalog/lots/{{newLotId}}/recall/",
            problem(403),
            who="hospital",
            body={"reason": "no"},
        ),
    )


RX_FIELDS = {
    "drug": "{{newDrugId}}",
    "quantity": "1",
    "prescriber_name": "Dr. Ada Lovelace",
    "prescriber_license": "MD-PM{{runId}}",
    "written_on": "{{lastWeek}}",
    "pharmacy": "{{cornerId}}",
}


def rx_folder() -> dict:
    return folder(
        "rx",
        "Uploads checked by content, the patient's and the pharmacist's views, documents, "
        "claim, approve, reject, fills.",
        request(
            "upload a PDF prescription",
            "POST",
            "/api/rx/prescriptions/",
            status(201),
            keys("id", "status", "drug", "quantity"),
            equal("waiting for review", "body.status", '"pending_review"'),
            save("rxId", "body.id"),
            who="new_patient",
            files={**RX_FIELDS, "file": "@files/prescription.pdf"},
        ),
        request(
            "the same file again → 409",
            "POST",
            "/api/rx/prescriptions/",
            problem(409),
            who="new_patient",
            files={**RX_FIELDS, "file": "@files/prescription.pdf"},
        ),
        request(
            "a text file named .pdf → 415",
            "POST",
            "/api/rx/prescriptions/",
            problem(415, "unsupported_file_type"),
            who="new_patient",
            files={**RX_FIELDS, "file": "@files/not-a-prescription.pdf"},
        ),
        request(
            "upload a PNG prescription",
            "POST",
            "/api/rx/prescriptions/",
            status(201),
            save("rx2Id", "pm.response.json().id"),
            who="new_patient",
            files={
                **RX_FIELDS,
                "prescriber_license": "MD-PM{{runId}}B",
                "file": "@files/prescription.png",
            },
        ),
        request(
            "upload as a hospital → 403",
            "POST",
            "/api/rx/prescriptions/",
            problem(403),
            who="hospital",
            files={**RX_FIELDS, "file": "@files/prescription.png"},
        ),
        request(
            "the patient's prescriptions",
            "GET",
            "/api/rx/prescriptions/",
            status(200),
            page_of("id", "status"),
            equal(
                "both",
                "body.results.map(p => p.id).sort((a, b) => a - b)",
                '[Number(pm.collectionVariables.get("rxId")), '
                'Number(pm.collectionVariables.get("rx2Id"))]',
            ),
            who="new_patient",
        ),
        request(
            "the pharmacist's queue",
            "GET",
            "/api/rx/prescriptions/?status=pending_review&page_size=200",
            status(200),
            page_of("id", "status"),
            check(
                "both waiting",
                '["rxId", "rx2Id"].every(v => body.results.some('
                "p => p.id === Number(pm.collectionVariables.get(v))))",
            ),
            who="pharmacist",
        ),
        request(
            "another patient's prescription → 404",
            "GET",
            "/api/rx/prescriptions/{{rxId}}/",
            problem(404),
            who="patient",
        ),
        request(
            "the document, as its owner",
            "GET",
            "/api/rx/prescriptions/{{rxId}}/document/",
            status(200),
            equal("a PDF", 'pm.response.headers.get("Content-Type")', '"application/pdf"'),
            equal("sandboxed", 'pm.response.headers.get("Content-Security-Policy")', '"sandbox"'),
            equal("unsniffable", 'pm.response.headers.get("X-Content-Type-Options")', '"nosniff"'),
            check(
                "an attachment",
                'pm.response.headers.get("Content-Disposition").startsWith("attachment")',
            ),
            who="new_patient",
        ),
        request(
            "the document, as another patient → 404",
            "GET",
            "/api/rx/prescriptions/{{rxId}}/document/",
            status(404),
            who="patient",
        ),
        request(
            "claim",
            "POST",
            "/api/rx/prescriptions/{{rxId}}/claim/",
            status(200),
            equal("in review", "pm.response.json().status", '"in_review"'),
            who="pharmacist",
        ),
        request(
            "claim again, same pharmacist (idempotent)",
            "POST",
            "/api/rx/prescriptions/{{rxId}}/claim/",
            status(200),
            equal("still in review", "pm.response.json().status", '"in_review"'),
            who="pharmacist",
        ),
        request(
            "approve as the patient → 403",
            "POST",
            "/api/rx/prescriptions/{{rxId}}/approve/",
            problem(403),
            who="new_patient",
            body={"refills": 5},
        ),
        request(
            "approve with a refill",
            "POST",
            "/api/rx/prescriptions/{{rxId}}/approve/",
            status(200),
            equal("verified", "pm.response.json().status", '"verified"'),
            equal("two fills", "pm.response.json().fills_remaining", "2"),
            equal(
                "valid until",
                "pm.response.json().valid_until",
                'pm.collectionVariables.get("in60Days")',
            ),
            who="pharmacist",
            body={"notes": "checked", "valid_until": "{{in60Days}}", "refills": 1},
        ),
        request(
            "claim a verified prescription → 409",
            "POST",
            "/api/rx/prescriptions/{{rxId}}/claim/",
            problem(409),
            who="pharmacist",
        ),
        request(
            "claim the PNG",
            "POST",
            "/api/rx/prescriptions/{{rx2Id}}/claim/",
            status(200),
            who="pharmacist",
        ),
        request(
            "reject with an unknown reason → 400",
            "POST",
            "/api/rx/prescriptions/{{rx2Id}}/reject/",
            problem(400),
            check("reason named", '"reason" in problem.errors'),
            who="pharmacist",
            body={"reason": "vibes"},
        ),
        request(
            "reject it",
            "POST",
            "/api/rx/prescriptions/{{rx2Id}}/reject/",
            status(200),
            equal("rejected", "pm.response.json().status", '"rejected"'),
            equal("why", "pm.response.json().rejection_reason", '"illegible"'),
            who="pharmacist",
            body={"reason": "illegible", "notes": "smudged"},
        ),
        request(
            "reject it again → 409",
            "POST",
            "/api/rx/prescriptions/{{rx2Id}}/reject/",
            problem(409),
            who="pharmacist",
            body={"reason": "illegible"},
        ),
        request(
            "use a fill as a person → 403",
            "POST",
            "/api/rx/prescriptions/{{rxId}}/consume/",
            problem(403),
            who="pharmacist",
            body={"order_ref": "PM-{{runId}}-F0", "drug": "{{newDrugId}}", "quantity": 1},
        ),
        request(
            "use a fill (service token)",
            "POST",
            "/api/rx/prescriptions/{{rxId}}/consume/",
            status(201),
            who="orders_service",
            body={"order_ref": "PM-{{runId}}-F1", "drug": "{{newDrugId}}", "quantity": 1},
        ),
        request(
            "use the last fill",
            "POST",
            "/api/rx/prescriptions/{{rxId}}/consume/",
            status(201),
            who="orders_service",
            body={"order_ref": "PM-{{runId}}-F2", "drug": "{{newDrugId}}", "quantity": 1},
        ),
        request(
            "no fill left → 409",
            "POST",
            "/api/rx/prescriptions/{{rxId}}/consume/",
            problem(409),
            who="orders_service",
            body={"order_ref": "PM-{{runId}}-F3", "drug": "{{newDrugId}}", "quantity": 1},
        ),
        request(
            "a rejected prescription cannot be used → 409",
            "POST",
            "/api/rx/prescriptions/{{rx2Id}}/consume/",
            problem(409),
            who="orders_service",
            body={"order_ref": "PM-{{runId}}-F4", "drug": "{{newDrugId}}", "quantity": 1},
        ),
        request(
            "the patient sees both decisions",
            "GET",
            "/api/rx/prescriptions/",
            status(200),
            "const byId = Object.fromEntries(pm.response.json().results.map(p => [p.id, p]));",
            equal("used up", 'byId[pm.collectionVariables.get("rxId")].status', '"used_up"'),
            equal("rejected", 'byId[pm.collectionVariables.get("rx2Id")].status', '"rejected"'),
            who="new_patient",
        ),
    )


# Every answer, whatever the request: the platform's conventions.
CONVENTIONS = """
pm.test("X-Request-ID on every answer", () =>
  pm.expect(pm.response.headers.has("X-Request-ID")).to.be.true);
pm.test("never rate limited", () => pm.expect(pm.response.code).to.not.eql(429));
pm.test("no server error", () => pm.expect(pm.response.code).to.be.below(500));
"""


def collection() -> dict:
    return {
        "info": {
            "name": "PharmaConnect public API",
            "description": "Every endpoint of the public API (API.md) through the gateway, with "
            "positive and negative cases and chained variables. Written by build_collection.py.",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "event": [
            {
                "listen": "test",
                "script": {"type": "text/javascript", "exec": CONVENTIONS.strip().splitlines()},
            }
        ],
        "variable": [],
        "item": [auth_folder(), catalog_folder(), pricing_folder(), orders_folder(), rx_folder()],
    }


def environment() -> dict:
    return {
        "name": "PharmaConnect native (make up)",
        "values": [
            {"key": "baseUrl", "value": "http://127.0.0.1:8080", "enabled": True},
            {"key": "password", "value": "pharma-demo-2026", "enabled": True},
            {
                "key": "newPatientPassword",
                "value": "a-long-passphrase-for-newman-42",
                "enabled": True,
            },
        ],
    }


def render() -> dict[Path, str]:
    return {
        COLLECTION: json.dumps(collection(), indent=2, ensure_ascii=False) + "\n",
        ENVIRONMENT: json.dumps(environment(), indent=2) + "\n",
    }


if __name__ == "__main__":
    for path, text in render().items():
        path.write_text(text)
        print(f"wrote {path.name}")
