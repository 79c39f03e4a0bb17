"""Business counters of order placement, exported on /metrics."""

from prometheus_client import Counter

orders_placed_total = Counter(
    "pharma_orders_placed",
    "Orders placed, by outcome (confirmed or the refusal code) and price source.",
    ["outcome", "price_source"],
)
