"""Factories for audit rows written straight to the table, for states a service cannot make
(an event created minutes ago, for instance)."""

from __future__ import annotations

import factory
from django.utils import timezone

from onegate.audit.constants import ActorType, CaseAction
from onegate.audit.models import AuditEvent


class AuditEventFactory(factory.django.DjangoModelFactory[AuditEvent]):
    class Meta:
        model = AuditEvent

    created_at = factory.LazyFunction(timezone.now)
    actor_type = ActorType.SYSTEM
    action = CaseAction.CASE_VIEWED.value
    subject_type = "cases.case"
    subject_id = factory.Sequence(lambda n: f"case-{n}")
    purpose = "test"
