"""A death or a lost or cancelled ID card recorded in the registry reaches an existing link.

The registry writes the change through its services; the event goes through the real outbox and
the real task worker (run in this process) to identity's inbox, as in production. What is checked
is what the person and an operator notice: the level, being signed out, the email, the record.
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from onegate.audit.constants import IdentityAction, RegistryAction
from onegate.audit.models import AuditEvent
from onegate.identity.constants import LevelOfAssurance, ProofingMethod
from onegate.identity.models import IdentityLink, ProofingOutcome
from onegate.identity.models.proofing import EndedIdentityLink, LinkEndReason, ReproofReason
from onegate.identity.selectors import identity_level
from onegate.identity.services.proofing import identity_prove
from onegate.identity.tests.account_fixtures import make_account, sign_in
from onegate.identity.tests.proofing_support import (  # noqa: F401 (fixture)
    _clean_slate,
    card_details,
    centre_officer,
    in_person_details,
    thai_person,
    visitor_with_passport,
)
from onegate.notify.tests.outbox import deliver_outbox
from onegate.registries.constants import AccessorKind, CardStatus, DeliveryStatus, EventType
from onegate.registries.models import AccessRecord, EventDelivery, NationalIdCard, ReceivedEvent
from onegate.registries.receivers import EventMessage, receiver_get
from onegate.registries.services.people import id_card_status_change, person_death_record
from onegate.registries.tests.events_support import run_worker_until_idle
from onegate.registries.tests.factories import NationalIdCardFactory

pytestmark = pytest.mark.django_db

PURPOSE = "civil registration: record a life event"


def proved_with_card(email: str = "somchai@example.test"):
    """An account proved online with a Thai ID card: the account, the person and the card."""
    person, card = thai_person()
    user = make_account(email)
    details = card_details(person, card)
    result = identity_prove(account=user, method=ProofingMethod.NATIONAL_ID_CARD, details=details)
    assert result.outcome == ProofingOutcome.PROVED
    return user, person, card


@pytest.fixture(autouse=True)
def _identity_subscribed() -> None:
    """Identity's subscriptions, as its migration makes them (a transactional test run earlier
    empties the tables migrations filled; making them again is a no-op otherwise)."""
    from django.apps import apps

    migration = importlib.import_module("onegate.identity.migrations.0003_identity_link_changes")
    migration.subscribe(apps, None)


@pytest.fixture(autouse=True)
def _worker_keeps_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker runs inside this test's transaction (so the registry's migrated data stays):
    its periodic ``close_old_connections`` would close that connection on PostgreSQL, because
    inside a transaction autocommit is off. Nothing else about the worker changes."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def deliver(django_capture_on_commit_callbacks) -> None:
    """Run the worker as production does; emails queued on commit are sent as they would be."""
    with django_capture_on_commit_callbacks(execute=True):
        run_worker_until_idle()


def test_identity_subscribes_itself_to_deaths_and_card_changes():
    from onegate.registries.models import AgencySubscription

    found = AgencySubscription.objects.filter(agency_slug="identity", active=True)
    assert set(found.values_list("event_type", "receiver")) == {
        (EventType.PERSON_DIED, "identity"),
        (EventType.ID_CARD_STATUS_CHANGED, "identity"),
    }


def test_a_recorded_death_ends_the_link_and_signs_the_account_out_everywhere(
    client, django_capture_on_commit_callbacks
):
    user, person, _card = proved_with_card()
    sign_in(client, user.email)
    assert client.get(reverse("identity:home")).status_code == 200
    mail.outbox.clear()

    person_death_record(
        person=person, date_of_death=timezone.localdate(), actor=None, purpose=PURPOSE
    )
    deliver(django_capture_on_commit_callbacks)

    # the link is gone and its history kept; the account is back at low
    assert not IdentityLink.objects.filter(user=user).exists()
    ended = EndedIdentityLink.objects.get(user=user)
    assert (ended.reason, str(ended.person_id), ended.level) == (
        LinkEndReason.DIED,
        str(person.pk),
        LevelOfAssurance.SUBSTANTIAL,
    )
    assert identity_level(user) == LevelOfAssurance.LOW
    # the session that was signed in is no longer
    response = client.get(reverse("identity:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # delivered once, audited, and the account's address told
    delivery = EventDelivery.objects.get(subscription__agency_slug="identity")
    assert delivery.status == DeliveryStatus.DELIVERED
    event = AuditEvent.objects.get(action=IdentityAction.IDENTITY_LINK_ENDED)
    assert event.payload["reason"] == "died"
    assert event.payload["sessions_ended"] == 1
    assert event.actor_type == "system"
    deliver_outbox()  # the worker sends what the change wrote to the outbox
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert "recorded the death" in message.body
    # the person's access log names identity as told of the death, and of nothing else
    told = AccessRecord.objects.get(person=person, accessor_kind=AccessorKind.AGENCY_SYSTEM)
    assert (told.organisation, told.facts) == ("identity", ["person.date_of_death"])


def test_a_death_event_delivered_twice_is_applied_once(django_capture_on_commit_callbacks):
    user, person, _card = proved_with_card()
    event = person_death_record(
        person=person, date_of_death=timezone.localdate(), actor=None, purpose=PURPOSE
    )
    deliver(django_capture_on_commit_callbacks)
    subscription = EventDelivery.objects.get(event=event).subscription
    # at-least-once delivery: the same event again, as a retry after a lost answer would bring it
    receiver_get("identity").deliver(message=EventMessage.of(event), subscription=subscription)
    assert EndedIdentityLink.objects.filter(user=user).count() == 1
    assert ReceivedEvent.objects.filter(receiver="identity", event_id=event.id).count() == 1
    assert AuditEvent.objects.filter(action=IdentityAction.IDENTITY_LINK_ENDED).count() == 1


def test_a_death_of_someone_nobody_linked_is_delivered_and_changes_nothing(
    django_capture_on_commit_callbacks,
):
    user, _person, _card = proved_with_card()
    other, _ = thai_person()
    person_death_record(
        person=other, date_of_death=timezone.localdate(), actor=None, purpose=PURPOSE
    )
    deliver(django_capture_on_commit_callbacks)
    assert EventDelivery.objects.get().status == DeliveryStatus.DELIVERED
    assert identity_level(user) == LevelOfAssurance.SUBSTANTIAL
    assert not EndedIdentityLink.objects.exists()


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (CardStatus.LOST, ReproofReason.ID_CARD_LOST),
        (CardStatus.CANCELLED, ReproofReason.ID_CARD_CANCELLED),
    ],
)
def test_a_lost_or_cancelled_card_makes_its_link_need_proving_again(
    status, reason, client, django_capture_on_commit_callbacks
):
    user, _person, card = proved_with_card()
    mail.outbox.clear()
    id_card_status_change(card=card, status=status, actor=None, purpose=PURPOSE)
    deliver(django_capture_on_commit_callbacks)

    link = IdentityLink.objects.get(user=user)  # the link stays: it is still this person's account
    assert link.reproof_reason == reason
    assert identity_level(user) == LevelOfAssurance.LOW
    event = AuditEvent.objects.get(action=IdentityAction.IDENTITY_LINK_LOWERED)
    assert event.payload["card"] == str(card.pk)
    deliver_outbox()  # the worker sends what the change wrote to the outbox
    (message,) = mail.outbox
    assert message.subject == "Prove your identity again on OneGate"
    # the account no longer acts as the person: their pages ask to prove who they are first
    client.force_login(user)
    page = client.get(reverse("identity:delegation_new")).content.decode()
    assert "Prove who you are first" in page
    # the person's page says so, and offers every way to prove it again
    page = client.get(reverse("identity:proof")).content.decode()
    assert "Prove who you are again" in page
    assert reverse("identity:proof_method", kwargs={"slug": "passport"}) in page


def test_proving_again_with_the_new_card_restores_the_level(django_capture_on_commit_callbacks):
    user, person, card = proved_with_card()
    id_card_status_change(card=card, status=CardStatus.LOST, actor=None, purpose=PURPOSE)
    deliver(django_capture_on_commit_callbacks)
    # the lost card itself no longer proves anything
    again = identity_prove(
        account=user, method=ProofingMethod.NATIONAL_ID_CARD, details=card_details(person, card)
    )
    assert again.outcome == ProofingOutcome.NOT_MATCHED
    assert identity_level(user) == LevelOfAssurance.LOW
    # a new card does
    new_card: NationalIdCard = NationalIdCardFactory(person=person)  # type: ignore[assignment]
    result = identity_prove(
        account=user, method=ProofingMethod.NATIONAL_ID_CARD, details=card_details(person, new_card)
    )
    assert result.outcome == ProofingOutcome.PROVED
    assert identity_level(user) == LevelOfAssurance.SUBSTANTIAL
    link = IdentityLink.objects.get(user=user)
    assert (link.reproof_needed_since, link.evidence["record"]) == (None, str(new_card.pk))


def test_a_replaced_card_leaves_the_link_alone(django_capture_on_commit_callbacks):
    user, _person, card = proved_with_card()
    id_card_status_change(card=card, status=CardStatus.REPLACED, actor=None, purpose=PURPOSE)
    deliver(django_capture_on_commit_callbacks)
    assert identity_level(user) == LevelOfAssurance.SUBSTANTIAL
    assert not AuditEvent.objects.filter(action=IdentityAction.IDENTITY_LINK_LOWERED).exists()


def test_a_cancelled_card_leaves_an_in_person_link_alone(django_capture_on_commit_callbacks):
    officer, centre = centre_officer()
    person, card = thai_person()
    user = make_account()
    details = in_person_details(user, centre, person, card)
    identity_prove(account=user, method=ProofingMethod.IN_PERSON, details=details, officer=officer)
    assert IdentityLink.objects.get(user=user).evidence["record"] == str(card.pk)

    id_card_status_change(card=card, status=CardStatus.CANCELLED, actor=None, purpose=PURPOSE)
    deliver(django_capture_on_commit_callbacks)
    # an officer saw the person: the card's later fate does not undo that
    assert identity_level(user) == LevelOfAssurance.HIGH


def test_only_the_link_proved_with_that_card_is_lowered(django_capture_on_commit_callbacks):
    user, person, _card = proved_with_card()
    other_user, _other_person, _other_card = proved_with_card("wichai@example.test")
    old_card = NationalIdCard.objects.create(
        person=person, laser_code="JT9999999999", issued_on=dt.date(2010, 1, 1), status="replaced"
    )
    id_card_status_change(card=old_card, status=CardStatus.CANCELLED, actor=None, purpose=PURPOSE)
    deliver(django_capture_on_commit_callbacks)
    assert identity_level(user) == LevelOfAssurance.SUBSTANTIAL
    assert identity_level(other_user) == LevelOfAssurance.SUBSTANTIAL


def test_the_registry_refuses_impossible_changes_and_writes_nothing():
    person, card = thai_person()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        person_death_record(person=person, date_of_death=tomorrow, actor=None, purpose=PURPOSE)
    with pytest.raises(ValidationError):
        id_card_status_change(card=card, status=CardStatus.VALID, actor=None, purpose=PURPOSE)
    person.refresh_from_db()
    card.refresh_from_db()
    assert (person.date_of_death, card.status) == (None, CardStatus.VALID)
    assert not AuditEvent.objects.filter(
        action__in=[RegistryAction.DEATH_RECORDED, RegistryAction.ID_CARD_STATUS_CHANGED]
    ).exists()
