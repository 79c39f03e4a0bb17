from django.apps import AppConfig


class PricesConfig(AppConfig):
    name = "prices"
    label = "prices"
    verbose_name = "Price lists"
