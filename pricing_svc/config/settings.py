"""Settings of the pricing service: the common base plus what is its own."""

import os

from common.settings import *  # noqa: F403
from common.settings import COMMON_APPS, service_settings

globals().update(service_settings("pricing"))

INSTALLED_APPS = [
    *COMMON_APPS,
    "prices",
    "contracts",
    "discounts",
    "quotes",
    "chargebacks",
]

SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "OrgTypeEnum": "discounts.models.DiscountRule.OrgType",
}

# The cache holds only catalog look-ups here: a Redis outage makes them slower, not failing.
CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# How long a quote holds (API: "valid for a short time"); orders re-quote after that.
PRICING_QUOTE_TTL_SECONDS = int(os.environ.get("PRICING_QUOTE_TTL_SECONDS", "900"))
# How long the last good price per (buyer, drug) is kept in Redis for orders' fallback.
PRICING_LAST_GOOD_TTL_SECONDS = int(os.environ.get("PRICING_LAST_GOOD_TTL_SECONDS", "604800"))

SEED_STEPS = [
    "prices.demo.seed_price_list",
    "contracts.demo.seed_contracts",
    "discounts.demo.seed_discount_rules",
]

# Back-office staff signed in through auth_svc get these admin permissions by role: the
# distributor manages its prices, contracts and rules, reads quotes and works chargebacks.
ADMIN_ROLE_PERMISSIONS = {
    "distributor": [
        *(
            f"{app}.{action}_{model}"
            for app, model in [
                ("prices", "pricelist"),
                ("prices", "pricelistitem"),
                ("contracts", "contract"),
                ("contracts", "contractitem"),
                ("discounts", "discountrule"),
                ("discounts", "discounttier"),
            ]
            for action in ("view", "add", "change")
        ),
        "quotes.view_quote",
        "quotes.view_quoteline",
        "chargebacks.view_chargeback",
        "chargebacks.change_chargeback",
        "chargebacks.view_chargebackevent",
        "chargebacks.view_shippedline",
    ],
}
