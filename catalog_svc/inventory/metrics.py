"""The inventory's metrics: reservations by outcome, and gauges computed when Prometheus
scrapes.

Scrape time rather than a scheduled job: the number is one aggregate over an index (about
1 ms on 200,000 lots, catalog_svc/README.md says how it was measured), a scrape comes every
15 s per replica, and a value computed at scrape is never older than the scrape itself. A job
would have to write into every replica's multiprocess directory, or publish through yet another
exporter.
"""

import logging

from django.db import DatabaseError
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import Counter, Gauge

from inventory.selectors import EXPIRING_SOON_DAYS, sellable_units_expiring

log = logging.getLogger(__name__)

reservations_total = Counter(
    "pharma_reservations",
    "Reservation requests by outcome: held, or the refusal code (insufficient_stock, ...).",
    ["outcome"],
)

# Every worker computes the same number from the same database; the newest reading is the one
# to export ("mostrecent"), and a dead worker's file is only read while nothing newer exists.
stock_expiring_units = Gauge(
    "pharma_stock_expiring_units",
    f"Sellable units (in available lots, held by no order) that expire within the next "
    f"{EXPIRING_SOON_DAYS} days, as of the scrape.",
    multiprocess_mode="mostrecent",
)


def stock_expiring_refresh() -> None:
    """Set the gauge from the database; an unreachable database keeps the last value."""
    try:
        stock_expiring_units.set(sellable_units_expiring(days=EXPIRING_SOON_DAYS))
    except DatabaseError as exc:
        log.warning("stock_expiring_units not refreshed: %s", exc)


def metrics_view(request):
    """``/metrics`` as every service serves it, with the inventory's gauges refreshed first."""
    stock_expiring_refresh()
    return ExportToDjangoView(request)
