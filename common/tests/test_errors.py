"""Every error a client can meet is problem+json with a stable code (API.md, Conventions)."""

import pytest
from django.test import Client

from common.testing import mint_token


@pytest.fixture
def signed_in(api_client):
    return api_client(mint_token(role="hospital", org=7, org_type="hospital"))


def test_application_error_keeps_its_code_status_and_extra_fields(signed_in):
    response = signed_in.post("/api/commontest/conflict/")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://pharmaconnect.example/problems/insufficient_stock",
        "title": "Conflict",
        "status": 409,
        "detail": "Not enough stock.",
        "code": "insufficient_stock",
        "lines": [],
    }


def test_validation_errors_name_each_field(signed_in):
    response = signed_in.post("/api/commontest/validate/", {"quantity": 0}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["quantity"]


def test_malformed_json_is_a_parse_error(signed_in):
    response = signed_in.generic(
        "POST", "/api/commontest/validate/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_wrong_method_is_405_problem(signed_in):
    response = signed_in.get("/api/commontest/validate/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_unknown_path_is_404_problem():
    response = Client().get("/api/commontest/does-not-exist/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_a_bug_is_500_problem_without_a_traceback(api_client):
    client = api_client(mint_token(role="hospital"))
    client.raise_request_exception = False
    response = client.get("/api/commontest/crash/")
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "RuntimeError" not in response.content.decode()


@pytest.mark.django_db
def test_a_value_the_database_cannot_hold_is_400_not_500(signed_in):
    body = {"id": 2**40, "name": "g"}
    response = signed_in.post("/api/commontest/unchecked-group/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_value"
