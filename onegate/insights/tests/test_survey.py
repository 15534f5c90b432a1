"""The satisfaction survey: an answer kept once per application, without the account; refused
(and nothing counted) for a wrong rating, a long comment, an application that is not the
person's or not sent, a second answer, or an account answering too often."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from onegate.audit.constants import InsightsAction
from onegate.audit.models import AuditEvent
from onegate.definitions.models import DefinitionVersion
from onegate.definitions.tests.support import service_owner
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.proofing_support import centre_officer
from onegate.insights.constants import COMMENT_MAX_CHARS, EventKind
from onegate.insights.models import Event, SatisfactionResponse
from onegate.insights.periods import Period
from onegate.insights.selectors import survey_comments
from onegate.insights.services.survey import SurveyRefused, satisfaction_record
from onegate.insights.tests.measure_rows import (
    SLUG,
    published_fishing,  # noqa: F401 (the fixture "owner")
)
from onegate.runner.constants import ApplicationChannel, ApplicationStatus
from onegate.runner.models import Application

pytestmark = pytest.mark.usefixtures("owner")

_serial = itertools.count(1)


def application(user, *, sent: bool = True, channel: str = ApplicationChannel.ONLINE):
    """An application to the fishing permit (version 1) by ``user``, sent or still a draft."""
    n = next(_serial)
    return Application.objects.create(
        status=ApplicationStatus.SUBMITTED if sent else ApplicationStatus.DRAFT,
        service_slug=SLUG,
        agency_slug="immigration",
        definition_version=DefinitionVersion.objects.get(definition__slug=SLUG, number=1),
        user=user,
        applicant_person_id=f"person-{n}",
        channel=channel,
        reference=f"FSH-{n:06d}" if sent else None,
        submitted_at=timezone.now() if sent else None,
    )


@pytest.fixture
def person():
    return make_account(f"person{next(_serial)}@example.test")


def answer(user, app, *, rating=4, comment="", language="en"):
    satisfaction_record(
        user=user, application_id=app.pk, rating=rating, comment=comment, language=language
    )


def refused(user, app_id, **changes) -> str:
    given: dict[str, Any] = {"rating": 4, "comment": "", "language": "en"} | changes
    with pytest.raises(SurveyRefused) as refusal:
        satisfaction_record(user=user, application_id=app_id, **given)
    return refusal.value.code


def nothing_counted():
    assert not SatisfactionResponse.objects.exists()
    assert not Event.objects.filter(kind=EventKind.RATED).exists()


def test_an_answer_is_kept_with_its_event_and_without_the_account(person):
    app = application(person, channel=ApplicationChannel.ASSISTED)
    audit_rows = AuditEvent.objects.count()

    answer(person, app, rating=5, comment="Quick and clear", language="th")

    kept = SatisfactionResponse.objects.get()
    assert (kept.service_slug, kept.version, kept.channel) == (SLUG, 1, "assisted")
    assert (kept.rating, kept.comment, kept.language) == (5, "Quick and clear", "th")
    event = Event.objects.get(kind=EventKind.RATED)
    assert (event.service_slug, event.version, event.channel, event.rating) == (
        SLUG, 1, "assisted", 5)  # fmt: skip
    assert AuditEvent.objects.count() == audit_rows  # not audited: that would name the account


def test_an_application_answers_once(person):
    app = application(person)
    answer(person, app, rating=2)

    assert refused(person, app.pk, rating=5) == "already"

    assert SatisfactionResponse.objects.get().rating == 2
    assert Event.objects.filter(kind=EventKind.RATED).count() == 1


def test_another_persons_application_is_refused(person):
    app = application(make_account("someone.else@example.test"))

    assert refused(person, app.pk) == "not_found"
    nothing_counted()


def test_the_officer_who_assisted_cannot_answer_for_the_person(person):
    # given an application an officer sent with the person at the counter a minute ago (the
    # officer may still open it, to show the person the confirmation)
    officer, centre = centre_officer()
    app = application(person, channel=ApplicationChannel.ASSISTED)
    Application.objects.filter(pk=app.pk).update(assisted_by=officer, assisted_centre_id=centre.pk)

    # then the officer's answer is refused and the person's own is still welcome
    assert refused(officer, app.pk) == "not_found"
    nothing_counted()
    answer(person, app, rating=5)
    assert SatisfactionResponse.objects.get().rating == 5


def test_a_draft_an_unknown_id_or_a_signed_out_visitor_is_refused(person):
    assert refused(person, application(person, sent=False).pk) == "not_found"
    assert refused(person, uuid.uuid4()) == "not_found"
    assert refused(person, "not-a-uuid") == "not_found"
    assert refused(AnonymousUser(), application(person).pk) == "not_found"
    nothing_counted()


@pytest.mark.parametrize("rating", [0, 6, -1, True, "5", None, 4.5])
def test_a_rating_not_from_1_to_5_is_refused(person, rating):
    assert refused(person, application(person).pk, rating=rating) == "invalid"
    nothing_counted()


def test_a_comment_of_1200_characters_is_kept_and_1201_refused(person):
    assert refused(person, application(person).pk, comment="a" * (COMMENT_MAX_CHARS + 1)) == (
        "invalid")  # fmt: skip
    nothing_counted()

    answer(person, application(person), comment="ก" * COMMENT_MAX_CHARS)

    assert len(SatisfactionResponse.objects.get().comment) == COMMENT_MAX_CHARS


def test_a_comment_loses_control_and_direction_characters(person):
    answer(person, application(person), comment=" Good\x00\x1b[31m\u202e service\r\nthanks\x7f ")

    assert SatisfactionResponse.objects.get().comment == "Good[31m service\nthanks"


def test_more_than_10_answers_an_hour_from_one_account_are_refused(person):
    apps = [application(person) for _ in range(11)]
    for app in apps[:10]:
        answer(person, app)

    assert refused(person, apps[10].pk) == "rate_limited"

    assert SatisfactionResponse.objects.count() == 10
    assert Event.objects.filter(kind=EventKind.RATED).count() == 10
    # another account has its own hour
    other = make_account("other.person@example.test")
    answer(other, application(other))
    assert SatisfactionResponse.objects.count() == 11


def test_refused_answers_count_against_the_hour_too(person):
    """Guessing at other people's applications uses up the account's answers."""
    for _ in range(10):
        refused(person, uuid.uuid4())

    assert refused(person, application(person).pk) == "rate_limited"
    nothing_counted()


# --- the comments on the owners' dashboard ------------------------------------------------------


def test_the_services_owners_read_the_comments_newest_first_and_the_read_is_audited(owner):
    person = make_account("commenter@example.test")
    answer(person, application(person), rating=2, comment="The map page was slow")
    answer(person, application(person), rating=5)  # no comment: not listed
    answer(person, application(person), rating=4, comment="Easy")
    today = timezone.localdate()

    comments = survey_comments(actor=owner, service_slug=SLUG, period=Period(today, today))

    assert [(c.rating, c.comment) for c in comments] == [(4, "Easy"), (2, "The map page was slow")]
    (event,) = AuditEvent.objects.filter(action=InsightsAction.COMMENTS_VIEWED)
    assert (event.actor_id, event.subject_id, event.payload["shown"]) == (str(owner.pk), SLUG, 2)


def test_comments_outside_the_period_are_not_listed(owner):
    person = make_account("commenter@example.test")
    answer(person, application(person), comment="Fine")
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    assert (
        survey_comments(actor=owner, service_slug=SLUG, period=Period(yesterday, yesterday)) == []
    )


def test_another_agencys_staff_cannot_read_the_comments():
    other = service_owner("owner@land-transport.test", agency="land-transport")

    with pytest.raises(Http404):
        survey_comments(
            actor=other, service_slug=SLUG, period=Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
        )
    assert not AuditEvent.objects.filter(action=InsightsAction.COMMENTS_VIEWED).exists()
