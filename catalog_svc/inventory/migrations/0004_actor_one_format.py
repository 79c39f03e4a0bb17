"""Audit rows name who did it in the platform's one format (``Principal.actor``): a person's
label ``user:<id> <username> (<role>, org <org>)`` becomes ``user:<id>``.

Machines (``client:<id>``) and the scheduled jobs (``system:…``) were already written that
way. ``staff:<username>`` rows are left as they are: the admin wrote that for everyone, and
this database cannot tell which of those people signed in through auth_svc (whose rows now
read ``user:<id>``, an id it never stored) from local admin accounts (still ``staff:…``).
"""

from django.db import migrations

PERSON_LABEL = r"^(user:[^ ]+) .*$"
COLUMNS = [
    ("inventory_lotevent", "actor"),
    ("inventory_receipt", "actor"),
    ("inventory_reservation", "client"),
    ("inventory_reservationevent", "actor"),
    ("inventory_movement", "actor"),
]


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_serial_numbers")]

    operations = [
        migrations.RunSQL(
            [
                (
                    f"UPDATE {table} SET {column} = regexp_replace({column}, %s, %s) "  # noqa: S608 - names from the list above
                    f"WHERE {column} ~ %s",
                    [PERSON_LABEL, r"\1", PERSON_LABEL],
                )
            ],
            reverse_sql=migrations.RunSQL.noop,  # the names it dropped are not kept anywhere
        )
        for table, column in COLUMNS
    ]
