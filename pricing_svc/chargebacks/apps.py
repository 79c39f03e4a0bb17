from django.apps import AppConfig


class ChargebacksConfig(AppConfig):
    name = "chargebacks"
    label = "chargebacks"
    verbose_name = "Chargebacks"
