"""The citizen's way through an application, page by page, as a browser without JavaScript does
it: whom it is for, the questions, check your answers, sent; saving for later, changing an
answer, pages that are not shown, another person's application, the rules saying no."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from onegate.audit.constants import RunnerAction
from onegate.audit.models import AuditEvent
from onegate.catalogue.selectors import catalogue_forget
from onegate.core.languages import format_date
from onegate.definitions.demo import DEMO_SERVICES_DIR
from onegate.definitions.services import definition_draft_save, definition_publish
from onegate.definitions.tests.support import FISHING, service_owner
from onegate.identity.acting import family_forget
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import (
    Household,
    citizen,
    link_account,
    make_household,
    strong_session,
    years_ago,
)
from onegate.registries.adapters import RegistryUnavailable, adapter_override
from onegate.registries.adapters.local import LocalAdapter
from onegate.runner.constants import ApplicationStatus
from onegate.runner.journey import screens
from onegate.runner.models import Application
from onegate.runner.selectors import application_compiled
from onegate.runner.tests.journey_support import (
    CHILD_HEALTH,
    LICENCE,
    answer_child_pages,
    demo_services_load,
    hidden_inputs,
    latest,
    page_url,
    pdf_bytes,
    runner_url,
    send,
    start_children,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_services(db: None) -> Any:
    demo_services_load()
    yield
    catalogue_forget()


@pytest.fixture
def household(demo_services: Any) -> Household:
    return make_household()


@pytest.fixture
def parent(client: Client, household: Household) -> Client:
    return strong_session(client, household.parent_user)


# --- the whole way -----------------------------------------------------------------------------


def test_a_parent_gets_a_health_card_for_two_children_in_six_screens(parent, household):
    # who is this for: checkboxes, the children and the ward
    whom = parent.get(runner_url("start", service_slug=CHILD_HEALTH))
    html = whom.content.decode()
    assert whom.status_code == 200 and "Who is this application for?" in html
    assert html.count('type="checkbox"') == 3 and "Niran Jaidee" in html

    application = start_children(parent, household)
    first = parent.get(page_url(application, "health_centre")).content.decode()
    assert "Which health centre should your child be registered with?" in first
    assert "For Niran Jaidee and Malee Jaidee" in first
    assert "Save and come back later" in first

    answer_child_pages(parent, application)
    check = parent.get(runner_url("check", application_id=application.pk)).content.decode()
    assert "About your child: Niran Jaidee" in check and "About your child: Malee Jaidee" in check
    assert "From the population register" in check
    assert "The health centre nearest our home" in check and "081 234 5678" in check
    assert "+66812345678" not in check
    assert f"{page_url(application, 'health_centre')}?return=check" in check
    assert "I am the parent or legal guardian" in check and "Accept and send" in check

    sent = send(parent, application, declaration="yes")

    assert sent["Location"] == runner_url("sent", application_id=application.pk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert [s["person_id"] for s in application.subjects] == [
        str(household.child.pk),
        str(household.nearly_adult.pk),
    ]
    confirmation = parent.get(sent["Location"]).content.decode()
    assert "Application sent" in confirmation and application.reference in confirmation
    assert "5 working days" in confirmation
    assert len(screens(application_compiled(application), application)) <= 6


def test_the_declaration_must_be_ticked_before_sending(parent, household):
    application = start_children(parent, household)
    answer_child_pages(parent, application)

    refused = send(parent, application)

    html = refused.content.decode()
    assert refused.status_code == 200
    assert "<title>Error:" in html and "govuk-error-summary" in html
    assert "Tick the box to confirm the declaration" in html
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_person_renews_their_own_driving_licence(parent, household):
    # one choice (themselves): no "who is this for" question
    started = parent.post(runner_url("start", service_slug=LICENCE))
    application = latest()
    assert started["Location"] == page_url(application, "your_licence")
    expires = timezone.localdate() + dt.timedelta(days=40)
    certified = timezone.localdate() - dt.timedelta(days=5)
    steps = [
        (
            "your_licence",
            {
                "licence_number": "63001234",
                "licence_class": "car",
                "licence_expires_on-day": str(expires.day),
                "licence_expires_on-month": str(expires.month),
                "licence_expires_on-year": str(expires.year),
            },
        ),
        (
            "medical",
            {
                "medical_condition": "no",
                "medical_certificate": SimpleUploadedFile(
                    "certificate.pdf", pdf_bytes(), content_type="application/pdf"
                ),
                "certificate_date-day": str(certified.day),
                "certificate_date-month": str(certified.month),
                "certificate_date-year": str(certified.year),
            },
        ),
        ("photo", {"photo_source": "id_card"}),
        ("delivery", {"collect_or_post": "collect"}),
    ]
    for page_id, data in steps:
        answer = parent.post(page_url(application, page_id), data)
        assert answer.status_code == 302, answer.content.decode()[:3000]

    assert answer["Location"] == runner_url("check", application_id=application.pk)
    check = parent.get(answer["Location"]).content.decode()
    assert "certificate.pdf" in check and "Private car" in check
    sent = send(parent, application, declaration="yes")
    assert sent["Location"] == runner_url("sent", application_id=application.pk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.reference
    assert application.applies_as == "self"
    assert screens(application_compiled(application), application)[-2:] == [
        "check-answers",
        "sent",
    ]


# --- coming back, changing, errors ---------------------------------------------------------------


def test_save_and_come_back_later_resumes_on_the_page_left(parent, household):
    application = start_children(parent, household)
    parent.post(page_url(application, "health_centre"), {"health_centre_choice": "nearest"})

    saved = parent.post(
        page_url(application, "health_needs"), {"long_term_condition": "yes", "action": "save"}
    )

    assert saved["Location"] == runner_url("saved", application_id=application.pk)
    page = parent.get(saved["Location"]).content.decode()
    application.refresh_from_db()
    assert "Your answers are saved until" in page
    assert application.answers["long_term_condition"] is True
    assert "health_needs" not in application.pages_done
    # back later, from the start of the service: the application not sent yet is offered
    again = parent.post(
        runner_url("start", service_slug=CHILD_HEALTH),
        {"subjects": [household.child.pk, household.nearly_adult.pk]},
    ).content.decode()
    assert "You have an application you have not sent yet" in again
    assert f'href="{page_url(application, "health_needs")}"' in again
    resumed = parent.get(page_url(application, "health_needs")).content.decode()
    assert 'value="yes" checked' in resumed
    assert Application.objects.count() == 1


def test_starting_again_deletes_the_unsent_application(parent, household):
    first = start_children(parent, household)
    chosen = {"subjects": [household.child.pk, household.nearly_adult.pk]}

    again = parent.post(runner_url("start", service_slug=CHILD_HEALTH), chosen | {"restart": "yes"})

    second = latest()
    assert second.pk != first.pk
    assert again["Location"] == page_url(second, "health_centre")
    assert not Application.objects.filter(pk=first.pk).exists()


def test_a_change_from_check_answers_returns_there(parent, household):
    application = start_children(parent, household)
    answer_child_pages(parent, application)
    change = f"{page_url(application, 'health_centre')}?return=check"

    page = parent.get(change).content.decode()
    answer = parent.post(
        change, {"health_centre_choice": "chosen", "health_centre_name": "Bangkok Hospital"}
    )

    check_url = runner_url("check", application_id=application.pk)
    assert f'href="{check_url}"' in page  # the back link
    assert answer["Location"] == check_url
    assert "Bangkok Hospital" in parent.get(check_url).content.decode()


def test_a_wrong_answer_is_shown_again_with_the_error_summary(parent, household):
    application = start_children(parent, household)

    answer = parent.post(page_url(application, "contact"), {"parent_phone": "12ab"})

    html = answer.content.decode()
    assert answer.status_code == 200
    assert "<title>Error:" in html
    assert 'data-module="govuk-error-summary"' in html
    assert 'value="12ab"' in html  # what they typed is kept
    assert "contact" not in Application.objects.get(pk=application.pk).pages_done


def test_check_answers_sends_to_the_first_page_not_answered(parent, household):
    application = start_children(parent, household)

    answer = parent.get(runner_url("check", application_id=application.pk))

    assert answer["Location"] == page_url(application, "health_centre")


def test_answers_changed_in_another_tab_are_shown_before_sending(parent, household):
    application = start_children(parent, household)
    answer_child_pages(parent, application)
    check = parent.get(runner_url("check", application_id=application.pk)).content.decode()
    old = hidden_inputs(check)
    # meanwhile, in another tab
    parent.post(page_url(application, "contact"), {"parent_phone": "0899999999"})

    answer = parent.post(
        runner_url("check", application_id=application.pk), old | {"declaration": "yes"}
    )

    html = answer.content.decode()
    assert answer.status_code == 200
    assert "Your answers changed in another tab or window. Check them and send again." in html
    assert "089 999 9999" in html
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_sending_twice_gives_one_application_and_the_same_confirmation(parent, household):
    application = start_children(parent, household)
    answer_child_pages(parent, application)
    check = parent.get(runner_url("check", application_id=application.pk)).content.decode()
    form = hidden_inputs(check) | {"declaration": "yes"}

    first = parent.post(runner_url("check", application_id=application.pk), form)
    second = parent.post(runner_url("check", application_id=application.pk), form)

    assert (
        first["Location"] == second["Location"] == runner_url("sent", application_id=application.pk)
    )
    application.refresh_from_db()
    assert Application.objects.filter(status=ApplicationStatus.SUBMITTED).count() == 1
    # a sent application's pages lead to its confirmation
    page = parent.get(page_url(application, "contact"))
    assert page["Location"] == runner_url("sent", application_id=application.pk)


# --- pages not shown, other people, the rules ----------------------------------------------------


@pytest.fixture
def fishing(demo_services: Any) -> None:
    """The designer's test service: a page about the boat shown only when a boat is used."""
    owner = service_owner()
    draft = definition_draft_save(actor=owner, source=FISHING)
    definition_publish(actor=owner, version=draft, note="For the runner tests")


def test_a_post_to_a_page_not_shown_is_ignored(parent, fishing):
    parent.post(runner_url("start", service_slug="fishing-permit"))
    application = latest()
    parent.post(page_url(application, "trip"), {"days": "3", "boat": "no"})

    answer = parent.post(page_url(application, "boat_details"), {"engine": "motor"})

    application.refresh_from_db()
    assert answer["Location"] == runner_url("check", application_id=application.pk)
    assert "engine" not in application.answers
    assert "boat_details" not in application.pages_done


def test_a_page_of_facts_only_is_not_a_page_to_post_to(parent, household):
    application = start_children(parent, household)

    answer = parent.post(page_url(application, "about_your_child"), {"child_given_name": "X"})

    assert answer["Location"] == page_url(application, "health_centre")
    application.refresh_from_db()
    assert "child_given_name" not in application.answers


def test_the_rules_saying_no_lead_to_the_reason(parent, fishing):
    parent.post(runner_url("start", service_slug="fishing-permit"))
    application = latest()

    answer = parent.post(page_url(application, "trip"), {"days": "45", "boat": "no"})

    assert answer["Location"].startswith(runner_url("cannot_apply", application_id=application.pk))
    page = parent.get(answer["Location"]).content.decode()
    assert "A permit is for 30 days at most." in page
    assert f'href="{page_url(application, "trip")}"' in page  # change the answer


def test_another_citizens_application_is_not_found(client, parent, household):
    application = start_children(parent, household)
    stranger = link_account(
        make_account("stranger@example.test"), citizen("Other", "Person", years_ago(30))
    )
    strong_session(client, stranger)

    pages = [
        page_url(application, "health_centre"),
        runner_url("check", application_id=application.pk),
        runner_url("saved", application_id=application.pk),
        runner_url("delete", application_id=application.pk),
        runner_url("cannot_apply", application_id=application.pk),
        runner_url("sent", application_id=application.pk),
    ]
    for path in pages:
        assert client.get(path).status_code == 404, path
        posted = client.post(path, {"health_centre_choice": "nearest"})
        assert posted.status_code in (404, 405), path  # 405: a page that takes no POST
    application.refresh_from_db()
    assert application.answers == {}
    unknown = runner_url("page", application_id=uuid.uuid4(), page_id="health_centre")
    assert client.get(unknown).status_code == 404


def test_a_service_needing_more_assurance_sends_to_the_step_up(parent, household):
    answer = parent.get(runner_url("start", service_slug="national-id-card"))

    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("identity:step_up"))
    assert "level=high" in answer["Location"]
    assert not Application.objects.exists()


def test_the_catalogue_start_button_leads_to_the_runner(client, demo_services):
    answer = client.get(reverse("catalogue:start", kwargs={"slug": CHILD_HEALTH}))

    assert answer["Location"] == runner_url("start", service_slug=CHILD_HEALTH)


def test_a_question_page_reads_the_application_once(parent, household):
    application = start_children(parent, household)
    path = page_url(application, "health_needs")
    parent.get(path)  # warm: the compiled definition and the family are cached

    with CaptureQueriesContext(connection) as captured:
        answer = parent.get(path)

    assert answer.status_code == 200
    reads = [q["sql"] for q in captured.captured_queries if "runner_application" in q["sql"]]
    assert len(reads) == 1
    assert not [q for q in captured.captured_queries if "registries_" in q["sql"]]


@pytest.fixture
def under_fifteens(demo_services: Any) -> None:
    """The child health card for children under 15 only (a rule on the register's birthday)."""
    source = (DEMO_SERVICES_DIR / f"{CHILD_HEALTH}.yaml").read_text(encoding="utf-8")
    younger = source.replace(
        "rule: facts.date_of_birth != null",
        "rule: facts.date_of_birth != null && age_on(facts.date_of_birth, today()) < 15",
    )
    owner = service_owner("owner@health.test", agency="health")
    draft = definition_draft_save(actor=owner, source=younger)
    definition_publish(actor=owner, version=draft, note="Under 15 only")


def test_a_child_the_rules_refuse_at_the_start_is_left_out_and_named(
    parent, household, under_fifteens
):
    answer = parent.post(
        runner_url("start", service_slug=CHILD_HEALTH),
        {"subjects": [household.child.pk, household.nearly_adult.pk]},
    )

    application = latest()
    assert answer["Location"] == page_url(application, "health_centre")
    assert [s["person_id"] for s in application.subjects] == [str(household.child.pk)]
    page = parent.get(answer["Location"]).content.decode()
    assert "Malee Jaidee cannot be included in this application." in page
    assert "This child is not on the population register" in page  # the rule's reason
    assert "For Niran Jaidee" in page


def test_when_nobody_can_be_included_the_reason_is_the_page(parent, household, under_fifteens):
    answer = parent.post(
        runner_url("start", service_slug=CHILD_HEALTH), {"subjects": [household.nearly_adult.pk]}
    )

    application = latest()
    assert answer["Location"] == runner_url("cannot_apply", application_id=application.pk)
    page = parent.get(answer["Location"]).content.decode()
    assert "You cannot apply" in page and "This child is not on the population register" in page
    assert runner_url("delete", application_id=application.pk) in page


def test_the_pages_work_in_thai_under_the_thai_prefix(parent, household):
    whom = parent.get("/th/apply/new/child-health-card/")
    answer = parent.post("/th/apply/new/child-health-card/", {"subjects": [household.child.pk]})

    assert whom.status_code == 200 and '<html lang="th"' in whom.content.decode()
    assert 'action="/th/apply/new/child-health-card/"' in whom.content.decode()
    assert answer["Location"].startswith("/th/apply/")
    page = parent.get(answer["Location"]).content.decode()
    assert "ต้องการให้ลูกลงทะเบียนกับหน่วยบริการสุขภาพใด" in page  # the question in Thai


# --- who may be chosen, the register down, what every page says -----------------------------------


@pytest.fixture
def up_to_twelve(demo_services: Any) -> None:
    """The child health card for children of 12 at most (``applicants.child_max_age``)."""
    source = (DEMO_SERVICES_DIR / f"{CHILD_HEALTH}.yaml").read_text(encoding="utf-8")
    owner = service_owner("owner@health.test", agency="health")
    younger = source.replace("child_max_age: 17", "child_max_age: 12", 1)
    draft = definition_draft_save(actor=owner, source=younger)
    definition_publish(actor=owner, version=draft, note="12 and under")


def test_a_child_older_than_the_service_takes_is_not_offered(parent, household, up_to_twelve):
    whom = parent.get(runner_url("start", service_slug=CHILD_HEALTH)).content.decode()

    assert "Niran Jaidee" in whom and "Anong Sukjai" in whom  # 10, and a ward of 12
    assert "Malee Jaidee" not in whom  # 17
    assert whom.count('type="checkbox"') == 2
    # choosing her anyway (a form kept from before) starts nothing
    answer = parent.post(
        runner_url("start", service_slug=CHILD_HEALTH), {"subjects": [household.nearly_adult.pk]}
    )
    assert answer.status_code == 200 and "Select who this application is for" in answer.text
    assert not Application.objects.exists()


class RegisterDown(LocalAdapter):
    """The population register not answering: every question about a person fails."""

    def person_get(self, **kwargs: Any) -> Any:
        raise RegistryUnavailable()

    def children_of(self, **kwargs: Any) -> Any:
        raise RegistryUnavailable()


UNREACHABLE = "We cannot reach the population register just now. Try again in a few minutes."


@pytest.mark.parametrize("service", [LICENCE, CHILD_HEALTH])
def test_when_the_register_does_not_answer_nothing_starts(parent, household, service):
    family_forget(str(household.parent.pk))

    with adapter_override(RegisterDown()):
        answer = parent.post(runner_url("start", service_slug=service))

    assert answer.status_code == 503
    assert UNREACHABLE in answer.text
    assert not Application.objects.exists()
    assert not AuditEvent.objects.filter(action=RunnerAction.DRAFT_STARTED).exists()


def test_a_question_page_offers_saving_and_says_until_when_answers_are_kept(parent, household):
    application = start_children(parent, household)

    html = parent.get(page_url(application, "health_centre")).content.decode()

    assert 'id="og-timeout"' in html  # the session-timeout warning of every signed-in page
    assert re.search(r'<button [^>]*value="save" name="action"', html)
    assert "Save and come back later" in html
    assert application.expires_at is not None
    until = format_date(application.expires_at, "en")
    assert f"We save your answers as you go. You can come back to them until {until}." in html


def test_check_answers_offers_to_correct_each_fact_from_the_register(parent, household):
    application = start_children(parent, household)
    answer_child_pages(parent, application)

    html = parent.get(runner_url("check", application_id=application.pk)).content.decode()

    wrong = runner_url("correction", application_id=application.pk, alias="date_of_birth")
    for child in (household.child, household.nearly_adult):
        assert f'href="{wrong}?person={child.pk}&amp;page=check-answers"' in html
    assert "Is this wrong?" in html


# --- several children, person fields, saving with a mistake, the cost of sending -------------


@pytest.fixture
def needs_from_fifteen(demo_services: Any) -> None:
    """The child health card asking about health needs only for a child of 15 or more."""
    source = (DEMO_SERVICES_DIR / f"{CHILD_HEALTH}.yaml").read_text(encoding="utf-8")
    page = "  - id: health_needs\n    title:"
    assert page in source
    edited = source.replace(
        page,
        "  - id: health_needs\n"
        "    condition: age_on(facts.date_of_birth, today()) >= 15\n"
        "    title:",
        1,
    )
    owner = service_owner("owner@health.test", agency="health")
    draft = definition_draft_save(actor=owner, source=edited)
    definition_publish(actor=owner, version=draft, note="Health needs from 15")


def test_a_page_shown_only_for_the_second_child_is_asked_and_the_application_sent(
    parent, household, needs_from_fifteen
):
    application = start_children(parent, household)  # the 10-year-old first, then the 17-year-old
    answer_child_pages(parent, application)  # health_needs is offered, after health_centre

    application.refresh_from_db()
    assert application.answers["long_term_condition"] is False
    sent = send(parent, application, declaration="yes")
    assert sent["Location"] == runner_url("sent", application_id=application.pk)


def test_a_question_shown_only_for_the_second_child_must_be_answered(
    parent, household, needs_from_fifteen
):
    application = start_children(parent, household)
    parent.post(page_url(application, "health_centre"), {"health_centre_choice": "nearest"})

    refused = parent.post(page_url(application, "health_needs"), {"allergies": ["none"]})

    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.content.decode()
    application.refresh_from_db()
    assert "health_needs" not in application.pages_done


def _moving(client: Client, household: Household) -> Application:
    from onegate.runner.tests.test_services import start_for

    application = start_for(household.parent_user, service="tell-us-you-have-moved")
    chosen = {
        "household_moving-items": "1",
        "household_moving-0-member": str(household.child.pk),
        "others_moving": "no",
    }
    saved = client.post(page_url(application, "who_is_moving"), chosen)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    return application


def test_a_person_chosen_is_offered_again_checked_and_kept(parent, household):
    application = _moving(parent, household)

    html = parent.get(page_url(application, "who_is_moving")).content.decode()

    assert f'value="{household.child.pk}" checked' in html
    assert "The register does not link anyone to you" not in html
    again = parent.post(
        page_url(application, "who_is_moving"),
        hidden_inputs(html)
        | {
            "household_moving-items": "1",
            "household_moving-0-member": str(household.child.pk),
            "others_moving": "no",
        },
    )
    assert again.status_code == 302
    application.refresh_from_db()
    assert application.answers["household_moving"] == [{"member": str(household.child.pk)}]


def test_check_answers_names_the_person_chosen(parent, household):
    from onegate.runner.fields import people_names

    application = _moving(parent, household)
    application.refresh_from_db()

    names = people_names(application, "en")

    assert names[str(household.child.pk)] == "Niran Jaidee"


def test_saving_for_later_with_a_mistake_keeps_the_answer_given_before(parent, household):
    application = start_children(parent, household)
    answer_child_pages(parent, application)

    saved = parent.post(page_url(application, "contact"), {"parent_phone": "12", "action": "save"})

    assert saved["Location"] == runner_url("saved", application_id=application.pk)
    application.refresh_from_db()
    assert application.answers["parent_phone"] == "+66812345678"


def test_a_page_answered_in_full_and_saved_for_later_counts_as_answered(parent, household):
    application = start_children(parent, household)

    parent.post(
        page_url(application, "health_centre"),
        {"health_centre_choice": "nearest", "action": "save"},
    )

    application.refresh_from_db()
    assert "health_centre" in application.pages_done
    assert application.resume_page == "health_needs"


def _sending_queries(client: Client, application: Application) -> int:
    check = client.get(runner_url("check", application_id=application.pk))
    data = hidden_inputs(check.content.decode()) | {"declaration": "yes"}
    with CaptureQueriesContext(connection) as captured:
        sent = client.post(runner_url("check", application_id=application.pk), data)
    assert sent["Location"] == runner_url("sent", application_id=application.pk)
    return len(captured)


def test_sending_for_one_child_or_two_takes_few_queries(parent, household):
    two = start_children(parent, household)
    answer_child_pages(parent, two)
    one_child = parent.post(
        runner_url("start", service_slug=CHILD_HEALTH), {"subjects": [household.ward.pk]}
    )
    assert one_child.status_code == 302
    one = latest()
    answer_child_pages(parent, one)

    # Measured: 34 (one child: the child's account is named "on behalf of") and 33 (two), with
    # the two messages of the acknowledgement, the audit records and the task; 39 before. The
    # performance event "sent" (issue 11) adds its INSERT in a savepoint: 37 and 36.
    counts = (_sending_queries(parent, one), _sending_queries(parent, two))
    assert counts[0] <= 37 and counts[1] <= 36, counts


def test_a_file_sent_to_a_page_that_takes_none_is_stopped_and_said_so(parent, household):
    application = start_children(parent, household)
    data = {
        "health_centre_choice": "nearest",
        "sneaked": SimpleUploadedFile("big.pdf", pdf_bytes(), content_type="application/pdf"),
    }

    refused = parent.post(page_url(application, "health_centre"), data)

    assert refused.status_code == 413
    assert "This page does not take files" in refused.content.decode()
    application.refresh_from_db()
    assert "health_centre" not in application.pages_done
