from django.core.management.base import BaseCommand

from tokens.keys import publish_window, signing_key_rotate


class Command(BaseCommand):
    help = "Activate a new signing key; the old one stays published until its tokens expire."

    def handle(self, *args, **options):
        key = signing_key_rotate()
        self.stdout.write(
            f"active signing key: {key.kid} (old keys published for {publish_window()})"
        )
