"""Orders as the saga leaves them, for tests that start from a stored order rather than
placing one through the API."""

from decimal import Decimal

import factory

from orders.models import Order, OrderEvent, OrderLine

HOSPITAL_ORG = 2
DISTRIBUTOR_ORG = 1


class OrderFactory(factory.django.DjangoModelFactory):
    """A hospital's pending B2B order; ``confirmed=True``: priced, its stock held."""

    class Meta:
        model = Order

    class Params:
        confirmed = factory.Trait(
            status=Order.Status.CONFIRMED,
            reservation_id=factory.Sequence(lambda n: str(7000 + n)),
            reservation_state=Order.ReservationState.HELD,
            price_source=Order.PriceSource.LIVE,
            total=Decimal("10.00"),
        )

    channel = Order.Channel.B2B
    buyer_org = HOSPITAL_ORG
    buyer_user = "31"
    seller_org = DISTRIBUTOR_ORG


class OrderLineFactory(factory.django.DjangoModelFactory):
    """A confirmed line of 4 units held on one lot (lot ``900 + drug``)."""

    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory, confirmed=True)
    line_no = factory.Sequence(lambda n: n + 1)
    drug = 1
    requested_quantity = 4
    quantity = factory.SelfAttribute("requested_quantity")
    unit_price = Decimal("2.5000")
    line_total = Decimal("10.00")
    allocations = factory.LazyAttribute(
        lambda line: [
            {
                "lot": 900 + line.drug,
                "lot_number": f"L{line.drug}",
                "expiry_date": "2028-01-31",
                "quantity": line.quantity,
            }
        ]
    )


class OrderEventFactory(factory.django.DjangoModelFactory):
    """The first event of an order: placed (``pending``) by its buyer."""

    class Meta:
        model = OrderEvent

    order = factory.SubFactory(OrderFactory)
    to_status = Order.Status.PENDING
    by = factory.LazyAttribute(lambda event: f"user:{event.order.buyer_user}")
