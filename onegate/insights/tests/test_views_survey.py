"""The satisfaction survey as the person who applied meets it: the form on the confirmation page,
thanks after answering (and after answering twice), the form again with what is wrong, a clear
429 when one account sends too many, and nobody else's application answered.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from onegate.audit.constants import RunnerAction
from onegate.audit.models import AuditEvent
from onegate.cases.tests.factories import (  # noqa: F401 (the fixture demo_services)
    LICENCE,
    citizen_account,
    demo_services,
    driving_renewal_sent,
)
from onegate.identity.tests.acting_fixtures import strong_session
from onegate.insights.constants import COMMENT_MAX_CHARS, Rating
from onegate.insights.models import Event, SatisfactionResponse
from onegate.insights.services import survey
from onegate.runner.models import Application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_services")]


@pytest.fixture
def sent(client) -> Application:
    """A driving-licence renewal sent by a citizen, who is signed in on ``client``."""
    user, _person = citizen_account()
    application = driving_renewal_sent(user, medical=False)
    strong_session(client, user)
    return application


def feedback_url(application: Application) -> str:
    return reverse("insights:feedback", kwargs={"application_id": application.pk})


def test_the_confirmation_page_carries_the_survey_form(client, sent):
    html = client.get(reverse("runner:sent", kwargs={"application_id": sent.pk})).content.decode()

    form = html[html.index('id="feedback"') - 200 :]
    assert f'action="{feedback_url(sent)}"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert "Overall, how did you feel about this service?" in form
    assert "Do not include personal information" in form
    assert "up to 1,200 characters" in form
    assert "Send feedback" in form


def test_the_forms_answers_are_the_five_ratings(client, sent):
    html = client.get(feedback_url(sent)).content.decode()

    answers = re.findall(r'name="rating" type="radio" value="(\d)"', html)
    labels = re.findall(
        r'<label class="govuk-label govuk-radios__label"[^>]*>\s*([^<]+?)\s*<', html
    )
    assert answers == ["5", "4", "3", "2", "1"]
    assert labels == [str(Rating(int(value)).label) for value in answers]


def test_an_answer_is_kept_without_the_person_and_thanked(client, sent):
    response = client.post(feedback_url(sent), {"rating": "4", "comment": "Quick and clear"})

    assert response.status_code == 200
    assert "Thank you for your feedback" in response.content.decode()
    kept = SatisfactionResponse.objects.get()
    assert (kept.service_slug, kept.rating, kept.comment) == (LICENCE, 4, "Quick and clear")
    assert Event.objects.filter(kind="rated", rating=4).count() == 1


def test_answering_twice_is_thanked_and_counted_once(client, sent):
    client.post(feedback_url(sent), {"rating": "5"})

    again = client.post(feedback_url(sent), {"rating": "1"})

    assert again.status_code == 200
    assert "Thank you for your feedback" in again.content.decode()
    assert list(SatisfactionResponse.objects.values_list("rating", flat=True)) == [5]


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        ({"comment": "No rating"}, "Select how you felt about this service", "rating"),
        ({"rating": "9"}, "Select how you felt about this service", "rating"),
        (
            {"rating": "3", "comment": "x" * (COMMENT_MAX_CHARS + 1)},
            "Your comment must be 1,200 characters or fewer",
            "comment",
        ),
    ],
)
def test_a_bad_answer_shows_the_form_again_with_the_error(client, sent, data, message, field):
    response = client.post(feedback_url(sent), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert f'href="#id_{field}"' in html
    assert 'name="comment"' in html  # the form again, what was typed kept
    assert not SatisfactionResponse.objects.exists()


def test_a_get_shows_the_form_on_its_own_page(client, sent):
    response = client.get(feedback_url(sent))

    assert response.status_code == 200
    assert 'name="rating"' in response.content.decode()


def test_too_many_answers_from_one_account_are_a_clear_429(client, sent, monkeypatch):
    monkeypatch.setattr(survey, "MOST_ANSWERS_AN_HOUR", 0)

    response = client.post(feedback_url(sent), {"rating": "5"})

    assert response.status_code == 429
    assert "You have sent a lot of feedback" in response.content.decode()
    assert not SatisfactionResponse.objects.exists()


def test_another_persons_application_is_not_found(client, sent):
    stranger, _person = citizen_account()
    strong_session(client, stranger)

    get = client.get(feedback_url(sent))
    post = client.post(feedback_url(sent), {"rating": "1", "comment": "Not mine"})

    assert (get.status_code, post.status_code) == (404, 404)
    assert not SatisfactionResponse.objects.exists()
    assert AuditEvent.objects.filter(action=RunnerAction.ACCESS_REFUSED).exists()


def test_signed_out_leads_to_sign_in(sent):
    from django.test import Client

    response = Client().get(feedback_url(sent))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
