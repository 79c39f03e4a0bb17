from django.apps import AppConfig


class DiscountsConfig(AppConfig):
    name = "discounts"
    label = "discounts"
    verbose_name = "Discount rules"
