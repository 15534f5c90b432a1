# Generated for the acting work (delegations); written to hold only the acting models while other
# identity models were still in progress.

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('identity', '0003_proofing'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Delegation',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('grantor_person_id', models.UUIDField(db_index=True, verbose_name='grantor (registry person)')),
                ('grantor_name_en', models.CharField(max_length=200, verbose_name="grantor's name (English)")),
                ('grantor_name_th', models.CharField(blank=True, max_length=200, verbose_name="grantor's name (Thai)")),
                ('delegate_email', models.EmailField(max_length=254, verbose_name="delegate's email address")),
                ('delegate_person_id', models.UUIDField(blank=True, db_index=True, null=True, verbose_name='delegate (registry person)')),
                ('delegate_name_en', models.CharField(blank=True, max_length=200, verbose_name="delegate's name (English)")),
                ('delegate_name_th', models.CharField(blank=True, max_length=200, verbose_name="delegate's name (Thai)")),
                ('all_services', models.BooleanField(default=True, verbose_name='all services')),
                ('service_slugs', models.JSONField(blank=True, default=list, verbose_name='services')),
                ('valid_from', models.DateField(verbose_name='from')),
                ('valid_until', models.DateField(verbose_name='until')),
                ('status', models.CharField(choices=[('offered', 'Waiting for the delegate to accept'), ('active', 'Active'), ('declined', 'Declined'), ('revoked', 'Revoked'), ('expired', 'Expired')], default='offered', max_length=10, verbose_name='status')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                ('delegate_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='delegations_received', to=settings.AUTH_USER_MODEL, verbose_name="delegate's account")),
                ('granted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='delegations_granted', to=settings.AUTH_USER_MODEL, verbose_name='granted by')),
                ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='revoked by')),
            ],
            options={
                'verbose_name': 'delegation',
                'verbose_name_plural': 'delegations',
                'indexes': [models.Index(fields=['status', 'valid_until'], name='id_delegation_expiry')],
                'constraints': [
                    models.CheckConstraint(condition=models.Q(('valid_until__gte', models.F('valid_from'))), name='id_delegation_dates_ordered'),
                    models.CheckConstraint(condition=models.Q(('delegate_person_id', models.F('grantor_person_id')), _negated=True), name='id_delegation_not_to_self'),
                ],
            },
        ),
        migrations.CreateModel(
            name='DelegationStatusChange',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('previous_status', models.CharField(blank=True, choices=[('offered', 'Waiting for the delegate to accept'), ('active', 'Active'), ('declined', 'Declined'), ('revoked', 'Revoked'), ('expired', 'Expired')], max_length=10, verbose_name='previous status')),
                ('status', models.CharField(choices=[('offered', 'Waiting for the delegate to accept'), ('active', 'Active'), ('declined', 'Declined'), ('revoked', 'Revoked'), ('expired', 'Expired')], max_length=10, verbose_name='status')),
                ('changed_at', models.DateTimeField(verbose_name='changed at')),
                ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by')),
                ('delegation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='history', to='identity.delegation')),
            ],
            options={
                'verbose_name': 'delegation status change',
                'verbose_name_plural': 'delegation status changes',
                'ordering': ('changed_at',),
            },
        ),
    ]
