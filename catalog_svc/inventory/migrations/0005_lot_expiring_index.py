"""The expiring-lots report's index, built without locking the lots against writes (receipts
and reservations go on while a large table is indexed)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("catalog", "0003_search_vocabulary_without_pending_list"),
        ("inventory", "0004_actor_one_format"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="lot",
            index=models.Index(
                condition=models.Q(
                    ("on_hand__gt", 0), ("status__in", ["available", "quarantined"])
                ),
                fields=["expiry_date", "id"],
                include=("warehouse",),
                name="inventory_lot_expiring_idx",
            ),
        ),
    ]
