"""One wrk run of a scenario (bench/scenario.lua with the scenario as its prelude)."""

import json
import subprocess
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def _lua_str(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def _lua_list(values: list[str]) -> str:
    return "{" + ", ".join(_lua_str(v) for v in values) + "}"


def run_wrk(base_url, scenario, *, duration_s, connections, threads, workdir, run_id):
    connections = scenario.get("connections", connections)
    prelude = (
        "CFG = {"
        f"method = {_lua_str(scenario['method'])}, "
        f"paths = {_lua_list(scenario['paths'])}, "
        f"bodies = {_lua_list(scenario.get('bodies', []))}, "
        f"tokens = {_lua_list(scenario.get('tokens', []))}, "
        f"content_type = {_lua_str(scenario.get('content_type', ''))}, "
        f"idempotency = {'true' if scenario.get('idempotency') else 'false'}, "
        f"run_id = {_lua_str(run_id + '-' + scenario['key'])}"
        "}\n"
    )
    script = workdir / f"{scenario['key']}.lua"
    script.write_text(prelude + (BENCH / "scenario.lua").read_text())
    cmd = [
        "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={duration_s}s",
        "--timeout=10s",
        "--latency",
        f"--script={script}",
        base_url,
    ]
    # wrk stops itself after duration_s; the subprocess timeout is the outer bound.
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration_s + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result for {scenario['key']}: {out.stdout}\n{out.stderr}")
    data = json.loads(line[len("BENCH_JSON ") :])
    statuses = {k: v for k, v in data["statuses"].items()}
    ok = sum(v for k, v in statuses.items() if k.startswith("2"))
    r429 = sum(v for k, v in statuses.items() if k.startswith("429"))
    r5xx = sum(v for k, v in statuses.items() if k.startswith("5"))
    socket_errors = sum(data["errors"][k] for k in ("connect", "read", "write", "timeout"))
    seconds = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "seconds": round(seconds, 2),
        "rps": round(data["requests"] / seconds, 1),
        "ok": ok,
        "ok_rps": round(ok / seconds, 1),
        "p50_ms": round(data["latency_us"]["p50"] / 1000, 1),
        "p95_ms": round(data["latency_us"]["p95"] / 1000, 1),
        "p99_ms": round(data["latency_us"]["p99"] / 1000, 1),
        "max_ms": round(data["latency_us"]["max"] / 1000, 1),
        "statuses": statuses,
        "non_2xx": data["requests"] - ok,
        "http_429": r429,
        "http_5xx": r5xx,
        "errors_non_2xx_excluding_429": data["requests"] - ok - r429,
        "socket_errors": socket_errors,
    }
