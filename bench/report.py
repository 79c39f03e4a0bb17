"""bench/results/<date>.md, .json and .png from one run's result."""

import json
from pathlib import Path

from plot import write_plot

CPU_GROUPS = ("orders", "catalog", "pricing", "auth", "rx", "postgres", "redis", "haproxy")
ORDER_TARGET = "order_1_line"  # the order targets are for 1-line orders, 16 clients


def _scenario(result: dict, key: str) -> dict | None:
    found = next((s["result"] for s in result["scenarios"] if s["key"] == key), None)
    return None if found is None or "error" in found else found


def _curve_p95(result: dict, key: str, size: int) -> float | None:
    """The point's p95; None (not measured) when some answers were not 2xx: quick 429s
    would pass for fast answers."""
    curve = next((c for c in result.get("curves", []) if c["key"] == key), None)
    point = next((p for p in curve["points"] if p["size"] == size), None) if curve else None
    return point["p95_ms"] if point and not point["non_2xx"] else None


def _row(target: str, measured, unit: str, ok) -> tuple[str, str, str]:
    """``ok`` is a predicate on ``measured``; nothing measured (None) is 'not measured'."""
    if measured is None:
        return target, "", "not measured"
    return target, f"{measured}{unit}", "met" if ok(measured) else "missed"


def targets(result: dict) -> list[tuple[str, str, str]]:
    """(target, measured, met/missed/not measured) for each target of issue 14."""
    in_turns = result.get("in_turns") or {}
    ratio = in_turns.get("ratio")
    big, small = (_curve_p95(result, "search", n) for n in (100_000, 1_000))
    growth = round(big / small, 2) if big and small else None
    order = _scenario(result, ORDER_TARGET) or {}
    proof = result.get("oversell") or {}
    rows = [
        _row(
            "drug detail: at least 0.6 of the ceiling (the two in turns)",
            ratio,
            " of it",
            lambda v: v >= 0.6,
        ),
        _row("search at 100k drugs: p95 ≤ 30 ms (8 clients)", big, " ms", lambda v: v <= 30),
        _row("search p95 at 100k ≤ 2 times p95 at 1k", growth, " times", lambda v: v <= 2),
        _row("orders (1 line, 16 clients) ≥ 100/s", order.get("ok_rps"), "/s", lambda v: v >= 100),
        _row("orders: p99 ≤ 250 ms", order.get("p99_ms"), " ms", lambda v: v <= 250),
        _row(
            "orders: ≤ 20 ms CPU per order, every process",
            order.get("cpu", {}).get("total_ms_per_order"),
            " ms",
            lambda v: v <= 20,
        ),
        _row("zero oversell", proof.get("oversell"), "", lambda v: v == 0),
        _row("zero 5xx in the order scenarios", proof.get("http_5xx"), "", lambda v: v == 0),
        _row(
            "expiring report at 1M lots: p95 ≤ 50 ms",
            _curve_p95(result, "expiring", 1_000_000),
            " ms",
            lambda v: v <= 50,
        ),
        _row(
            "whole platform ≤ 2 GiB RSS under load",
            result["platform"].get("rss_peak_under_load_mib"),
            " MiB",
            lambda v: v <= 2048,
        ),
    ]
    return rows


def _scenario_lines(result: dict) -> list[str]:
    ceiling_rps = result["ceiling"]["ok_rps"]
    lines = [
        "| scenario | conns | req/s (2xx) | p50 ms | p95 ms | p99 ms | ratio to ceiling | errors "
        "| 5xx | 429 service | 429 HAProxy | peak RSS (PSS) MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows = [("ceiling: bare Django, PK SELECT", result["ceiling"], result["connections"])] + [
        (s["title"], s["result"], s.get("connections", result["connections"]))
        for s in result["scenarios"]
    ]
    for title, r, conns in rows:
        if "error" in r:
            lines.append(f"| {title} | {conns} | not run: {r['error']} |" + " |" * 9)
            continue
        ratio = round(r["ok_rps"] / ceiling_rps, 3) if ceiling_rps else "n/a"
        haproxy_429 = r["statuses"].get("429-haproxy", 0)
        errors = r["errors_non_2xx_excluding_429"] + r["socket_errors"]
        latency = f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']}"
        lines.append(
            f"| {title} | {conns} | {r['ok_rps']:,} | {latency} "
            f"| {ratio} | {errors} | {r['http_5xx']} | {r['http_429'] - haproxy_429} "
            f"| {haproxy_429} | {r.get('rss_peak_mib', '')} ({r.get('pss_peak_mib', '')}) |"
        )
    return lines


def _in_turns_lines(result: dict) -> list[str]:
    turns = result.get("in_turns")
    if not turns:
        return []
    lines = [
        "## Drug detail against the ceiling, in turns",
        "",
        f"{turns['pairs']} times {turns['slice_s']} s of the ceiling then {turns['slice_s']} s "
        "of drug detail (16 connections, the same paths and readers as the rows above); each "
        "rate is the 2xx answers over the seconds of its slices. The machine's speed drifts "
        "within minutes, so the target's ratio is this one, not the two rows above.",
        "",
        f"- ceiling {turns['ceiling_rps']} req/s, drug detail {turns['detail_rps']} req/s: "
        f"**{turns['ratio']}**",
        "- slices (req/s): "
        + ", ".join(
            f"{s['key'].replace('_', ' ')} {round(s['ok'] / s['seconds'], 1)}"
            for s in turns["slices"]
        ),
        "",
    ]
    return lines


def _cpu_lines(result: dict) -> list[str]:
    measured = [s for s in result["scenarios"] if s["result"].get("cpu")]
    if not measured:
        return []
    lines = [
        "## CPU per order",
        "",
        "CPU time (utime + stime from /proc) of every platform process, summed per group, "
        "from the start of the load until the orders in flight when wrk stopped were done, "
        "divided by the orders confirmed in that time (counted in the orders database, so "
        "more than wrk's 2xx). Postgres is the backends of the platform's databases plus "
        "the server's background processes; Redis is the whole server; HAProxy is the "
        "platform's gateway and the bench gateway. Other users of the machine's Postgres and "
        "Redis add to those two groups.",
        "",
        "| scenario | orders confirmed | total ms/order | " + " | ".join(CPU_GROUPS) + " |",
        "|---|---|---|" + "---|" * len(CPU_GROUPS),
    ]
    for s in measured:
        cpu = s["result"]["cpu"]
        groups = " | ".join(str(cpu["groups_ms_per_order"].get(g, "")) for g in CPU_GROUPS)
        lines.append(f"| {s['title']} | {cpu['orders']} | {cpu['total_ms_per_order']} | {groups} |")
    return [*lines, ""]


def _oversell_lines(result: dict) -> list[str]:
    proof = result.get("oversell")
    if not proof:
        return []
    if "error" in proof:
        return ["## Zero-oversell check", "", f"Not run: {proof['error']}", ""]
    return [
        "## Zero-oversell check",
        "",
        "After the order scenarios, from the catalog's and the orders service's databases "
        "(bench/oversell.py): every lot of an ordered drug against its ledger, and every order "
        "confirmed since the scenarios began (those wrk stopped waiting for included, and "
        "anyone else's on the platform) "
        "against its catalog reservation.",
        "",
        f"- orders confirmed since the scenarios began: {proof['orders_checked']} "
        f"({proof['order_lines_checked']} lines); lots checked: {proof['lots_checked']}",
        f"- lots oversold (on hand < reserved, or held + shipped + written off > received): "
        f"{proof['oversold_lots']}",
        f"- confirmed orders without their quantity held or committed in lots: "
        f"{proof['unbacked_orders']}; reservations shared by two orders: "
        f"{proof['shared_reservations']}",
        f"- lots whose on hand / reserved differ from their ledger: {proof['ledger_mismatches']}",
        f"- **oversell: {proof['oversell']}**; 5xx answers in the order scenarios: "
        f"**{proof['http_5xx']}**",
        "",
    ]


def _curve_lines(result: dict) -> list[str]:
    curves = result.get("curves")
    if not curves:
        return []
    lines = ["## Scale curves", ""]
    for curve in curves:
        lines += [
            f"**{curve['title']}** ({curve['connections']} connections, "
            f"{curve['duration_s']} s per size; {curve['loaded']})",
            "",
            "| size | rows | req/s (2xx) | p50 ms | p95 ms | p99 ms | non-2xx | load s |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for p in curve["points"]:
            lines.append(
                f"| {p['size']:,} | {p['rows']:,} | {p['ok_rps']:,} | {p['p50_ms']} "
                f"| {p['p95_ms']} | {p['p99_ms']} | {p['non_2xx']} | {p['load_s']} |"
            )
        if curve["skipped"]:
            skipped = ", ".join(f"{n:,}" for n in curve["skipped"])
            lines.append(f"\nNot run in this size of the benchmark: {skipped}.")
        lines.append("")
    return lines


def write_reports(result: dict, results_dir: Path, setup: list[str]) -> tuple[Path, Path]:
    """``setup`` is the run's description, one Markdown bullet each."""
    results_dir.mkdir(parents=True, exist_ok=True)
    # A quick run never overwrites the day's full one.
    stem = result["date"] if result["size"] == "full" else f"{result['date']}-{result['size']}"
    json_path, md_path, png_path = (results_dir / f"{stem}.{ext}" for ext in ("json", "md", "png"))
    json_path.write_text(json.dumps(result, indent=2) + "\n")
    write_plot(result, png_path)
    lines = [f"# Benchmark {result['date']} ({result['size']})", "", *setup, ""]
    lines += ["## Targets of issue 14", "", "| target | measured | |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in targets(result)]
    lines += ["", "## Scenarios", "", *_scenario_lines(result), ""]
    lines += [
        "Latencies are wrk's for every response, 2xx or not (a row with many fast 429s has "
        "latencies that describe the 429s). req/s counts 2xx answers only. 'errors' are "
        "non-2xx answers other than 429 plus socket errors (5xx are among them). '429 "
        "service' are the services' quota answers, '429 HAProxy' the gateway's flood shield. "
        "The ceiling's peak RSS is the ceiling's own processes; every other row is the "
        "platform's.",
        "",
        f"![latency percentiles per scenario and scale curves]({png_path.name})",
        "",
        *_in_turns_lines(result),
        *_cpu_lines(result),
        *_oversell_lines(result),
        *_curve_lines(result),
        "## Status counts per scenario",
        "",
    ]
    lines.append(f"- ceiling: {json.dumps(result['ceiling'].get('statuses', {}), sort_keys=True)}")
    for s in result["scenarios"]:
        lines.append(f"- {s['key']}: {json.dumps(s['result'].get('statuses', {}), sort_keys=True)}")
    md_path.write_text("\n".join(lines) + "\n")
    return md_path, json_path
