"""``requested_by`` in the platform's one format (``Principal.actor``): a machine token without
a client id was written ``client:None`` and is ``client:unknown`` now.

Not converted, because the stored value does not say what it should become: ``user:None``,
written for B2B integration tokens before they were told apart from people (their client id
was not stored).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("quotes", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "UPDATE quotes_quote SET requested_by = 'client:unknown' "
            "WHERE requested_by = 'client:None'",
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
