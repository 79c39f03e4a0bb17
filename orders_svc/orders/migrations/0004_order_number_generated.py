"""An order's number is computed by the database from its id as the row is inserted, instead
of set by a second UPDATE: ``PC-`` and the id zero-padded to eight digits (more when the id
has more), as placement wrote it. Every stored number was written that way, in the insert's
transaction, so the recomputed column holds the same values. Postgres cannot turn a column
into a generated one: it is dropped and added again (a rewrite of the table and its unique
index). Reversed, the plain column is filled again with the same numbers."""

import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_events_by_actor"),
    ]

    operations = [
        # Reversed, this runs last and writes the numbers back into the plain column.
        migrations.RunSQL(
            migrations.RunSQL.noop,
            reverse_sql="UPDATE orders_order SET number = 'PC-' || lpad(id::text, "
            "greatest(8, length(id::text)), '0')",
        ),
        migrations.RemoveField(model_name="order", name="number"),
        migrations.AddField(
            model_name="order",
            name="number",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Concat(
                    models.Value("PC-"),
                    django.db.models.functions.text.LPad(
                        django.db.models.functions.comparison.Cast("id", models.TextField()),
                        django.db.models.functions.comparison.Greatest(
                            models.Value(8),
                            django.db.models.functions.text.Length(
                                django.db.models.functions.comparison.Cast("id", models.TextField())
                            ),
                        ),
                        models.Value("0"),
                    ),
                ),
                output_field=models.CharField(max_length=20),
                unique=True,
            ),
        ),
    ]
