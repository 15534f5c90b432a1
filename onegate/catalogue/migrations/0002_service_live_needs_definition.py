# A service can be live only when its service definition is published.
#
# Catalogues loaded before this rule marked services live with no definition behind them; they
# become coming soon first, or adding the constraint would fail. The revision token changes too,
# so no running process keeps showing them as live from its in-memory copy.

import uuid

from django.db import migrations, models


def live_without_definition_to_coming_soon(apps, schema_editor):
    Service = apps.get_model("catalogue", "Service")
    CatalogueRevision = apps.get_model("catalogue", "CatalogueRevision")
    changed = Service.objects.filter(status="live", has_definition=False).update(
        status="coming_soon"
    )
    if changed:
        CatalogueRevision.objects.update_or_create(id=1, defaults={"token": uuid.uuid4()})


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(live_without_definition_to_coming_soon, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="service",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "live"), _negated=True),
                    ("has_definition", True),
                    _connector="OR",
                ),
                name="catalogue_service_live_needs_definition",
                violation_error_code="live_without_definition",
                violation_error_message=(
                    "A service goes live when its service definition is published. "
                    "Until then, choose Coming soon."
                ),
            ),
        ),
    ]
