"""Drug detail against the ceiling in turns: the target's ratio from rates measured side by
side.

This machine's speed drifts by a fifth within minutes (the ceiling alone measured anywhere
from 1,500 to 2,400 req/s in one morning), so a ratio of two 30-second rows taken a minute
apart says as much about that drift as about the platform. Here the two alternate in short
slices, each rate is the 2xx answers over the seconds of its slices, and the ratio is
theirs.
"""


def in_turns(measure, ceiling: dict, detail: dict, *, pairs: int, slice_s: int) -> dict:
    """``pairs`` times a slice of the ceiling then one of drug detail, ``slice_s`` each;
    ``measure(scenario, seconds)`` runs one slice and returns wrk's result."""
    slices = []
    for _ in range(pairs):
        for key, scenario in (("ceiling", ceiling), ("drug_detail", detail)):
            result = measure({**scenario, "key": f"{key}_in_turns"}, slice_s)
            slices.append(
                {
                    "key": key,
                    "ok": result["ok"],
                    "seconds": result["seconds"],
                    "non_2xx": result["non_2xx"],
                }
            )
    rates = {}
    for key in ("ceiling", "drug_detail"):
        mine = [s for s in slices if s["key"] == key]
        rates[key] = round(sum(s["ok"] for s in mine) / sum(s["seconds"] for s in mine), 1)
    return {
        "pairs": pairs,
        "slice_s": slice_s,
        "slices": slices,
        "ceiling_rps": rates["ceiling"],
        "detail_rps": rates["drug_detail"],
        "ratio": round(rates["drug_detail"] / rates["ceiling"], 3) if rates["ceiling"] else None,
    }
