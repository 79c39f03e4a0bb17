"""Business counters of quoting, on ``/metrics``."""

from prometheus_client import Counter

quotes_total = Counter(
    "pharma_pricing_quotes",
    "Quotes asked for, by outcome: priced, or the code they were refused with.",
    ["outcome"],
)
