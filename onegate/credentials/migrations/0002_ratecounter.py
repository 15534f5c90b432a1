"""Rate-limit counters in the database (one upsert a request), UNLOGGED on PostgreSQL."""

from django.db import migrations, models


def unlogged(apps, schema_editor):
    # Counters need no WAL: a crash empties the table, which only restarts the windows, and a
    # transaction that touched nothing else commits without waiting for a WAL flush.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE credentials_ratecounter SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE credentials_ratecounter SET LOGGED")


class Migration(migrations.Migration):

    dependencies = [
        ('credentials', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='RateCounter',
            fields=[
                ('name', models.CharField(max_length=160, primary_key=True, serialize=False)),
                ('hits', models.PositiveIntegerField(default=0)),
                ('ends_at', models.BigIntegerField(db_index=True)),
            ],
            options={
                'verbose_name': 'rate limit counter',
                'verbose_name_plural': 'rate limit counters',
            },
        ),
        migrations.RunPython(unlogged, logged),
    ]
