"""DSCSA transaction records are never edited or deleted: the database refuses it, whoever
asks (the application, the admin, a stray script)."""

from django.db import migrations

FORBID = """
CREATE FUNCTION fulfillment_record_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'DSCSA transaction records are immutable'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER fulfillment_transactionrecord_immutable
    BEFORE UPDATE OR DELETE ON fulfillment_transactionrecord
    FOR EACH ROW EXECUTE FUNCTION fulfillment_record_immutable();
"""

ALLOW = """
DROP TRIGGER fulfillment_transactionrecord_immutable ON fulfillment_transactionrecord;
DROP FUNCTION fulfillment_record_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0001_initial")]

    operations = [migrations.RunSQL(FORBID, reverse_sql=ALLOW)]
