"""Who recorded a shipped line and who moved a chargeback, in the platform's one format
(``Principal.actor``): a machine token without a client id was written ``client:None`` and
is ``client:unknown`` now.

Not converted, because the stored value does not say what it should become: the back office's
``admin:<username>``, written for everyone, is ``user:<id>`` now for staff signed in through
auth_svc (an id this database never stored) and ``staff:<username>`` for local accounts;
and ``user:None``, written for B2B integration tokens before they were told apart from
people (their client id was not stored).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("chargebacks", "0001_initial")]

    operations = [
        migrations.RunSQL(
            [
                "UPDATE chargebacks_shippedline SET recorded_by = 'client:unknown' "
                "WHERE recorded_by = 'client:None'",
                "UPDATE chargebacks_chargebackevent SET by = 'client:unknown' "
                "WHERE by = 'client:None'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
