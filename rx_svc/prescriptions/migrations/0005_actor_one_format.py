"""Who did it, in the platform's one format (``Principal.actor``, ``common.admin.admin_actor``),
in every column that names an actor; the columns grow to hold a local admin's whole name.

Every old value determines its new one: a bare auth_svc user id ``7`` becomes ``user:7``;
``admin:<name>`` (written only for admin accounts with no auth_svc session) becomes
``staff:<name>``; a machine without a client id, ``client:-``, becomes ``client:unknown``;
the expiry job's ``system`` becomes ``system:expire_prescriptions``.
"""

from django.db import migrations, models

COLUMNS = [
    ("prescriptions_prescriptionevent", "by_id"),
    ("prescriptions_prescription", "claimed_by"),
    ("prescriptions_prescription", "reviewed_by"),
    ("prescriptions_documentaccess", "reader_id"),
    ("prescriptions_fill", "consumed_by"),
]


def _convert(table: str, column: str) -> list[str]:
    # Names come from COLUMNS above, never from input.
    return [
        f"UPDATE {table} SET {column} = 'user:' || {column} "  # noqa: S608
        f"WHERE {column} NOT IN ('', 'system') AND position(':' in {column}) = 0",
        f"UPDATE {table} SET {column} = 'staff:' || substr({column}, 7) "  # noqa: S608
        f"WHERE {column} LIKE 'admin:%'",
        f"UPDATE {table} SET {column} = 'client:unknown' WHERE {column} = 'client:-'",  # noqa: S608
        f"UPDATE {table} SET {column} = 'system:expire_prescriptions' "  # noqa: S608
        f"WHERE {column} = 'system'",
    ]


class Migration(migrations.Migration):
    dependencies = [("prescriptions", "0004_prescription_pharmacy_required")]

    operations = [
        migrations.AlterField(
            model_name="prescriptionevent", name="by_id", field=models.CharField(max_length=200)
        ),
        migrations.AlterField(
            model_name="prescription",
            name="claimed_by",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="prescription",
            name="reviewed_by",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="documentaccess", name="reader_id", field=models.CharField(max_length=200)
        ),
        migrations.AlterField(
            model_name="fill",
            name="consumed_by",
            field=models.CharField(blank=True, max_length=200),
        ),
        *(
            migrations.RunSQL(_convert(table, column), reverse_sql=migrations.RunSQL.noop)
            for table, column in COLUMNS
        ),
    ]
