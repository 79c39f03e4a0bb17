"""The vocabulary's trigram index takes new words at once (``fastupdate = off``).

With GIN's default fast update, new entries wait in a pending list that every search scans
in full until VACUUM merges it. After the vocabulary is refreshed (every word of the
catalog, at seed or import) that made the planner pass the trigram index by: matching one
query word against 12,000 catalog words took 40-50 ms instead of 0.5 ms, until autovacuum
came by. New words are rare and few (a drug added or renamed), so paying for the index
update when they are written costs nothing users feel.

The drugs' own GIN indexes keep fast update: bulk loads of drugs (imports, the search
benchmark) would take ten times longer without it.

The storage parameter is set in SQL: the model's ``GinIndex`` is unchanged, and Django's
migration state does not track it.
"""

from django.db import migrations

INDEX = "catalog_searchterm_trgm"


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_word_search"),
    ]

    operations = [
        migrations.RunSQL(
            # Turning it off does not merge what is already pending; cleaning the list does.
            sql=[
                f"ALTER INDEX {INDEX} SET (fastupdate = off)",
                f"SELECT gin_clean_pending_list('{INDEX}'::regclass)",
            ],
            reverse_sql=[f"ALTER INDEX {INDEX} SET (fastupdate = on)"],
        ),
    ]
