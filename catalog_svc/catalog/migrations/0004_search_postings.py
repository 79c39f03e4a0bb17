"""The search's postings (``DrugWord``): the table, the triggers that keep it as drugs change,
and its first rows from the drugs as they are.

Triggers rather than the services, as for the expiring report's tally: every way a drug is
written (the API, the admin, the seed, a bulk load) passes through the table. Each fires once
per statement over its transition table, so a bulk load of a hundred thousand drugs is one
INSERT here. An update replaces the postings of the drugs whose name or words changed only.
"""

from django.db import migrations, models

FORWARD = """
CREATE FUNCTION catalog_drug_postings_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO catalog_drugword (word, name, drug_id)
    SELECT DISTINCT word, drug.name, drug.id FROM added_drugs AS drug, unnest(drug.search_words) AS word;
    RETURN NULL;
END $$;

CREATE FUNCTION catalog_drug_postings_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM catalog_drugword AS posting USING removed_drugs AS drug WHERE posting.drug_id = drug.id;
    RETURN NULL;
END $$;

CREATE FUNCTION catalog_drug_postings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM catalog_drugword AS posting
    USING new_drugs AS after JOIN old_drugs AS before ON before.id = after.id
    WHERE posting.drug_id = after.id
      AND (before.name, before.search_words) IS DISTINCT FROM (after.name, after.search_words);
    INSERT INTO catalog_drugword (word, name, drug_id)
    SELECT DISTINCT word, after.name, after.id
    FROM new_drugs AS after JOIN old_drugs AS before ON before.id = after.id, unnest(after.search_words) AS word
    WHERE (before.name, before.search_words) IS DISTINCT FROM (after.name, after.search_words);
    RETURN NULL;
END $$;

CREATE TRIGGER catalog_drug_postings_insert AFTER INSERT ON catalog_drug
    REFERENCING NEW TABLE AS added_drugs
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_drug_postings_added();

CREATE TRIGGER catalog_drug_postings_delete AFTER DELETE ON catalog_drug
    REFERENCING OLD TABLE AS removed_drugs
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_drug_postings_removed();

CREATE TRIGGER catalog_drug_postings_update AFTER UPDATE ON catalog_drug
    REFERENCING OLD TABLE AS old_drugs NEW TABLE AS new_drugs
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_drug_postings_changed();

INSERT INTO catalog_drugword (word, name, drug_id)
SELECT DISTINCT word, drug.name, drug.id FROM catalog_drug AS drug, unnest(drug.search_words) AS word;
"""

REVERSE = """
DROP TRIGGER catalog_drug_postings_insert ON catalog_drug;
DROP TRIGGER catalog_drug_postings_delete ON catalog_drug;
DROP TRIGGER catalog_drug_postings_update ON catalog_drug;
DROP FUNCTION catalog_drug_postings_added();
DROP FUNCTION catalog_drug_postings_removed();
DROP FUNCTION catalog_drug_postings_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_search_vocabulary_without_pending_list"),
    ]

    operations = [
        migrations.CreateModel(
            name="DrugWord",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "word",
                        "name",
                        "drug",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("word", models.TextField()),
                ("name", models.CharField(max_length=200)),
                (
                    "drug",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="catalog.drug",
                    ),
                ),
            ],
        ),
        migrations.RunSQL(FORWARD, reverse_sql=REVERSE),
    ]
