"""``manage.py expire_prescriptions``: verified prescriptions past their validity become
``expired`` (run daily; reads and consumes treat them as expired on the day regardless)."""

from django.core.management.base import BaseCommand

from prescriptions.services import prescriptions_expire_due


class Command(BaseCommand):
    help = "Mark verified prescriptions past their valid_until as expired."

    def handle(self, *args, **options):
        expired = prescriptions_expire_due()
        self.stdout.write(f"expired {expired} prescription(s)")
