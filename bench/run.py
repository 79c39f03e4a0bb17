"""PharmaConnect benchmark: every scenario through HAProxy with wrk, against a ceiling.

    python3 bench/run.py [--quick] [--url URL]

Uses the platform already answering at URL (default http://127.0.0.1:8080), or starts
``manage_all.py up`` (dev profile) itself and stops it afterwards. The ceiling (bare Django,
one primary-key SELECT, the same gunicorn worker model and count, its own HAProxy on
127.0.0.1:9080 -> 9101/9102) runs in the same invocation; so do the CPU count per order, the
zero-oversell check and the scale curves. Results go to bench/results/<date>.md, .json and
.png (<date>-quick.* for --quick).
"""

import argparse
import datetime as dt
import os
import platform as pyplatform
import shutil
import tempfile
import time
import urllib.parse
from pathlib import Path

import cpu
import oversell
import plot
from console import elapsed_s, say
from curves import run_curves
from databases import database_name, service_database_urls, settled_orders, vacuum_analyze
from gateway import CEILING_GATEWAY_PORT, CEILING_PORTS, Ceiling, ceiling_worker_model
from interleaved import in_turns
from own_platform import OWN_PLATFORM_QUOTAS, OwnPlatform
from processes import RssSampler, platform_pids, service_environ, total_pss_mib, total_rss_mib
from report import write_reports
from scenarios import (
    EXPIRING_PATH,
    HOT_SPOT_CONNECTIONS,
    HOT_SPOT_UNITS,
    ORDER_UNITS,
    POOL_SIZE,
    build_scenarios,
    readers_needed,
)
from setup_http import answers, smoke
from wrk import run_wrk

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
QUICK_S, FULL_S = 5, 30  # seconds of load per scenario
DEFAULT_READ_QUOTA = "600/60"  # common/settings.py's QUOTAS["read"]


def setup_lines(result: dict) -> list[str]:
    """How the run was done, for the top of the Markdown report."""
    p = result["platform"]
    ceiling = ceiling_worker_model()
    return [
        f"- machine: {result['machine']['cpus']} CPUs, {result['machine']['platform']}; "
        f"wrk {result['connections']} connections unless the row says otherwise, "
        f"{result['threads']} threads, {result['duration_s']} s per scenario, everything "
        "through HAProxy on one box",
        f"- platform: {p['source']}; quotas: {p['quotas']}",
        f"- ceiling: bare Django, no DRF/auth/middleware, one primary-key SELECT, gunicorn "
        f"{len(CEILING_PORTS)} replicas x {ceiling['workers']} {ceiling['worker_class']} "
        f"worker(s) of {ceiling['threads']} thread(s) (catalog's model) behind its own "
        f"HAProxy (127.0.0.1:{CEILING_GATEWAY_PORT})",
        f"- platform memory (every gunicorn master and worker and the platform's HAProxy): "
        f"idle RSS {p['rss_idle_mib']} MiB (PSS {p['pss_idle_mib']} MiB); peak under load RSS "
        f"{p.get('rss_peak_under_load_mib')} MiB",
        f"- scenarios run through the bench gateway ({CEILING_GATEWAY_PORT}: the same HAProxy "
        "settings as the ceiling, the platform's route table, flood-shield threshold raised) "
        "unless marked 'via the platform's gateway'; services still call each other through "
        "the platform's gateway",
        "- users: hospital buyers of two organizations in three token pools, drug detail's "
        "and one for search, availability and the search curve each as large as the ceiling's "
        f"rate needs to stay within the read quota ({p['read_quota']} per person), {POOL_SIZE} "
        f"who write; {POOL_SIZE} back-office users of the demo distributor for the expiring "
        "report; the hot spot's "
        f"{HOT_SPOT_CONNECTIONS} connections share the write pool's {POOL_SIZE} buyers and "
        f"order from a lot of {HOT_SPOT_UNITS:,} units received for the run; every other "
        f"ordered drug gets a lot of {ORDER_UNITS:,}",
        "- before the load: VACUUM ANALYZE of the platform's databases (as autovacuum would; "
        "earlier runs' orders leave dead rows) and, not measured, 2 s of the ceiling and 3 s "
        "of 1-line orders (every worker on the order path fetches its service token once)",
        f"- scale curves: {result['curves_note']}",
        f"- the whole run took {result['wall_s']} s (platform start, if any, included)",
    ]


def run_scenario(target, scenario, *, duration_s, wrk_opts, cpu_scope, orders_url):
    """One scenario after a smoke request. Order scenarios also get their CPU per order: the
    platform's CPU from the start of the load until the orders still in flight when wrk
    stopped are done, over the orders confirmed in that time (the orders database's count)."""
    status, detail = smoke(target, scenario)
    if not 200 <= status < 300:
        say(f"{scenario['key']}: smoke request answered {status}: {detail}")
        return {"error": f"smoke request answered {status}"}
    measured = scenario.get("orders")
    if measured:
        started, before = dt.datetime.now(dt.UTC), cpu.snapshot(*cpu_scope())
    with RssSampler(platform_pids) as sampler:
        r = run_wrk(target, scenario, duration_s=duration_s, **wrk_opts)
    if measured:
        orders = settled_orders(orders_url, started)
        spent = cpu.spent_s(before, cpu.snapshot(*cpu_scope()))
        per_order = {g: round(1000 * t / orders, 2) for g, t in spent.items()} if orders else {}
        r["cpu"] = {
            "orders": orders,
            "cpu_s": spent,
            "groups_ms_per_order": per_order,
            "total_ms_per_order": round(sum(per_order.values()), 2) if orders else None,
        }
    r["rss_peak_mib"] = sampler.peak
    r["pss_peak_mib"] = sampler.peak_pss
    say(f"{scenario['key']}: {r['ok_rps']} req/s, p99 {r['p99_ms']} ms, statuses {r['statuses']}")
    return r


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_S} s per scenario, the smallest size of each scale curve "
        f"(default {FULL_S} s, every size)",
    )
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    duration = QUICK_S if args.quick else FULL_S
    pause = 0.5 if args.quick else 2  # between scenarios: the last one's connections close
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    host = urllib.parse.urlsplit(args.url).hostname
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit("bench only drives a platform on 127.0.0.1")
    plot.ensure_matplotlib()  # before the load, so an install never runs while measuring

    run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    workdir = Path(tempfile.mkdtemp(prefix="pharma-bench-"))
    own = None
    ceiling = Ceiling(workdir)
    result = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        "run_id": run_id,
        "size": "quick" if args.quick else "full",
        "url": args.url,
        "duration_s": duration,
        "connections": args.connections,
        "threads": args.threads,
        "machine": {"cpus": os.cpu_count(), "platform": pyplatform.platform()},
        "curves_note": "the smallest size of each curve only (--quick)"
        if args.quick
        else "every size",
    }
    try:
        if answers(f"{args.url}/api/auth/.well-known/jwks.json"):
            source = "already running (quotas as it was started)"
            quotas = "as configured by whoever started it"
        else:
            own = OwnPlatform(args.url, workdir / "platform.log")
            own.start()
            source = "started by bench/run.py (manage_all.py up, dev profile)"
            quotas = "on; QUOTA_READ default 600/60 per person; " + ", ".join(
                f"{k}={v}" for k, v in OWN_PLATFORM_QUOTAS.items()
            )
        time.sleep(3)
        rss_idle = total_rss_mib(platform_pids())
        result["platform"] = {
            "source": source,
            "quotas": quotas,
            "rss_idle_mib": rss_idle,
            "pss_idle_mib": total_pss_mib(platform_pids()),
            "processes": len(platform_pids()),
        }
        say(f"platform idle RSS {rss_idle} MiB over {result['platform']['processes']} processes")
        databases = service_database_urls(platform_pids())
        names = {database_name(url) for url in databases.values()}
        say("vacuuming and analyzing the platform's databases")
        vacuum_analyze(databases.values())

        def cpu_scope():
            return platform_pids(), ceiling.pids(), names

        say("starting the bench gateway (ceiling + the platform's replicas)")
        ceiling.start()
        bench_url = f"http://127.0.0.1:{CEILING_GATEWAY_PORT}"
        wrk_opts = {
            "connections": args.connections,
            "threads": args.threads,
            "workdir": workdir,
            "run_id": run_id,
        }
        # warm-up: connections, the workers' first requests
        ceiling_warmup = {"key": "ceiling_warmup", "method": "GET", "paths": ["/drug/1/"]}
        run_wrk(bench_url, ceiling_warmup, duration_s=2, **wrk_opts)
        ceiling_scenario = {
            "key": "ceiling",
            "method": "GET",
            "paths": [f"/drug/{i}/" for i in range(1, 17)],
        }
        with RssSampler(ceiling.pids) as sampler:
            ceiling_result = run_wrk(bench_url, ceiling_scenario, duration_s=duration, **wrk_opts)
        ceiling_result["rss_peak_mib"] = sampler.peak
        ceiling_result["pss_peak_mib"] = sampler.peak_pss
        result["ceiling"] = ceiling_result
        say(f"ceiling: {ceiling_result['ok_rps']} req/s, p99 {ceiling_result['p99_ms']} ms")

        run_started = dt.datetime.now(dt.UTC)
        # Drug detail, the fastest row, may approach the ceiling: enough readers that none
        # runs out of read quota (the platform's own QUOTA_READ, common/settings.py's default
        # when it has none).
        read_quota = next(iter(service_environ(platform_pids(), "QUOTA_READ").values()), None)
        result["platform"]["read_quota"] = read_quota or DEFAULT_READ_QUOTA
        detail_readers = readers_needed(
            ceiling_result["ok_rps"], duration, result["platform"]["read_quota"]
        )
        scenarios, context = build_scenarios(args.url, run_id, detail_readers=detail_readers)
        # Last: drug detail through the platform's own gateway, where HAProxy's per-address
        # flood shield (5000 requests / 10 s) caps one load generator on 127.0.0.1.
        scenarios.append(
            {
                **scenarios[0],
                "key": "drug_detail_platform_gateway",
                "title": "drug detail (JWT) via the platform's gateway, flood shield on",
                "via_platform_gateway": True,
            }
        )
        # Warm-up, as the ceiling has: every worker on the order path serves a few orders
        # first (each fetches its service token once, an Argon2 check in auth).
        first_order = next(s for s in scenarios if s.get("orders"))
        run_wrk(bench_url, {**first_order, "key": "order_warmup"}, duration_s=3, **wrk_opts)
        result["scenarios"] = []
        for scenario in scenarios:
            target = args.url if scenario.get("via_platform_gateway") else bench_url
            scenario_result = run_scenario(
                target,
                scenario,
                duration_s=duration,
                wrk_opts=wrk_opts,
                cpu_scope=cpu_scope,
                orders_url=databases["orders"],
            )
            result["scenarios"].append(
                {
                    "key": scenario["key"],
                    "title": scenario["title"],
                    "via": target,
                    "connections": scenario.get("connections", args.connections),
                    "result": scenario_result,
                }
            )
            time.sleep(pause)
        result["platform"]["rss_peak_under_load_mib"] = max(
            (s["result"].get("rss_peak_mib", 0) for s in result["scenarios"]), default=0
        )
        ran = zip(result["scenarios"], scenarios, strict=True)
        order_results = [done["result"] for done, asked in ran if asked.get("orders")]
        result["oversell"] = {
            **oversell.check(
                catalog_url=databases["catalog"], orders_url=databases["orders"], since=run_started
            ),
            "http_5xx": sum(r.get("http_5xx", 0) for r in order_results),
        }
        say(f"oversell check: {result['oversell']}")

        def measure(scenario, duration_s):
            return run_wrk(bench_url, scenario, duration_s=duration_s, **wrk_opts)

        # The target's ratio, from the ceiling and drug detail in turns (bench/interleaved.py);
        # the readers' quota has long refilled since the detail row.
        detail = next(s for s in scenarios if s["key"] == "drug_detail")
        result["in_turns"] = in_turns(
            measure,
            ceiling_scenario,
            detail,
            pairs=2 if args.quick else 6,
            slice_s=2 if args.quick else 5,
        )
        say(f"drug detail against the ceiling in turns: {result['in_turns']['ratio']}")

        result["curves"] = run_curves(
            catalog_url=databases["catalog"],
            distributor_org=context["distributor_org"],
            search={
                "key": "curve_search",
                "method": "GET",
                "paths": context["search_paths"],
                "tokens": context["curve_tokens"],
            },
            expiring={
                "key": "curve_expiring",
                "method": "GET",
                "paths": [EXPIRING_PATH],
                "tokens": context["office_tokens"],
            },
            quick=args.quick,
            duration_s=max(3, duration // 2),
            measure=measure,
        )
    finally:
        ceiling.stop()
        if own is not None:
            own.stop()
    result["wall_s"] = elapsed_s()  # before the plot and the reports are written
    md_path, json_path = write_reports(result, RESULTS, setup_lines(result))
    say(f"wrote {md_path.relative_to(ROOT)} and {json_path.relative_to(ROOT)} (and the .png)")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
