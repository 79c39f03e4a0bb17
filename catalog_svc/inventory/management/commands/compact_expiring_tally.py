"""``manage.py compact_expiring_tally``: merge the expiring report's tally rows (cron-safe).

The report's count is right without it; it keeps the rows the count sums to about one per
warehouse and day.
"""

from django.core.management.base import BaseCommand

from inventory.expiring import expiring_tally_compact


class Command(BaseCommand):
    help = "Merge the expiring report's tally into one row per warehouse and day."

    def handle(self, *args, **options):
        rows = expiring_tally_compact()
        self.stdout.write(f"expiring tally: {rows} row(s)")
