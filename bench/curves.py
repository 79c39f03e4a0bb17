"""Scale curves: search p95 by number of drugs, the expiring report's p95 by number of lots.

The data is topped up in the catalog database between sizes (bench/scale.py) and removed at
the end, whatever happened. The quick run measures the smallest size of each curve only.
"""

import time

from console import say
from scale import ScaleData

SEARCH_SIZES = (1_000, 10_000, 100_000)
LOT_SIZES = (10_000, 100_000, 1_000_000)
CONNECTIONS = 8


def _point(size: int, rows: int, load_s: float, r: dict) -> dict:
    """``size`` is the curve's nominal size, ``rows`` what the table held (more when the
    demo data alone is larger)."""
    keep = ("ok_rps", "p50_ms", "p95_ms", "p99_ms", "non_2xx", "statuses")
    return {"size": size, "rows": rows, "load_s": round(load_s, 1), **{k: r[k] for k in keep}}


def run_curves(*, catalog_url, distributor_org, search, expiring, quick, duration_s, measure):
    """``search`` and ``expiring`` are wrk scenarios; ``measure(scenario, duration_s)`` runs
    one and returns wrk's result."""
    plans = [
        ("search", "search (4-letter prefix) by drugs in the catalog", search, SEARCH_SIZES),
        ("expiring", "expiring-lots report (90 days) by lots", expiring, LOT_SIZES),
    ]
    curves = []
    data = ScaleData(catalog_url, distributor_org)
    try:
        data.remove()  # what an interrupted run may have left
        for key, title, scenario, sizes in plans:
            run_sizes = sizes[:1] if quick else sizes
            curve = {
                "key": key,
                "title": title,
                "connections": CONNECTIONS,
                "duration_s": duration_s,
                "loaded": "",
                "points": [],
                "skipped": list(sizes[len(run_sizes) :]),
            }
            curves.append(curve)
            for size in run_sizes:
                started = time.monotonic()
                # the lot curve spreads its lots over the bench drugs of the search curve
                reached = data.drugs_to(size) if key == "search" else data.lots_to(size)
                load_s = time.monotonic() - started
                r = measure({**scenario, "connections": CONNECTIONS}, duration_s)
                curve["points"].append(_point(size, reached, load_s, r))
                say(f"curve {key} at {reached:,}: p95 {r['p95_ms']} ms (loaded in {load_s:.1f} s)")
            curve["loaded"] = (
                f"{data.drug_count():,} drugs, {data.lot_count():,} lots at the end of the curve"
            )
    finally:
        started = time.monotonic()
        data.remove()
        say(f"scale data removed in {time.monotonic() - started:.1f} s")
        data.close()
    return curves
