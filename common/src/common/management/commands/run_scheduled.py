"""``manage.py run_scheduled <command>…``: a service's scheduled commands in one process.

Starting Django costs about a second of CPU; a service with three jobs a minute would pay it
three times. Each command still runs on its own: one that fails is reported and the others
run; the exit status is non-zero when any failed."""

import logging

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the named management commands one after the other; report every failure."

    def add_arguments(self, parser):
        parser.add_argument("commands", nargs="+")

    def handle(self, *args, commands: list[str], **options):
        failed = []
        for name in commands:
            try:
                call_command(name, stdout=self.stdout, stderr=self.stderr)
            except Exception:  # one job's failure must not stop the others
                log.exception("scheduled command failed", extra={"command": name})
                failed.append(name)
        if failed:
            raise CommandError(f"failed: {', '.join(failed)}")
