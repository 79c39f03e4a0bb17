"""Prescriptions uploaded before they named a pharmacy belong to Corner Pharmacy, the one
pharmacy the platform had (the demo's; ``common.demo.CORNER_PHARMACY``)."""

from django.db import migrations

# Frozen here rather than imported: a migration must mean the same thing forever.
CORNER_PHARMACY = 4


def to_corner_pharmacy(apps, schema_editor):
    Prescription = apps.get_model("prescriptions", "Prescription")
    Prescription.objects.filter(pharmacy_id__isnull=True).update(pharmacy_id=CORNER_PHARMACY)


class Migration(migrations.Migration):
    dependencies = [("prescriptions", "0002_prescription_pharmacy")]

    operations = [migrations.RunPython(to_corner_pharmacy, migrations.RunPython.noop)]
