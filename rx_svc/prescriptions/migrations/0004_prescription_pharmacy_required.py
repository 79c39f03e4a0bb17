from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("prescriptions", "0003_prescriptions_to_corner_pharmacy")]

    operations = [
        migrations.AlterField(
            model_name="prescription",
            name="pharmacy_id",
            field=models.PositiveIntegerField(),
        ),
    ]
