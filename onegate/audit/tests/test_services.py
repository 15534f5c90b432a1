"""audit_record: what is stored, what it refuses, and that it joins the caller's transaction."""

from __future__ import annotations

import math
from enum import StrEnum

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from onegate.audit.constants import ActorType, CaseAction, IdentityAction
from onegate.audit.models import AuditEvent
from onegate.audit.services import InvalidAuditRecord, audit_record

pytestmark = pytest.mark.django_db


class ForeignAction(StrEnum):
    LOOKS_REAL = "cases.case_shredded"


def test_a_user_action_is_stored_with_a_stable_reference_and_no_chain_yet(django_user_model):
    citizen = django_user_model.objects.create_user(email="somchai@example.test")
    parent = django_user_model.objects.create_user(email="malee@example.test")

    event = audit_record(
        actor=parent,
        on_behalf_of=citizen,
        action=CaseAction.APPLICATION_SUBMITTED,
        subject_type="cases.application",
        subject_id="APP-123",
        purpose="apply for a child health card",
        payload={"service": "child-health-card"},
    )

    stored = AuditEvent.objects.get(id=event.id)
    assert (stored.actor_type, stored.actor_id) == (ActorType.USER, str(parent.pk))
    assert stored.on_behalf_of_id == str(citizen.pk)
    assert stored.action == "cases.application_submitted"
    assert (stored.subject_type, stored.subject_id) == ("cases.application", "APP-123")
    assert stored.payload == {"service": "child-health-card"}
    assert stored.created_at.tzinfo is not None
    assert (stored.sequence, stored.previous_hash, stored.row_hash, stored.chained_at) == (
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("actor", "actor_type"),
    [(None, ActorType.SYSTEM), (AnonymousUser(), ActorType.ANONYMOUS)],
)
def test_system_and_anonymous_actors_have_a_type_and_no_id(actor, actor_type):
    event = audit_record(
        actor=actor,
        action=IdentityAction.SIGN_IN_FAILED,
        subject_type="identity.account",
        subject_id="unknown",
        purpose="sign-in",
    )
    assert (event.actor_type, event.actor_id, event.on_behalf_of_id) == (actor_type, "", "")


def test_deleting_a_user_keeps_their_audit_trail(django_user_model):
    user = django_user_model.objects.create_user(email="niran@example.test")
    user_key = str(user.pk)
    audit_record(
        actor=user,
        action=IdentityAction.SIGNED_IN,
        subject_type="identity.account",
        subject_id=user_key,
        purpose="sign-in",
    )

    user.delete()

    assert AuditEvent.objects.filter(actor_id=user_key).count() == 1


@pytest.mark.parametrize("action", ["cases.nonsense", ForeignAction.LOOKS_REAL])
def test_actions_outside_the_registry_are_refused(action):
    with pytest.raises(InvalidAuditRecord, match="unknown audit action"):
        audit_record(
            actor=None, action=action, subject_type="cases.case", subject_id="1", purpose="test"
        )
    assert not AuditEvent.objects.exists()


def test_a_known_action_may_arrive_as_its_plain_value():
    event = audit_record(
        actor=None,
        action="cases.case_viewed",  # type: ignore[arg-type]
        subject_type="cases.case",
        subject_id="1",
        purpose="test",
    )
    assert event.action == CaseAction.CASE_VIEWED


@pytest.mark.parametrize(
    ("subject_type", "subject_id", "purpose"),
    [("", "1", "review"), ("cases.case", "", "review"), ("cases.case", "1", "  ")],
)
def test_a_record_needs_a_subject_and_a_purpose(subject_type, subject_id, purpose):
    with pytest.raises(InvalidAuditRecord):
        audit_record(
            actor=None,
            action=CaseAction.CASE_VIEWED,
            subject_type=subject_type,
            subject_id=subject_id,
            purpose=purpose,
        )


@pytest.mark.parametrize("payload", [{"when": object()}, {"score": math.nan}, {"ids": {1, 2}}])
def test_payloads_that_are_not_plain_json_are_refused(payload):
    with pytest.raises(InvalidAuditRecord, match="not plain JSON"):
        audit_record(
            actor=None,
            action=CaseAction.CASE_VIEWED,
            subject_type="cases.case",
            subject_id="1",
            purpose="review",
            payload=payload,
        )


def test_the_payload_is_kept_as_the_database_will_return_it():
    event = audit_record(
        actor=None,
        action=CaseAction.CASE_VIEWED,
        subject_type="cases.case",
        subject_id=7,
        purpose="review",
        payload={1: ("a", "ข")},  # type: ignore[dict-item]
    )
    assert event.subject_id == "7"
    assert event.payload == {"1": ["a", "ข"]}
    assert AuditEvent.objects.get(id=event.id).payload == event.payload


def test_an_unsaved_user_cannot_be_audited(django_user_model):
    with pytest.raises(InvalidAuditRecord, match="saved"):
        audit_record(
            actor=django_user_model(email="ghost@example.test"),
            action=IdentityAction.SIGNED_IN,
            subject_type="identity.account",
            subject_id="ghost",
            purpose="sign-in",
        )


class DecisionRefused(Exception):
    pass


def decide_then_fail() -> None:
    with transaction.atomic():
        audit_record(
            actor=None,
            action=CaseAction.DECISION_MADE,
            subject_type="cases.case",
            subject_id="1",
            purpose="decide",
        )
        assert AuditEvent.objects.count() == 1  # visible inside the caller's transaction
        raise DecisionRefused


def test_an_event_rolls_back_with_the_callers_transaction():
    with pytest.raises(DecisionRefused):
        decide_then_fail()

    assert not AuditEvent.objects.exists()
