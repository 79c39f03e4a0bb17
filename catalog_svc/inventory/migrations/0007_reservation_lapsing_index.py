"""Unconfirmed holds by expiry, replacing the index of every held reservation by status and
expiry: confirmed holds stay held until they ship, so that one grew with every order and
the look-ups for lapsed holds (availability, expire_reservations) scanned the table. Built
and dropped without locking reservations against writes."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("inventory", "0006_expiring_lot_tally"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="reservation",
            index=models.Index(
                condition=models.Q(("confirmed_at__isnull", True), ("status", "held")),
                fields=["expires_at"],
                name="inventory_resv_lapsing_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="reservation", name="inventory_resv_expiry_idx"),
    ]
