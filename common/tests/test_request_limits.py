"""What an anonymous caller can send before any view logic runs: nothing of it may be a 500.

Each of these answered 500 once (and 500s used to take replicas out of HAProxy's rotation).
"""

import json

import pytest
from django.test import Client

from common.parsers import MAX_JSON_DEPTH, json_depth
from common.testing import mint_token

VALIDATE = "/api/commontest/validate/"


def post_json(body: str | bytes):
    return Client().post(
        VALIDATE,
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {mint_token(role='hospital')}",
    )


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_json_nested_deeper_than_any_document_is_400(depth):
    response = post_json("[" * depth + "]" * depth)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "parse_error"


def test_json_at_the_depth_limit_is_parsed():
    nested = {
        "quantity": 2,
        "n": json.loads("[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)),
    }
    assert post_json(json.dumps(nested)).json() == {"quantity": 2}


def test_brackets_inside_strings_do_not_count_as_depth():
    text = json.dumps({"note": "[" * 5000 + '\\"{' * 100, "x": [[1]]})
    assert json_depth(text) == 3
    assert post_json(json.dumps({"quantity": 1, "note": "[" * 5000})).status_code == 200


@pytest.mark.parametrize("body", [b"\xff\xfe{", b'{"quantity": NaN}', b"[1,"])
def test_bodies_that_are_not_json_are_400(body):
    response = post_json(body)
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_a_body_over_the_limit_is_413_before_it_is_read(settings):
    settings.MAX_REQUEST_BODY_BYTES = 1024
    response = post_json(json.dumps({"quantity": 1, "pad": "x" * 2000}))
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert post_json(json.dumps({"quantity": 1, "pad": "x" * 500})).status_code == 200


def test_the_default_limit_is_one_mebibyte():
    response = post_json(json.dumps({"quantity": 1, "pad": "x" * (1024 * 1024)}))
    assert response.status_code == 413


def test_an_unknown_host_answers_problem_json_not_an_html_page():
    response = Client().get("/api/commontest/whoami/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_host"


@pytest.mark.parametrize("query", ["search=%00", "q=a%00b", "page=1&name=%00x"])
def test_a_nul_byte_in_the_query_string_is_400_not_500(query):
    response = Client().get(f"/api/commontest/groups/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_characters"
