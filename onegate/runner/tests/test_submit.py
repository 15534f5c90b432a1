"""Sending an application: once whatever is clicked twice, only what was checked, only when
complete and eligible, frozen with a reference, acknowledged, and announced after commit."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from onegate.audit.constants import CaseAction, RunnerAction
from onegate.core.languages import format_date
from onegate.definitions.demo import DEMO_SERVICES_DIR
from onegate.definitions.language import add_working_days
from onegate.identity.tests.acting_fixtures import active_delegation, make_household
from onegate.notify.constants import Channel
from onegate.notify.models import Message
from onegate.runner.constants import ApplicationStatus
from onegate.runner.models import Application
from onegate.runner.references import reference_normalise
from onegate.runner.selectors import answers_checksum
from onegate.runner.services import (
    ApplicationRefused,
    application_page_save,
    application_submit,
)
from onegate.runner.tests.journey_support import pages_saved
from onegate.runner.tests.test_services import (
    CHILD_CARD,
    LICENCE,
    actions,
    child_card_filled,
    driver,
    publish_edited,
    published,  # noqa: F401  (fixture)
    start_for,
)

ANNOUNCE = "onegate.runner.tasks.application_submitted_announce"


pytestmark = pytest.mark.usefixtures("published")


def submit(user, application, **extra):
    """What "Accept and send" posts: the token and checksum rendered on "check your answers"."""
    return application_submit(
        actor=user,
        application_id=application.pk,
        submit_token=extra.pop("submit_token", application.submit_token),
        answers_checksum=extra.pop("checksum", answers_checksum(application)),
        declarations=extra.pop("declarations", {"declaration": True}),
        language=extra.pop("language", "en"),
    )


def refusal(user, application, **extra) -> ApplicationRefused:
    with pytest.raises(ApplicationRefused) as refused:
        submit(user, application, **extra)
    return refused.value


def test_a_complete_application_is_sent_with_a_reference_and_frozen():
    household = make_household()
    parent = household.parent_user
    application = child_card_filled(parent, household.child)

    sent = submit(parent, application)

    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.SUBMITTED
    assert reference_normalise(sent.reference) == sent.reference
    assert sent.submitted_at is not None and sent.expires_at is None
    assert sent.answers == {
        "health_centre_choice": "nearest",
        "long_term_condition": False,
        "allergies": ["none"],
        "parent_phone": "+66812345678",
        "declaration": True,
    }
    record = sent.submission
    assert record["version"] == 1
    assert record["eligibility"][str(household.child.pk)]["eligible"] is True
    assert record["acting"]["actor"] == str(parent.pk)
    assert record["acting"]["relationships"] == {str(household.child.pk): "child"}
    assert len(record["answers_sha256"]) == 64
    audited = actions(CaseAction.APPLICATION_SUBMITTED, sent)
    assert len(audited) == 1 and audited[0].payload["reference"] == sent.reference


def test_the_person_is_told_in_the_services_own_words_with_the_date_of_the_decision():
    household = make_household()
    parent = household.parent_user
    sent = submit(parent, child_card_filled(parent, household.child))

    messages = Message.objects.filter(user=parent)
    assert {m.channel for m in messages} == {Channel.INBOX, Channel.EMAIL}
    assert {m.event for m in messages} == {"runner.submitted:child-health-card"}
    inbox = messages.get(channel=Channel.INBOX)
    assert inbox.subject == "We have your application for a child health card"
    due = add_working_days(timezone.localdate(sent.submitted_at), 5).date()
    assert inbox.body == (
        f"We have received your application for a child health card ({sent.reference}) "
        f"and will tell you the decision by {format_date(due, 'en')}."
    )
    assert inbox.reference == sent.reference


def test_a_service_without_its_own_text_sends_the_generic_acknowledgement():
    household = make_household()
    source = (DEMO_SERVICES_DIR / f"{CHILD_CARD}.yaml").read_text(encoding="utf-8")
    own = source[source.index("  submitted:\n") : source.index("  approved:\n")]
    publish_edited(CHILD_CARD, own, "")
    parent = household.parent_user

    sent = submit(parent, child_card_filled(parent, household.child))

    inbox = Message.objects.get(user=parent, channel=Channel.INBOX)
    assert inbox.event == "runner.submitted"
    assert inbox.subject == "We have your application: Get a health card for your child"
    assert sent.reference in inbox.body and "Niran Jaidee" in inbox.body


def test_the_announcement_is_enqueued_with_the_submission():
    household = make_household()
    parent = household.parent_user

    sent = submit(parent, child_card_filled(parent, household.child))

    task = DBTaskResult.objects.get(task_path=ANNOUNCE)
    assert task.args_kwargs["kwargs"]["application_id"] == str(sent.pk)


def test_sending_twice_with_the_same_token_sends_once():
    household = make_household()
    parent = household.parent_user
    application = child_card_filled(parent, household.child)
    token, checksum = application.submit_token, answers_checksum(application)

    first = submit(parent, application, submit_token=token, checksum=checksum)
    again = submit(parent, application, submit_token=token, checksum=checksum)

    assert again.pk == first.pk and again.reference == first.reference
    assert len(actions(CaseAction.APPLICATION_SUBMITTED)) == 1
    assert Message.objects.filter(user=parent, channel=Channel.INBOX).count() == 1
    assert DBTaskResult.objects.filter(task_path=ANNOUNCE).count() == 1


def test_another_token_is_refused_as_out_of_date():
    household = make_household()
    parent = household.parent_user
    application = child_card_filled(parent, household.child)

    assert refusal(parent, application, submit_token=uuid.uuid4()).code == "stale_token"
    sent = submit(parent, application)
    # after sending, a different token (another tab's form) is still not a second submission
    assert refusal(parent, sent, submit_token=uuid.uuid4()).code == "stale_token"
    assert len(actions(CaseAction.APPLICATION_SUBMITTED)) == 1


def test_answers_changed_after_checking_are_refused():
    household = make_household()
    parent = household.parent_user
    application = child_card_filled(parent, household.child)
    checked = answers_checksum(application)
    # another tab changes an answer after "check your answers" was shown
    application_page_save(
        actor=parent,
        application=application,
        page_id="contact",
        answers={"parent_phone": "+66899999999"},
        complete=True,
        resume_page="",
    )

    assert refusal(parent, application, checksum=checked).code == "changed"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_hidden_answers_are_removed_when_frozen():
    household = make_household()
    parent = household.parent_user
    application = child_card_filled(parent, household.child)
    # answers kept from an earlier version of the page: a hidden field's answer is in the draft
    answers = {**application.answers, "health_centre_name": "Siriraj", "condition_details": "x"}
    Application.objects.filter(pk=application.pk).update(answers=answers)
    application.refresh_from_db()

    sent = submit(parent, application)

    assert "health_centre_name" not in sent.answers
    assert "condition_details" not in sent.answers
    assert sent.answers["health_centre_choice"] == "nearest"


def test_a_page_not_answered_is_refused_naming_it():
    household = make_household()
    parent = household.parent_user
    application = start_for(parent, household.child)
    for page_id in ("health_centre", "health_needs"):
        application = application_page_save(
            actor=parent,
            application=application,
            page_id=page_id,
            answers={"health_centre_choice": "nearest"}
            if page_id == "health_centre"
            else {"long_term_condition": False, "allergies": ["none"]},
            complete=True,
            resume_page="",
        )

    refused = refusal(parent, application)

    assert (refused.code, refused.page_id) == ("incomplete", "contact")


def test_the_declaration_must_be_made():
    household = make_household()
    parent = household.parent_user
    application = child_card_filled(parent, household.child)

    refused = refusal(parent, application, declarations={"declaration": False})

    assert (refused.code, refused.page_id) == ("incomplete", "declaration_page")
    assert not actions(CaseAction.APPLICATION_SUBMITTED)


def _licence_filled(user, expires_in_days: int) -> Application:
    pages: dict[str, dict[str, Any]] = {
        "your_licence": {
            "licence_number": "63001234",
            "licence_class": "car",
            "licence_expires_on": (
                timezone.localdate() + dt.timedelta(days=expires_in_days)
            ).isoformat(),
        },
        "medical": {
            "medical_condition": False,
            "medical_certificate": [
                {
                    "id": str(uuid.uuid4()),
                    "name": "c.pdf",
                    "size": 9000,
                    "content_type": "application/pdf",
                }
            ],
            "certificate_date": timezone.localdate().isoformat(),
        },
        "photo": {"photo_source": "id_card"},
        "delivery": {"collect_or_post": "collect"},
    }
    application = start_for(user, service=LICENCE)
    return pages_saved(user, application, pages)


def test_an_application_the_rules_refuse_is_not_sent():
    user, _person = driver()
    application = _licence_filled(user, expires_in_days=730)

    refused = refusal(user, application)

    assert refused.code == "ineligible"
    assert "does not expire in the next 6 months" in refused.message
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.reference is None


def test_an_eligible_renewal_is_sent():
    user, _person = driver()
    application = _licence_filled(user, expires_in_days=30)

    sent = submit(user, application)

    assert sent.status == ApplicationStatus.SUBMITTED
    assert sent.answers["declaration"] is True
    assert "national_id" not in sent.answers  # prefilled: a fact, never an answer


def test_another_persons_application_is_not_found_and_the_attempt_audited():
    household = make_household()
    parent = household.parent_user
    application = child_card_filled(parent, household.child)
    stranger, _person = driver()

    with pytest.raises(Http404):
        submit(stranger, application)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    refused = actions(RunnerAction.ACCESS_REFUSED, application)
    assert [event.actor_id for event in refused] == [str(stranger.pk)]


def test_an_expired_draft_cannot_be_sent():
    household = make_household()
    parent = household.parent_user
    application = child_card_filled(parent, household.child)
    Application.objects.filter(pk=application.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    application.refresh_from_db()

    assert refusal(parent, application).code == "expired"


def test_a_delegation_ended_before_sending_stops_the_delegate():
    grantor_user, grantor = driver(60)
    delegate_user, delegate = driver(30)
    delegation = active_delegation(grantor, grantor_user, delegate_user, delegate)
    application = start_for(delegate_user, grantor, service=LICENCE)
    delegation.status = "revoked"
    delegation.save(update_fields=["status"])

    with pytest.raises(Http404):  # no longer theirs to see, let alone send
        submit(delegate_user, application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_reference_already_taken_is_drawn_again(monkeypatch):
    household = make_household()
    parent = household.parent_user
    first = submit(parent, child_card_filled(parent, household.child))
    second = child_card_filled(parent, household.ward)
    drawn = iter([first.reference, "7KQ2-M9XD-4TR8"])
    monkeypatch.setattr("onegate.runner.services.submission.reference_new", lambda: next(drawn))

    sent = submit(parent, second)

    assert sent.reference == "7KQ2-M9XD-4TR8"
    assert Application.objects.filter(status=ApplicationStatus.SUBMITTED).count() == 2
