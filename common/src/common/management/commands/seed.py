"""``manage.py seed``: the demo data of this service; idempotent, (re)sets demo passwords.

Runs the callables named in ``settings.SEED_STEPS`` (dotted paths) in order, in one
transaction. Never run in production.
"""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

DEFAULT_DEMO_PASSWORD = "pharma-demo-2026"  # noqa: S105 - the documented demo password


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


def seed_admin() -> None:
    """The back-office superuser ``admin`` of this service's admin site."""
    user, _ = get_user_model().objects.get_or_create(username="admin")
    user.is_staff = user.is_superuser = True
    user.set_password(demo_password())
    user.save()


class Command(BaseCommand):
    help = "Create or refresh this service's demo data (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        for dotted in getattr(
            settings, "SEED_STEPS", ["common.management.commands.seed.seed_admin"]
        ):
            import_string(dotted)()
            self.stdout.write(f"seeded: {dotted}")
