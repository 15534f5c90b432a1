"""The admin shows the audit log read-only, and opening an event leaves an audit record itself."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onegate.audit.constants import ActorType, AuditLogAction
from onegate.audit.models import AuditEvent
from onegate.audit.tests.factories import AuditEventFactory

pytestmark = pytest.mark.django_db


def test_operators_can_list_and_open_events(admin_client, admin_user):
    event = AuditEventFactory.create(subject_id="case-visible")

    listing = admin_client.get(reverse("admin:audit_auditevent_changelist"))
    detail = admin_client.get(reverse("admin:audit_auditevent_change", args=[event.id]))

    assert listing.status_code == 200
    assert "case-visible" in listing.content.decode()
    assert detail.status_code == 200
    assert "case-visible" in detail.content.decode()
    viewed = AuditEvent.objects.get(action=AuditLogAction.EVENT_VIEWED)
    assert (viewed.actor_type, viewed.actor_id) == (ActorType.USER, str(admin_user.pk))
    assert viewed.subject_id == str(event.id)


def test_nobody_can_add_change_or_delete_through_the_admin(admin_client):
    event = AuditEventFactory.create(purpose="original")

    add = admin_client.get(reverse("admin:audit_auditevent_add"))
    change = admin_client.post(
        reverse("admin:audit_auditevent_change", args=[event.id]), {"purpose": "edited"}
    )
    delete = admin_client.post(
        reverse("admin:audit_auditevent_delete", args=[event.id]), {"post": "yes"}
    )
    bulk_delete = admin_client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [str(event.id)], "post": "yes"},
    )

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert bulk_delete.status_code in (200, 302)  # the action is not offered, so nothing happens
    event.refresh_from_db()
    assert event.purpose == "original"
    assert AuditEvent.objects.count() == 1
