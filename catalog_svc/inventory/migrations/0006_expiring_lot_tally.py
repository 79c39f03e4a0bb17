"""The expiring-lots report's tally (``ExpiringLotTally``): the table, the triggers that keep
it as lots change, and its first rows counted from the lots as they are.

Triggers rather than the services: every way a lot changes (receipts, the ledger, status
moves, the expiry job, the admin, a bulk load) passes through the table, so none can be
missed. A lot counts while ``on_hand > 0`` and its status is one ``EXPIRING_STATUSES``
names (the statuses are spelled out here, as in ``inventory_lot_expiring_idx``). An insert
or a delete adds one row per (warehouse, expiry date) it touched, from the statement's
transition table, so a bulk load of a million lots adds a few thousand rows; an update fires
only when it moves a lot into or out of the report or to another key (``WHEN``), so the
ledger's counter updates cost nothing here. The backfill runs after the triggers exist, in
the same transaction, which holds writers of the lots off until it commits.
"""

from django.db import migrations, models

FORWARD = """
CREATE FUNCTION inventory_lot_tally_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO inventory_expiringlottally (warehouse_id, expiry_date, lots)
    SELECT warehouse_id, expiry_date, count(*) FROM changed_lots WHERE on_hand > 0 AND status IN ('available', 'quarantined')
    GROUP BY warehouse_id, expiry_date;
    RETURN NULL;
END $$;

CREATE FUNCTION inventory_lot_tally_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO inventory_expiringlottally (warehouse_id, expiry_date, lots)
    SELECT warehouse_id, expiry_date, -count(*) FROM changed_lots WHERE on_hand > 0 AND status IN ('available', 'quarantined')
    GROUP BY warehouse_id, expiry_date;
    RETURN NULL;
END $$;

CREATE FUNCTION inventory_lot_tally_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.on_hand > 0 AND OLD.status IN ('available', 'quarantined') THEN
        INSERT INTO inventory_expiringlottally (warehouse_id, expiry_date, lots)
        VALUES (OLD.warehouse_id, OLD.expiry_date, -1);
    END IF;
    IF NEW.on_hand > 0 AND NEW.status IN ('available', 'quarantined') THEN
        INSERT INTO inventory_expiringlottally (warehouse_id, expiry_date, lots)
        VALUES (NEW.warehouse_id, NEW.expiry_date, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER inventory_lot_tally_insert AFTER INSERT ON inventory_lot
    REFERENCING NEW TABLE AS changed_lots
    FOR EACH STATEMENT EXECUTE FUNCTION inventory_lot_tally_added();

CREATE TRIGGER inventory_lot_tally_delete AFTER DELETE ON inventory_lot
    REFERENCING OLD TABLE AS changed_lots
    FOR EACH STATEMENT EXECUTE FUNCTION inventory_lot_tally_removed();

CREATE TRIGGER inventory_lot_tally_update
    AFTER UPDATE OF on_hand, status, expiry_date, warehouse_id ON inventory_lot
    FOR EACH ROW
    WHEN (
        (OLD.on_hand > 0 AND OLD.status IN ('available', 'quarantined'))
            IS DISTINCT FROM (NEW.on_hand > 0 AND NEW.status IN ('available', 'quarantined'))
        OR OLD.expiry_date IS DISTINCT FROM NEW.expiry_date
        OR OLD.warehouse_id IS DISTINCT FROM NEW.warehouse_id
    )
    EXECUTE FUNCTION inventory_lot_tally_moved();

INSERT INTO inventory_expiringlottally (warehouse_id, expiry_date, lots)
SELECT warehouse_id, expiry_date, count(*) FROM inventory_lot WHERE on_hand > 0 AND status IN ('available', 'quarantined')
GROUP BY warehouse_id, expiry_date;
"""

BACKWARD = """
DROP TRIGGER inventory_lot_tally_update ON inventory_lot;
DROP TRIGGER inventory_lot_tally_delete ON inventory_lot;
DROP TRIGGER inventory_lot_tally_insert ON inventory_lot;
DROP FUNCTION inventory_lot_tally_moved();
DROP FUNCTION inventory_lot_tally_removed();
DROP FUNCTION inventory_lot_tally_added();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0005_lot_expiring_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExpiringLotTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("warehouse_id", models.BigIntegerField()),
                ("expiry_date", models.DateField()),
                ("lots", models.IntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["expiry_date", "warehouse_id"],
                        include=("lots",),
                        name="inventory_tally_expiry_idx",
                    )
                ],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
