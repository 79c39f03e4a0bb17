"""Renders the gateway configuration from the service registry.

``haproxy/haproxy.cfg`` is the native deployment's load balancer *and* gateway: it routes each
service's path prefixes to its replicas, health-checks them, limits request rates per client
IP and stamps an ``X-Request-ID`` on requests that come without one. The per-IP limit is a
coarse shield against floods; the budget that follows a caller is the services' own
(``common.quotas``), whose ``RateLimit-*`` headers pass through untouched.
"""

import json

from common.errors import problem
from common.registry import GATEWAY_PORT, GATEWAY_STATS_PORT, SERVICES

# Per client IP, over a sliding 10 s window; generous enough for the load tests on loopback.
RATE_LIMIT_REQUESTS_PER_10S = 5000
RATE_LIMIT_RETRY_AFTER_SECONDS = 10
# Active checks every 2 s (down after 3 failures, up after 2 passes). Between checks, real
# traffic marks a replica down only for the replica's own faults: 10 connection failures or
# timeouts (layer 4). Never for what it answers (layer 7): anyone who can make a replica answer
# an error could then take the service off the air with a handful of requests.
_SERVER_DEFAULTS = "check inter 2s fall 3 rise 2 observe layer4 error-limit 10 on-error mark-down"


def haproxy_problem_string(status: int, code: str, detail: str) -> str:
    """A problem+json body as a double-quoted HAProxy string."""
    body = json.dumps(problem(status, code, detail), separators=(",", ":"))
    return '"' + body.replace('"', '\\"') + '"'


def render_haproxy(
    port_offset: int = 0, run_dir: str = ".run/dev", rate_limit: int = RATE_LIMIT_REQUESTS_PER_10S
) -> str:
    """The native HAProxy config; ``port_offset`` shifts every port (a second, isolated stack),
    ``run_dir`` (relative to the repository) holds its admin socket, and ``rate_limit`` is the
    requests each client address may make in 10 s."""
    routes, backends = [], []
    for svc in SERVICES:
        routes.append(f"    acl route_{svc.name} path_beg {' '.join(svc.prefixes)}")
        routes.append(f"    use_backend be_{svc.name} if route_{svc.name}")
        servers = "\n".join(
            f"    server {svc.name}{i + 1} 127.0.0.1:{port}"
            for i, port in enumerate(svc.ports(port_offset))
        )
        backends.append(
            f"""backend be_{svc.name}
    balance roundrobin
    # A POST that reached a replica may have done its work: replaying it could place an order
    # twice. METH_GET is GET and HEAD.
    http-request disable-l7-retry unless METH_GET
    option httpchk
    http-check send meth GET uri /healthz
    http-check expect status 200
    default-server {_SERVER_DEFAULTS}
{servers}
"""
        )
    not_found = haproxy_problem_string(404, "not_found", "No service serves this path.")
    too_many = haproxy_problem_string(429, "rate_limited", "Too many requests from this address.")
    over_limit = f"{{ var(txn.rate) -m int gt {rate_limit} }}"
    refuse = (
        f"http-request return status 429 content-type application/problem+json"
        f" hdr Retry-After {RATE_LIMIT_RETRY_AFTER_SECONDS} string {too_many} if {over_limit}"
    )
    # API.md: every answer says the limit, what is left and when it resets (RateLimit-*). A
    # service's answer already says so for its caller's quota; the others (this gateway's own
    # 404s and 429s, probes of unknown paths) get the address's shield.
    remaining = f"%[int({rate_limit}),sub(txn.rate)]"
    unquoted = "{ var(txn.quoted) -m int eq 0 }"
    route_lines = "\n".join(routes)
    backend_blocks = "\n".join(backends)
    return f"""# Rendered by `manage_all.py render-config` from the service registry. Do not edit.
global
    log stdout format raw local0 info
    maxconn 4096
    # Operators (and the fault tests) take replicas in and out of service through it.
    stats socket unix@{run_dir}/haproxy.sock mode 600 level admin

defaults
    mode http
    log global
    option httplog
    option forwardfor
    # Every retry goes to another replica: the one that failed may be dying.
    option redispatch 1
    retries 3
    # A replica killed mid-request drops its connections unanswered (502 to the client).
    # Reads are retried then too; each backend keeps every other method to connection
    # failures (disable-l7-retry), where the request never reached a server.
    retry-on conn-failure empty-response response-timeout
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
    timeout queue 10s
    # Replicas run sync workers: under load a probe may queue behind requests for a while.
    timeout check 5s

frontend gateway
    bind 127.0.0.1:{GATEWAY_PORT + port_offset}
    stick-table type ip size 100k expire 1m store http_req_rate(10s)
    http-request track-sc0 src
    http-request set-var(txn.rate) sc_http_req_rate(0)
    {refuse}
    http-after-response set-var(txn.quoted) res.hdr_cnt(RateLimit-Limit)
    http-after-response set-header RateLimit-Limit {rate_limit} if {unquoted}
    http-after-response set-header RateLimit-Remaining {remaining} if {unquoted} !{over_limit}
    http-after-response set-header RateLimit-Remaining 0 if {unquoted} {over_limit}
    http-after-response set-header RateLimit-Reset {RATE_LIMIT_RETRY_AFTER_SECONDS} if {unquoted}
    http-request set-header X-Request-ID %[uuid()] unless {{ req.hdr(X-Request-ID) -m found }}
    # The scheme the client really used; whatever the client claimed is replaced.
    http-request set-header X-Forwarded-Proto https if {{ ssl_fc }}
    http-request set-header X-Forwarded-Proto http unless {{ ssl_fc }}
{route_lines}
    default_backend be_not_found

backend be_not_found
    http-request return status 404 content-type application/problem+json string {not_found}

{backend_blocks}
listen stats
    bind 127.0.0.1:{GATEWAY_STATS_PORT + port_offset}
    stats enable
    stats uri /stats
    stats refresh 5s
"""
