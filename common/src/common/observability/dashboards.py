"""Grafana dashboards, written as code so that every query is reviewed in one place.

``manage_all.py render-config`` writes them to ``observability/grafana/dashboards/`` (Grafana
loads that folder through its file provisioning); a test checks the committed JSON against this
module and that every metric a query names is exported by a real scrape of the platform.

Queries use the labels every target carries (``service``, ``replica``; see
``common.observability.prometheus``), so one dashboard serves compose and the native platform.
"""

import json
import re

from common.registry import REPLICAS, SERVICES

PROMETHEUS = {"type": "prometheus", "uid": "prometheus"}
LOKI = {"type": "loki", "uid": "loki"}
SCHEMA_VERSION = 39
WIDTH = 24
PANEL_HEIGHT = 8

# One place for the selector every service panel shares: the dashboard's service variable.
SVC = 'service=~"$service"'
RESPONSES = "django_http_responses_total_by_status_view_method_total"
LATENCY = "django_http_requests_latency_seconds_by_view_method_bucket"


def _target(expr: str, legend: str, ref: str) -> dict:
    return {"refId": ref, "expr": expr, "legendFormat": legend, "datasource": PROMETHEUS}


def timeseries(title: str, queries: list[tuple[str, str]], unit: str = "short", **extra) -> dict:
    """A time series panel; ``queries`` are (PromQL, legend) pairs."""
    return {
        "type": "timeseries",
        "title": title,
        "datasource": PROMETHEUS,
        "targets": [_target(e, legend, chr(65 + i)) for i, (e, legend) in enumerate(queries)],
        "fieldConfig": {"defaults": {"unit": unit, **extra}, "overrides": []},
        "options": {"legend": {"displayMode": "table", "placement": "right"}},
    }


def stat(title: str, expr: str, unit: str = "short", thresholds: list | None = None) -> dict:
    steps = thresholds or [{"color": "green", "value": None}]
    return {
        "type": "stat",
        "title": title,
        "datasource": PROMETHEUS,
        "targets": [_target(expr, "", "A")],
        "fieldConfig": {
            "defaults": {"unit": unit, "thresholds": {"mode": "absolute", "steps": steps}},
            "overrides": [],
        },
        "options": {"reduceOptions": {"calcs": ["lastNotNull"]}, "colorMode": "background"},
    }


def logs(title: str, expr: str) -> dict:
    return {
        "type": "logs",
        "title": title,
        "datasource": LOKI,
        "targets": [{"refId": "A", "expr": expr, "datasource": LOKI}],
        "options": {"showTime": True, "wrapLogMessage": True, "sortOrder": "Descending"},
    }


def _laid_out(panels: list[dict]) -> list[dict]:
    """Two panels a row (a stat is a quarter), ids in order."""
    x = y = row_height = 0
    placed = []
    for number, panel in enumerate(panels, start=1):
        width = 6 if panel["type"] == "stat" else 12 if panel["type"] != "logs" else WIDTH
        height = 4 if panel["type"] == "stat" else PANEL_HEIGHT
        if x + width > WIDTH:
            x, y, row_height = 0, y + row_height, 0
        placed.append({"id": number, "gridPos": {"h": height, "w": width, "x": x, "y": y}, **panel})
        x, row_height = x + width, max(row_height, height)
    return placed


def _service_variable() -> dict:
    return {
        "name": "service",
        "label": "service",
        "type": "query",
        "datasource": PROMETHEUS,
        "query": {"query": "label_values(django_http_requests_total_by_method_total, service)"},
        "definition": "label_values(django_http_requests_total_by_method_total, service)",
        "refresh": 2,
        "includeAll": True,
        "multi": True,
        "current": {"text": "All", "value": "$__all"},
    }


def dashboard(uid: str, title: str, description: str, panels: list[dict], service_var: bool):
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["pharmaconnect"],
        "timezone": "utc",
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "editable": True,
        "refresh": "30s",
        "time": {"from": "now-1h", "to": "now"},
        "templating": {"list": [_service_variable()] if service_var else []},
        "annotations": {"list": []},
        "panels": _laid_out(panels),
    }


def services_dashboard() -> dict:
    rate_by_service = f"sum by (service) (rate({RESPONSES}{{{SVC}}}[5m]))"
    errors_by_service = f'sum by (service) (rate({RESPONSES}{{{SVC},status=~"5.."}}[5m]))'
    quantile = (
        "histogram_quantile({q}, sum by (service, le) (rate(" + LATENCY + "{{" + SVC + "}}[5m])))"
    )
    return dashboard(
        "pharma-services",
        "PharmaConnect — services",
        "Traffic, errors and latency of every service, from each replica's django-prometheus.",
        [
            stat(
                "Replicas up",
                f"sum(up{{{SVC}}})",
                thresholds=[
                    {"color": "red", "value": None},
                    {"color": "green", "value": len(SERVICES) * REPLICAS},
                ],
            ),
            stat("Requests/s", f"sum(rate({RESPONSES}{{{SVC}}}[5m]))", unit="reqps"),
            stat(
                "5xx ratio",
                f'sum(rate({RESPONSES}{{{SVC},status=~"5.."}}[5m]))'
                f" / sum(rate({RESPONSES}{{{SVC}}}[5m]))",
                unit="percentunit",
                thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 0.05}],
            ),
            stat(
                "p95 latency",
                "histogram_quantile(0.95, sum by (le) (rate(" + LATENCY + "{" + SVC + "}[5m])))",
                unit="s",
            ),
            timeseries("Requests/s by service", [(rate_by_service, "{{service}}")], unit="reqps"),
            timeseries(
                "Answers by status class",
                [
                    (
                        f"sum by (status) (rate({RESPONSES}{{{SVC}}}[5m]))",
                        "{{status}}",
                    )
                ],
                unit="reqps",
            ),
            timeseries(
                "5xx ratio by service",
                [(f"{errors_by_service} / {rate_by_service}", "{{service}}")],
                unit="percentunit",
            ),
            timeseries(
                "Latency by service (p50, p95, p99)",
                [
                    (quantile.format(q=0.5), "p50 {{service}}"),
                    (quantile.format(q=0.95), "p95 {{service}}"),
                    (quantile.format(q=0.99), "p99 {{service}}"),
                ],
                unit="s",
            ),
            timeseries(
                "Slowest views (p95)",
                [
                    (
                        "topk(10, histogram_quantile(0.95, sum by (service, view, le) (rate("
                        + LATENCY
                        + "{"
                        + SVC
                        + "}[5m]))))",
                        "{{service}} {{view}}",
                    )
                ],
                unit="s",
            ),
            timeseries("Replica up (1) or down (0)", [(f"up{{{SVC}}}", "{{replica}}")]),
            logs(
                "Warnings and errors",
                '{service=~"$service"} | json | level=~"warning|error|critical"',
            ),
        ],
        service_var=True,
    )


def resilience_dashboard() -> dict:
    return dashboard(
        "pharma-resilience",
        "PharmaConnect — breakers and rate limits",
        "Circuit breakers of calls between services (state shared in Redis) and the callers "
        "refused for their quota.",
        [
            stat(
                "Breakers open",
                "count(max by (service, upstream) (pharma_breaker_state) == 2) or vector(0)",
                thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 1}],
            ),
            stat(
                "Quota refusals (1h)",
                "sum(increase(pharma_quota_refusals_total[1h])) or vector(0)",
            ),
            timeseries(
                "Breaker state (0 closed, 1 half-open, 2 open)",
                [
                    (
                        "max by (service, upstream) (pharma_breaker_state)",
                        "{{service}} → {{upstream}}",
                    )
                ],
                min=0,
                max=2,
            ),
            timeseries(
                "Breaker transitions",
                [
                    (
                        "sum by (service, upstream, to) "
                        "(increase(pharma_breaker_transitions_total[5m]))",
                        "{{service}} → {{upstream}}: {{to}}",
                    )
                ],
            ),
            timeseries(
                "Failed calls counted by breakers /s",
                [
                    (
                        "sum by (service, upstream) (rate(pharma_breaker_failures_total[5m]))",
                        "{{service}} → {{upstream}}",
                    )
                ],
            ),
            timeseries(
                "Quota refusals /s by route class",
                [
                    (
                        "sum by (service, klass) (rate(pharma_quota_refusals_total[5m]))",
                        "{{service}} {{klass}}",
                    )
                ],
            ),
            timeseries(
                "429 answers /s by service",
                [
                    (
                        f'sum by (service) (rate({RESPONSES}{{status="429"}}[5m]))',
                        "{{service}}",
                    )
                ],
                unit="reqps",
            ),
        ],
        service_var=False,
    )


def business_dashboard() -> dict:
    placed = "pharma_orders_placed_total"
    return dashboard(
        "pharma-business",
        "PharmaConnect — orders and stock",
        "Orders placed and refused, quotes, chargebacks, sign-ins and stock expiring soon.",
        [
            stat(
                "Orders confirmed (24h)",
                f'sum(increase({placed}{{outcome="confirmed"}}[24h])) or vector(0)',
            ),
            stat(
                "Orders refused (24h)",
                f'sum(increase({placed}{{outcome!="confirmed"}}[24h])) or vector(0)',
            ),
            stat(
                "Units expiring within 30 days",
                "max(pharma_stock_expiring_units)",
                thresholds=[{"color": "green", "value": None}, {"color": "orange", "value": 1}],
            ),
            stat(
                "Priced from cache (24h)",
                f'sum(increase({placed}{{price_source="cached"}}[24h])) or vector(0)',
            ),
            timeseries(
                "Orders placed by outcome (per 5 min)",
                [(f"sum by (outcome) (increase({placed}[5m]))", "{{outcome}}")],
            ),
            timeseries(
                "Orders by price source (per 5 min)",
                [
                    (
                        f'sum by (price_source) (increase({placed}{{outcome="confirmed"}}[5m]))',
                        "{{price_source}}",
                    )
                ],
            ),
            timeseries(
                "Quotes by outcome (per 5 min)",
                [("sum by (outcome) (increase(pharma_pricing_quotes_total[5m]))", "{{outcome}}")],
            ),
            timeseries(
                "Chargebacks opened (per hour)",
                [("sum(increase(pharma_pricing_chargebacks_opened_total[1h]))", "chargebacks")],
            ),
            timeseries(
                "Sign-ins by outcome (per 5 min)",
                [("sum by (outcome) (increase(pharma_sign_ins_total[5m]))", "{{outcome}}")],
            ),
            timeseries(
                "Sellable units expiring within 30 days",
                [("max(pharma_stock_expiring_units)", "units")],
            ),
        ],
        service_var=False,
    )


DASHBOARDS = {
    "services.json": services_dashboard,
    "resilience.json": resilience_dashboard,
    "business.json": business_dashboard,
}


def render_dashboard(name: str) -> str:
    return json.dumps(DASHBOARDS[name](), indent=2, ensure_ascii=False) + "\n"


_PROMQL_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_PROMQL_GROUPING = re.compile(
    r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", re.IGNORECASE
)
_PROMQL_WORD = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
_PROMQL_KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "inf", "nan"}


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (not functions, labels or keywords)."""
    text = _PROMQL_STRING.sub('""', expr)
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers, Grafana variables in them
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges and subqueries
    text = _PROMQL_GROUPING.sub("", text)
    text = re.sub(r"(?<![A-Za-z0-9_:])\d[\w.]*", "", text)  # numbers and durations (offset 1h)
    names = set()
    for match in _PROMQL_WORD.finditer(text):
        word = match.group(0)
        if text[match.end() :].lstrip().startswith("(") or word.lower() in _PROMQL_KEYWORDS:
            continue
        names.add(word)
    return names


def prometheus_queries(board: dict) -> list[str]:
    """Every PromQL query of a dashboard: its panels' and its variables' (label_values)."""
    queries = [
        target["expr"]
        for panel in board["panels"]
        if panel["datasource"]["type"] == "prometheus"
        for target in panel["targets"]
    ]
    for variable in board["templating"]["list"]:
        found = re.fullmatch(r"label_values\((.+),\s*\w+\)", variable["query"]["query"])
        queries.append(found.group(1) if found else variable["query"]["query"])
    return queries
