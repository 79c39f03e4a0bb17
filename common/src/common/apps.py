from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "PharmaConnect common"

    def ready(self):
        from common import schema  # noqa: F401 - registers the OpenAPI auth extension
        from common.sso import role_groups_sync

        post_migrate.connect(role_groups_sync, dispatch_uid="common.role_groups_sync")
