from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from django.db.models.signals import post_delete

        from accounts.sessions import user_deleted

        post_delete.connect(user_deleted, sender="accounts.User")
