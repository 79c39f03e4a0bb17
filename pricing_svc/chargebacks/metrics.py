"""Business counters of chargebacks, on ``/metrics``."""

from prometheus_client import Counter

chargebacks_opened_total = Counter(
    "pharma_pricing_chargebacks_opened", "Chargebacks opened for lines sold under contract."
)
