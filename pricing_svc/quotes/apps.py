from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "quotes"
    label = "quotes"
    verbose_name = "Quotes"
