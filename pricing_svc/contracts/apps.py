from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    label = "contracts"
    verbose_name = "Contracts"
