"""The PNG next to the results: latency percentiles per scenario, and the scale curves."""

import importlib.util
import subprocess
import sys
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parent / "requirements.txt"


def ensure_matplotlib() -> None:
    """Install bench/requirements.txt into this interpreter's environment if matplotlib is
    missing (it is the benchmark's alone, not the services')."""
    if importlib.util.find_spec("matplotlib") is None:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True
        )


def write_plot(result: dict, path: Path) -> None:
    ensure_matplotlib()
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    rows = [("ceiling", result["ceiling"])] + [
        (s["key"], s["result"]) for s in result["scenarios"] if "error" not in s["result"]
    ]
    curves = [c for c in result.get("curves", []) if c["points"]]
    fig, axes = pyplot.subplots(
        1, 2 if curves else 1, figsize=(15 if curves else 10, 6), squeeze=False
    )
    bars = axes[0][0]
    width = 0.27
    for i, (pct, colour) in enumerate((("p50", "#4c72b0"), ("p95", "#dd8452"), ("p99", "#c44e52"))):
        bars.bar(
            [x + (i - 1) * width for x in range(len(rows))],
            [r[f"{pct}_ms"] for _key, r in rows],
            width,
            label=pct,
            color=colour,
        )
    bars.set_xticks(range(len(rows)), [key for key, _r in rows], rotation=40, ha="right")
    bars.set_yscale("log")
    bars.set_ylabel("latency, ms (log scale)")
    bars.set_title(f"latency percentiles per scenario ({result['size']}, {result['date']})")
    bars.legend()
    if curves:
        plot = axes[0][1]
        for curve in curves:
            sizes = [p["size"] for p in curve["points"]]
            p95 = [p["p95_ms"] for p in curve["points"]]
            plot.plot(sizes, p95, marker="o", label=curve["title"])
        plot.set_xscale("log")
        plot.set_xlabel("rows (drugs or lots)")
        plot.set_ylabel("p95, ms")
        plot.set_title("scale curves: p95 by data size")
        plot.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    pyplot.close(fig)
