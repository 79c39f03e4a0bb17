"""Business counters of sign-in, exported on /metrics."""

from prometheus_client import Counter

sign_ins_total = Counter(
    "pharma_sign_ins", "Password sign-ins by outcome (ok, invalid, locked_out).", ["outcome"]
)
