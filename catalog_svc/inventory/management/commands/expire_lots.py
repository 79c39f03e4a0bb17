"""``manage.py expire_lots``: mark lots past their expiry date ``expired`` (cron-safe).

Sales never depend on it having run: a lot past its expiry date is unsellable at read time.
"""

from django.core.management.base import BaseCommand

from inventory.services import lots_expire


class Command(BaseCommand):
    help = "Mark every lot past its expiry date as expired; safe to run on a schedule."

    def handle(self, *args, **options):
        expired = lots_expire()
        self.stdout.write(f"expired {expired} lot(s)")
