"""Load Thailand's administrative divisions (provinces, districts, sub-districts) from the bundled
file ``onegate/registries/data/divisions.json``; see its SOURCE.md for the source and licence."""

from django.db import migrations

from onegate.registries.divisions.loading import divisions_load, divisions_unload

MODELS = ("Province", "District", "SubDistrict")


def load(apps, schema_editor):
    divisions_load(*(apps.get_model("registries", name) for name in MODELS))


def unload(apps, schema_editor):
    divisions_unload(*(apps.get_model("registries", name) for name in MODELS))


class Migration(migrations.Migration):
    dependencies = [
        ("registries", "0002_tellusonce"),
    ]

    operations = [
        migrations.RunPython(load, unload, elidable=False),
    ]
