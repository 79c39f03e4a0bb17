"""Row locks of the chargebacks app, taken in one place and in id order."""

from chargebacks.models import Chargeback


def lock_chargeback(pk: int) -> Chargeback:
    """The chargeback, locked until the transaction ends (call inside ``atomic``)."""
    return Chargeback.objects.select_for_update().get(pk=pk)
