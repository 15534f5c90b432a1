"""Load Thailand's public holidays 2026–2027 from data/thai_public_holidays.json."""

from django.db import migrations


def load(apps, schema_editor):
    from onegate.appointments.public_holidays import holiday_rows

    PublicHoliday = apps.get_model("appointments", "PublicHoliday")
    for row in holiday_rows():
        PublicHoliday.objects.update_or_create(
            date=row.date, defaults={"name_en": row.name_en, "name_th": row.name_th}
        )


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
