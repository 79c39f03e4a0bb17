"""``manage.py dispatch_webhooks``: pull new recalls into notices, then send what is due."""

from django.core.management.base import BaseCommand

from common.errors import ApplicationError
from webhooks.dispatch import deliveries_send
from webhooks.recalls import recalls_pull


class Command(BaseCommand):
    help = "Turn catalog's new recalls into notices and send every due webhook delivery."

    def handle(self, *args, **options):
        try:
            notices = recalls_pull()
        except ApplicationError as exc:  # catalog down: the deliveries still go out
            notices = 0
            self.stderr.write(f"recall feed unavailable: {exc.code}")
        delivered = deliveries_send()
        self.stdout.write(f"recall notices recorded: {notices}; deliveries made: {delivered}")
