from django.core.management.base import BaseCommand, CommandError

from tokens.models import SigningKey


class Command(BaseCommand):
    help = "Withdraw a retired signing key at once (e.g. if it leaked): its tokens stop working."

    def add_arguments(self, parser):
        parser.add_argument("kid")

    def handle(self, *args, kid, **options):
        key = SigningKey.objects.filter(kid=kid).first()
        if key is None:
            raise CommandError(f"no signing key {kid}")
        if key.retired_at is None:
            raise CommandError("that is the active key: rotate first")
        key.delete()
        self.stdout.write(f"removed signing key {kid}")
