"""Settings of the orders service: the common base plus orders and fulfillment."""

import os

from common import demo
from common.settings import *  # noqa: F403
from common.settings import COMMON_APPS, service_settings

globals().update(service_settings("orders"))

INSTALLED_APPS = [*COMMON_APPS, "orders", "fulfillment", "webhooks"]
# One OpenAPI name per choice set: an order's status is also an event's ``from`` and ``to``.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "OrderStatusEnum": "orders.models.Order.Status",
    "DeliveryStatusEnum": "webhooks.models.Delivery.Status",
}
# The cache holds copies of catalog entries: a Redis outage makes orders slower, not failing.
CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] = True
# Demo orders are placed through the gateway once the platform is up (seed_demo_orders).
SEED_STEPS: list[str] = []

# The distributor that fulfils orders placed on this platform.
ORDERS_SELLER_ORG = int(os.environ.get("ORDERS_SELLER_ORG", str(demo.ACME_DISTRIBUTION)))
# While pricing is down, an order may be priced from the buyer's last good quote if it is at
# most this old; otherwise placement answers 503.
ORDERS_CACHED_PRICE_MAX_AGE_SECONDS = int(
    os.environ.get("ORDERS_CACHED_PRICE_MAX_AGE_SECONDS", str(24 * 3600))
)
# An order still pending after this long was abandoned by a crash; `reconcile` settles it.
ORDERS_PENDING_TIMEOUT_SECONDS = int(os.environ.get("ORDERS_PENDING_TIMEOUT_SECONDS", "120"))

# Webhooks out: a delivery is retried, 30 s then doubling up to an hour between tries, for 24 h
# from its event (or its replay), then dead-lettered. After a secret rotation the old secret
# keeps signing alongside the new one for a day. Private and loopback URLs only where allowed
# (development, tests): otherwise a registration could aim the platform at its own network.
WEBHOOK_FIRST_RETRY_SECONDS = int(os.environ.get("WEBHOOK_FIRST_RETRY_SECONDS", "30"))
WEBHOOK_MAX_RETRY_DELAY_SECONDS = int(os.environ.get("WEBHOOK_MAX_RETRY_DELAY_SECONDS", "3600"))
WEBHOOK_RETRY_WINDOW_SECONDS = int(os.environ.get("WEBHOOK_RETRY_WINDOW_SECONDS", str(24 * 3600)))
WEBHOOK_SECRET_OVERLAP_SECONDS = int(os.environ.get("WEBHOOK_SECRET_OVERLAP_SECONDS", "86400"))
WEBHOOK_ALLOW_PRIVATE_URLS = os.environ.get("WEBHOOK_ALLOW_PRIVATE_URLS", "") == "1"

ADMIN_ROLE_PERMISSIONS = {
    "distributor": [
        "orders.view_order",
        "orders.change_order",
        "orders.view_orderline",
        "orders.view_orderevent",
        "fulfillment.view_transactionrecord",
    ],
}
