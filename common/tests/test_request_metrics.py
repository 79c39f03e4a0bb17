"""Request metrics: each answer is counted by status, view and method and timed, under the
names the dashboards and alert rules read."""

import pytest
from django.test import Client
from prometheus_client import REGISTRY

from common.testing import mint_token

pytestmark = pytest.mark.django_db


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0


def test_an_answer_is_counted_by_status_view_and_method():
    counted = {"status": "200", "view": "healthz", "method": "GET"}
    refused = {"status": "401", "view": "tests.project.views.whoami", "method": "GET"}
    before = (
        sample("django_http_responses_total_by_status_view_method_total", **counted),
        sample("django_http_responses_total_by_status_view_method_total", **refused),
        sample("django_http_requests_total_by_method_total", method="GET"),
    )
    client = Client()
    client.get("/healthz")
    client.get("/healthz")
    client.get("/api/commontest/whoami/")
    after = (
        sample("django_http_responses_total_by_status_view_method_total", **counted),
        sample("django_http_responses_total_by_status_view_method_total", **refused),
        sample("django_http_requests_total_by_method_total", method="GET"),
    )
    assert [b - a for a, b in zip(before, after, strict=True)] == [2, 1, 3]


def test_a_request_is_timed_in_the_latency_histogram_of_its_view():
    labels = {"view": "tests.project.views.whoami", "method": "GET"}
    name = "django_http_requests_latency_seconds_by_view_method"
    count, total = sample(f"{name}_count", **labels), sample(f"{name}_sum", **labels)
    token = mint_token(role="hospital")
    answer = Client().get("/api/commontest/whoami/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200
    assert sample(f"{name}_count", **labels) == count + 1
    assert sample(f"{name}_sum", **labels) > total
    assert sample(f"{name}_bucket", le="+Inf", **labels) == count + 1


def test_an_unknown_path_and_a_made_up_method_stay_single_label_values():
    before = sample(
        "django_http_responses_total_by_status_view_method_total",
        status="404",
        view="<unnamed view>",
        method="<invalid method>",
    )
    Client().generic("BREW", "/nowhere-at-all/")
    after = sample(
        "django_http_responses_total_by_status_view_method_total",
        status="404",
        view="<unnamed view>",
        method="<invalid method>",
    )
    assert after == before + 1
