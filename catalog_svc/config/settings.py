"""Settings of the catalog service: the common base plus what is its own."""

import os

from common.settings import *  # noqa: F403
from common.settings import COMMON_APPS, service_settings

globals().update(service_settings("catalog"))

INSTALLED_APPS = [*COMMON_APPS, "django.contrib.postgres", "catalog", "inventory"]

# How long a reservation holds stock before it lapses and the stock is available again.
RESERVATION_HOLD_MINUTES = int(os.environ.get("RESERVATION_HOLD_MINUTES", "15"))

SEED_STEPS = [
    "catalog.seed.seed_catalog",
    "inventory.seed.seed_stock",
]

# Back-office staff signed in through auth_svc get these admin permissions by role.
ADMIN_ROLE_PERMISSIONS = {
    "distributor": [
        "catalog.view_drug",
        "catalog.add_drug",
        "catalog.change_drug",
        "catalog.view_warehouse",
        "inventory.view_lot",
        "inventory.change_lot",
        "inventory.view_movement",
        "inventory.view_lotevent",
    ],
}
