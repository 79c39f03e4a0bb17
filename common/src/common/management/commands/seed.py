"""``manage.py seed``: the demo data of this service; idempotent, (re)sets demo passwords.

Runs the callables named in ``settings.SEED_STEPS`` (dotted paths) in order, in one
transaction. Never run in production.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

DEFAULT_DEMO_PASSWORD = "pharma-demo-2026"  # noqa: S105 - the documented demo password


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


class Command(BaseCommand):
    help = "Create or refresh this service's demo data (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        for dotted in getattr(settings, "SEED_STEPS", []):
            import_string(dotted)()
            self.stdout.write(f"seeded: {dotted}")
