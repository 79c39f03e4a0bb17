from django.core.management.base import BaseCommand

from orders.reconcile import orders_reconcile


class Command(BaseCommand):
    help = "Settle orders left pending by a crash, finish compensations and chargeback reports."

    def handle(self, *args, **options):
        settled = orders_reconcile()
        self.stdout.write(
            f"abandoned orders rejected: {settled.abandoned}; compensations retried: "
            f"{settled.compensated}; chargeback lines sent: {settled.chargebacks_sent}"
        )
