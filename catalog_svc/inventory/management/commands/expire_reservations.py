"""``manage.py expire_reservations``: end holds whose time is up, returning their stock
(cron-safe; reservations are also expired lazily whenever they are touched)."""

from django.core.management.base import BaseCommand

from inventory.services import reservations_expire


class Command(BaseCommand):
    help = "Expire held reservations past their hold time; safe to run on a schedule."

    def handle(self, *args, **options):
        expired = reservations_expire()
        self.stdout.write(f"expired {expired} reservation(s)")
