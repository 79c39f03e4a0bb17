"""Request ids: a caller's id is kept and echoed, a missing or unsafe one is replaced; the
admin's messages."""

import io
import json
import logging

import pytest
from django.test import Client

from common.logging import JsonFormatter, RequestIdFilter
from common.testing import mint_token


def test_a_caller_request_id_is_echoed():
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="order-123.abc")
    assert response["X-Request-ID"] == "order-123.abc"


def test_a_missing_request_id_is_generated():
    first = Client().get("/healthz")["X-Request-ID"]
    second = Client().get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_an_unsafe_request_id_is_replaced():
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="bad id\r\nSet-Cookie: x")
    assert response["X-Request-ID"] != "bad id\r\nSet-Cookie: x"
    assert len(response["X-Request-ID"]) == 32


def test_the_access_log_line_is_json_with_the_request_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    access_log = logging.getLogger("pharma.access")
    access_log.addHandler(handler)
    try:
        Client().get("/api/commontest/nowhere/", HTTP_X_REQUEST_ID="trace-me")
    finally:
        access_log.removeHandler(handler)
    line = json.loads(stream.getvalue().strip())
    assert line["request_id"] == "trace-me"
    assert line["status"] == 404
    assert line["path"] == "/api/commontest/nowhere/"
    assert line["level"] == "INFO"


@pytest.mark.django_db
def test_the_admin_still_says_what_it_did(admin_client):
    response = admin_client.post(
        "/admin/commontest/auth/group/add/", {"name": "night shift"}, follow=True
    )
    assert response.status_code == 200
    assert "was added successfully" in response.content.decode()


def test_api_requests_carry_no_message_storage(api_client):
    response = api_client(mint_token(role="hospital")).get("/api/commontest/whoami/")
    assert response.status_code == 200
    assert not hasattr(response.wsgi_request, "_messages")
