from django.conf import settings
from django.core.management.base import BaseCommand

from common.management.commands.seed import demo_password
from orders.demo_orders import seed_demo_orders


class Command(BaseCommand):
    help = "Place demo orders in every settled state through the gateway (platform must be up)."

    def handle(self, *args, **options):
        outcome = seed_demo_orders(base_url=settings.GATEWAY_URL, password=demo_password())
        self.stdout.write(", ".join(f"{name}: {status}" for name, status in outcome.items()))
