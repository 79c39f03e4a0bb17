"""Business counters of the review queue, on ``/metrics``."""

from prometheus_client import Counter

reviews_total = Counter(
    "pharma_rx_reviews",
    "Prescription reviews decided, by decision (verified, rejected) and rejection reason.",
    ["decision", "reason"],
)
