from django.apps import AppConfig


class PrescriptionsConfig(AppConfig):
    name = "prescriptions"
    verbose_name = "Prescriptions"
