"""Identity links that weaken (a lost or cancelled ID card) or end (a death, an unlink), and
identity's own subscriptions to the registry events that cause them (the ``identity`` receiver,
``onegate.identity.event_receivers``)."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

# What identity listens to, and the receiver it registered for them.
IDENTITY_AGENCY = "identity"
EVENT_TYPES = ("person.died", "id_card.status_changed")


def subscribe(apps, schema_editor):
    subscriptions = apps.get_model("registries", "AgencySubscription")
    for event_type in EVENT_TYPES:
        subscriptions.objects.get_or_create(
            agency_slug=IDENTITY_AGENCY,
            event_type=event_type,
            defaults={"receiver": IDENTITY_AGENCY, "active": True},
        )


def unsubscribe(apps, schema_editor):
    subscriptions = apps.get_model("registries", "AgencySubscription")
    subscriptions.objects.filter(
        agency_slug=IDENTITY_AGENCY, event_type__in=EVENT_TYPES, deliveries__isnull=True
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('identity', '0002_oidc'),
        ('registries', '0005_event_types_death_and_id_cards'),
    ]

    operations = [
        migrations.AddField(
            model_name='identitylink',
            name='reproof_needed_since',
            field=models.DateTimeField(blank=True, null=True, verbose_name='must be proved again since'),
        ),
        migrations.AddField(
            model_name='identitylink',
            name='reproof_reason',
            field=models.CharField(blank=True, choices=[('id_card_lost', 'The ID card used to prove it was reported lost'), ('id_card_cancelled', 'The ID card used to prove it was cancelled')], max_length=20, verbose_name='why it must be proved again'),
        ),
        migrations.CreateModel(
            name='EndedIdentityLink',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('person_id', models.UUIDField(verbose_name='registry person')),
                ('level', models.CharField(choices=[('low', 'Low'), ('substantial', 'Substantial'), ('high', 'High')], max_length=12, verbose_name='level proved')),
                ('method', models.CharField(choices=[('national_id_card', 'Thai ID card details checked against the registry'), ('passport', 'Passport details checked against the registry'), ('in_person', 'Checked in person at a service centre')], max_length=32, verbose_name='method')),
                ('proved_at', models.DateTimeField(verbose_name='proved at')),
                ('ended_at', models.DateTimeField(verbose_name='ended at')),
                ('reason', models.CharField(choices=[('died', "The registry recorded the person's death"), ('person', 'Unlinked by the account holder'), ('support', 'Unlinked by OneGate support')], max_length=12, verbose_name='why it ended')),
                ('note', models.TextField(blank=True, verbose_name='reason given')),
                ('ended_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ended by')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ended_identity_links', to=settings.AUTH_USER_MODEL, verbose_name='account')),
            ],
            options={
                'verbose_name': 'ended identity link',
                'verbose_name_plural': 'ended identity links',
                'ordering': ('-ended_at',),
                'indexes': [models.Index(fields=['user', '-ended_at'], name='identity_ended_link_account'), models.Index(fields=['person_id'], name='identity_ended_link_person')],
            },
        ),
        migrations.RunPython(subscribe, unsubscribe),
    ]
