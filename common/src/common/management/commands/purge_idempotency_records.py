"""``manage.py purge_idempotency_records [--days N]``: forget the stored answers to
``Idempotency-Key`` requests older than N days, so the table does not grow forever. Clients
retry within minutes; a week keeps every honest retry answered. Safe to run on a schedule
and concurrently with itself (one ``DELETE``)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from common.idempotency import idempotency_records_purge

DEFAULT_DAYS = 7


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than --days (default 7)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS)

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        deleted = idempotency_records_purge(older_than=timedelta(days=days))
        self.stdout.write(f"purged {deleted} idempotency record(s) older than {days} day(s)")
