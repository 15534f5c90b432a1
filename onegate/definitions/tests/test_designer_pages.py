"""The designer's pages for a service owner, and their refusal to anyone else."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onegate.audit.constants import DefinitionAction
from onegate.audit.models import AuditEvent
from onegate.catalogue.models import Service
from onegate.catalogue.tests.factories import AgencyFactory, ServiceFactory
from onegate.definitions.constants import MAX_SOURCE_CHARS, VersionStatus
from onegate.definitions.demo import DEMO_SERVICES_DIR
from onegate.definitions.language import compiler
from onegate.definitions.models import DefinitionVersion
from onegate.definitions.services import definition_draft_save, definition_publish
from onegate.definitions.tests.support import (
    FISHING,
    SLUG,
    retitled,
    service_owner,
    with_failing_test,
)
from onegate.identity.constants import StaffRole
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.organisation_fixtures import staff_member

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"definitions:{name}", kwargs=kwargs or None)


@pytest.fixture
def owner():
    return service_owner()


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def two_versions(owner):
    first = definition_draft_save(actor=owner, source=FISHING)
    definition_publish(actor=owner, version=first, note="First")
    second = definition_draft_save(actor=owner, source=retitled("Get a permit to fish"))
    definition_publish(actor=owner, version=second, note="Clearer title")
    definition_draft_save(actor=owner, source=retitled("Fish with a permit"), note="Try")
    return first.definition


def every_page(definition_slug: str = SLUG) -> dict[str, str]:
    return {
        "services": url("services"),
        "new": url("new"),
        "import_formio": url("import_formio"),
        "definition": url("definition", slug=definition_slug),
        "draft": url("draft", slug=definition_slug),
        "compare": url("compare", slug=definition_slug),
        "publish": url("publish", slug=definition_slug),
        "tests": url("tests", slug=definition_slug, ref="draft"),
        "preview": url("preview", slug=definition_slug, ref="1"),
        "export": url("export", slug=definition_slug, ref="2"),
        "rollback": url("rollback", slug=definition_slug, number=1),
        "retire": url("retire", slug=definition_slug, number=1),
    }


def test_every_page_opens_for_the_service_owner(owner_client, two_versions):
    for name, path in every_page().items():
        response = owner_client.get(path)
        assert response.status_code == 200, f"{name}: {response.status_code}"


def test_another_agencys_owner_and_a_citizen_are_refused_everywhere(client, two_versions):
    nurse = service_owner("owner@health.test", agency="health")
    citizen = make_account("somchai@example.test")
    worker = staff_member("worker@immigration.test", StaffRole.CASE_WORKER, "immigration")
    service_pages = set(every_page()) - {"services", "new", "import_formio"}
    for person in (nurse, citizen, worker):
        client.force_login(person)
        for name, path in every_page().items():
            expected = {404} if person is nurse and name in service_pages else {403}
            if person is nurse and name not in service_pages:
                expected = {200}
            assert client.get(path).status_code in expected, f"{person.email} {name}"
            if name in service_pages:
                answer = client.post(path, {"note": "Mine", "source": FISHING})
                assert answer.status_code in {403, 404, 405}, f"{person.email} POST {name}"
    assert DefinitionVersion.objects.filter(status=VersionStatus.PUBLISHED).count() == 2


def test_the_list_shows_the_version_in_use_and_the_draft(owner_client, two_versions):
    page = owner_client.get(url("services")).content.decode()
    assert "Version 2" in page and url("definition", slug=SLUG) in page


def test_the_definition_page_lists_versions_with_notes_and_people(owner_client, two_versions):
    page = owner_client.get(url("definition", slug=SLUG)).content.decode()
    assert "Clearer title" in page and "First" in page and "Try" in page
    assert "owner@immigration.test" in page
    assert "People who start the service now use version 2." in page


def test_saving_a_draft_keeps_the_text_and_shows_each_problem_in_place(owner_client, two_versions):
    broken = FISHING.replace("level_of_assurance: substantial", "level_of_assurance: extreme")
    response = owner_client.post(url("draft", slug=SLUG), {"source": broken, "note": "x"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and 'href="#id_source"' in page
    assert "level_of_assurance" in page and "line " in page
    assert "level_of_assurance: extreme" in page  # what the person typed is kept
    assert "Fish with a permit" not in page


def test_saving_a_draft_from_the_textarea(owner_client, two_versions):
    response = owner_client.post(
        url("draft", slug=SLUG), {"source": retitled("Fishing permits"), "note": "Plural"}
    )
    assert response.status_code == 302
    draft = DefinitionVersion.objects.get(status=VersionStatus.DRAFT)
    assert "Fishing permits" in draft.source and draft.change_note == "Plural"
    assert "The draft is saved" in owner_client.get(response.url).content.decode()


def test_saving_a_draft_says_how_many_rules_tests_fail(owner_client, two_versions):
    response = owner_client.post(url("draft", slug=SLUG), {"source": with_failing_test()})

    page = owner_client.get(response.url).content.decode()
    assert "It cannot be published yet: 1 of its rules tests fails." in page


def test_the_publish_page_compiles_the_draft_once(owner_client, two_versions, monkeypatch):
    compiled: list[str] = []
    compile_text = compiler._compile  # what every compile of a definition's text runs

    def counting(*args: Any, **kwargs: Any) -> Any:
        compiled.append(repr(args))
        return compile_text(*args, **kwargs)

    monkeypatch.setattr(compiler, "_compile", counting)
    owner_client.get(url("publish", slug=SLUG))  # the version in use is compiled, and kept
    compiled.clear()
    compiler.definition_compile_forget()  # texts compiled before are kept too: count afresh

    page = owner_client.get(url("publish", slug=SLUG)).content.decode()

    assert "What changes" in page and "Fish with a permit" in page
    assert len(compiled) == 1 and "Fish with a permit" in compiled[0]


def test_importing_a_file_into_the_draft(owner_client, two_versions):
    upload = SimpleUploadedFile("fishing.yaml", retitled("Uploaded").encode(), "application/yaml")
    response = owner_client.post(url("draft", slug=SLUG), {"source": "", "upload": upload})
    assert response.status_code == 302
    assert "Uploaded" in DefinitionVersion.objects.get(status=VersionStatus.DRAFT).source


def test_an_uploaded_file_is_held_to_the_same_length_as_the_text_box(owner_client):
    # given a file within the upload's bytes, but longer than a definition may be
    text = FISHING + "#" * (MAX_SOURCE_CHARS - len(FISHING)) + "\n"
    upload = SimpleUploadedFile("long.yaml", text.encode(), "application/yaml")

    response = owner_client.post(url("new"), {"source": "", "upload": upload})

    page = response.content.decode()
    assert response.status_code == 400
    assert "The file is too long: at most" in page and 'href="#id_upload"' in page
    assert not DefinitionVersion.objects.exists()


def test_a_new_service_from_a_pasted_file(owner_client):
    response = owner_client.post(url("new"), {"source": FISHING, "note": "From Laos"})
    assert response.status_code == 302 and response.url == url("definition", slug=SLUG)
    assert DefinitionVersion.objects.get().change_note == "From Laos"


def test_a_catalogued_service_without_a_definition_is_started_by_its_agency_only(client):
    # given a service the catalogue lists under consular affairs, with no definition yet
    ServiceFactory(slug="apply-for-a-passport", agency=AgencyFactory(slug="consular-affairs"))
    passport = FISHING.replace("service: fishing-permit", "service: apply-for-a-passport")
    nurse = service_owner("owner@health.test", agency="health")
    consul = service_owner("owner@consular.test", agency="consular-affairs")

    # when health's owner pastes a file for it in health's name, it is refused in place
    client.force_login(nurse)
    taken = client.post(url("new"), {"source": passport.replace("immigration", "health")})
    assert taken.status_code == 400
    assert "The service belongs to “consular-affairs”" in taken.content.decode()
    assert not DefinitionVersion.objects.exists()

    # and consular affairs' owner starts it
    client.force_login(consul)
    own = passport.replace("immigration", "consular-affairs")
    started = client.post(url("new"), {"source": own})
    assert started.status_code == 302
    assert started.url == url("definition", slug="apply-for-a-passport")


def test_a_new_service_of_another_agency_is_refused_in_place(owner_client):
    other = FISHING.replace("agency: immigration", "agency: health")
    response = owner_client.post(url("new"), {"source": other})
    assert response.status_code == 400
    assert "You cannot change the services of the agency" in response.content.decode()
    assert not DefinitionVersion.objects.exists()


def test_publishing_needs_a_note_then_publishes_and_a_retry_does_not_publish_twice(
    owner_client, two_versions
):
    draft = DefinitionVersion.objects.get(status=VersionStatus.DRAFT)
    page = owner_client.get(url("publish", slug=SLUG)).content.decode()
    assert "What changes" in page and "Fish with a permit" in page

    assert f'name="checksum" value="{draft.checksum}"' in page
    confirmed = {"version": draft.pk, "checksum": draft.checksum}

    empty = owner_client.post(url("publish", slug=SLUG), {"note": "", **confirmed})
    assert empty.status_code == 400 and 'href="#id_note"' in empty.content.decode()
    done = owner_client.post(url("publish", slug=SLUG), {"note": "Shorter", **confirmed})
    again = owner_client.post(url("publish", slug=SLUG), {"note": "Shorter", **confirmed})

    assert done.status_code == 302 and again.status_code == 302
    draft.refresh_from_db()
    assert (draft.number, draft.status) == (3, VersionStatus.PUBLISHED)
    assert DefinitionVersion.objects.count() == 3
    assert Service.objects.get(slug=SLUG).title["en"] == "Fish with a permit"
    published = AuditEvent.objects.filter(action=DefinitionAction.VERSION_PUBLISHED)
    assert published.count() == 3


def test_a_draft_with_a_failing_rules_test_cannot_be_published(owner_client, owner):
    definition_draft_save(actor=owner, source=with_failing_test())
    page = owner_client.get(url("publish", slug=SLUG))
    assert "A paddle boat is referred" in page.content.decode()
    draft = DefinitionVersion.objects.get()
    response = owner_client.post(
        url("publish", slug=SLUG), {"note": "Go", "version": draft.pk, "checksum": draft.checksum}
    )
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    assert DefinitionVersion.objects.get().status == VersionStatus.DRAFT
    tests_page = owner_client.get(url("tests", slug=SLUG, ref="draft")).content.decode()
    assert "Failed" in tests_page and "Passed" in tests_page


def test_rollback_and_retire_from_the_pages(owner_client, two_versions):
    response = owner_client.post(url("rollback", slug=SLUG, number=1), {"note": "Old title back"})
    assert response.status_code == 302
    assert Service.objects.get(slug=SLUG).title["en"] == "Get a fishing permit"
    retired = owner_client.post(url("retire", slug=SLUG, number=2), {"note": "Unused"})
    assert retired.status_code == 302
    assert DefinitionVersion.objects.get(number=2).status == VersionStatus.RETIRED
    assert owner_client.post(url("retire", slug=SLUG, number=1), {"note": ""}).status_code == 400


def test_the_diff_page_compares_any_two_versions(owner_client, two_versions):
    page = owner_client.get(url("compare", slug=SLUG), {"old": "1", "new": "draft"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Get a fishing permit" in text and "Fish with a permit" in text
    assert "Other settings" in text and "Whole file" in text


def test_the_preview_shows_rules_as_code(owner_client, owner):
    # given a question shown only when a boat is used, with a check of its answer
    checked = "        options:\n"
    rules = (
        "        condition: answers.boat\n"
        "        validations:\n"
        "          - rule: answers.engine != 'motor' || answers.days < 3\n"
        "            message:\n"
        "              en: Motor boats for two days at most.\n"
        "              th: เรือยนต์ไม่เกินสองวัน\n"
    )
    definition_draft_save(actor=owner, source=FISHING.replace(checked, rules + checked, 1))

    page = owner_client.get(url("preview", slug=SLUG, ref="draft"), {"page": "boat_details"})
    page = page.content.decode()

    assert "<code>answers.boat</code>" in page
    assert "<code>answers.engine != &#39;motor&#39; || answers.days &lt; 3</code><br>" in page
    assert "&lt;code&gt;" not in page


def test_a_draft_saved_since_the_publish_page_was_opened_is_shown_again(owner_client, two_versions):
    # given the publisher opened the publish page, and someone saved the draft meanwhile
    draft = DefinitionVersion.objects.get(status=VersionStatus.DRAFT)
    reviewed = draft.checksum
    owner_client.post(url("draft", slug=SLUG), {"source": retitled("Unseen"), "note": "Later"})

    response = owner_client.post(
        url("publish", slug=SLUG), {"note": "Go", "version": draft.pk, "checksum": reviewed}
    )

    # then nothing is published, and the page shows what the draft now says
    page = response.content.decode()
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert "The draft has changed since you looked at it" in page and "Unseen" in page
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT and draft.checksum != reviewed
    assert f'name="checksum" value="{draft.checksum}"' in page
    assert DefinitionVersion.objects.filter(status=VersionStatus.PUBLISHED).count() == 2


def test_a_draft_that_does_not_compile_still_shows_its_line_differences(owner, owner_client):
    # given version 1, and a draft whose level of assurance is not one
    first = definition_draft_save(actor=owner, source=FISHING)
    definition_publish(actor=owner, version=first, note="First")
    broken = FISHING.replace("level_of_assurance: substantial", "level_of_assurance: extreme")
    DefinitionVersion.objects.create(
        definition=first.definition, source=broken, checksum="0" * 64
    )  # as saved before the language refused it

    compare = owner_client.get(url("compare", slug=SLUG), {"old": "1", "new": "draft"})
    publish = owner_client.get(url("publish", slug=SLUG))

    for response in (compare, publish):
        page = response.content.decode()
        assert "only the line differences can be shown" in page
        assert "<del>-level_of_assurance: substantial</del>" in page
        assert "<ins>+level_of_assurance: extreme</ins>" in page
        assert "Nothing that people see" not in page
    assert "Publish the draft?" in publish.content.decode()


def test_the_preview_shows_every_page_in_each_language(owner_client, two_versions):
    english = owner_client.get(url("preview", slug=SLUG, ref="1")).content.decode()
    thai = owner_client.get(url("preview", slug=SLUG, ref="1"), {"lang": "th"}).content.decode()
    boat = owner_client.get(
        url("preview", slug=SLUG, ref="1"), {"lang": "th", "page": "boat_details"}
    )
    # every page is listed (hidden ones with what shows them); one page is drawn at a time
    assert "Your trip" in english and "Your boat" in english and "answers.boat" in english
    assert "การเดินทางของคุณ" in thai and "Your trip" not in thai and "ไม้พาย" not in thai
    assert "ไม้พาย" in boat.content.decode()
    # the Thai preview on an English page: marked as Thai, and Thai is the language shown as chosen
    assert 'id="page-trip" lang="th">การเดินทางของคุณ</h2>' in thai
    assert '<strong lang="th">ไทย</strong>' in thai and '<strong lang="en">' not in thai


def drawn(page: str) -> str:
    """The previewed page itself, as the runner draws it."""
    return page[page.index("govuk-summary-card__content") : page.index("</section>")]


def test_the_preview_draws_the_page_as_the_runner_does_and_cannot_send(owner_client, two_versions):
    page = owner_client.get(url("preview", slug=SLUG, ref="1")).content.decode()

    shown = drawn(page)
    assert 'name="days"' in shown and 'inputmode="numeric"' in shown  # the runner's inputs
    assert 'name="boat" type="radio" value="yes"' in shown
    assert "<form" not in shown and "disabled" in shown  # nothing to send
    assert "This is a preview. Nothing entered here is saved or sent" in page
    assert 'href="?lang=en&amp;page=boat_details"' in page  # the other pages, by plain links
    assert 'aria-current="page">Your trip</strong>' in page


def test_the_preview_in_thai_is_wholly_thai(owner_client, two_versions):
    page = owner_client.get(url("preview", slug=SLUG, ref="1"), {"lang": "th"}).content.decode()

    shown = drawn(page)
    assert "คุณจะตกปลากี่วัน" in shown and "How many days" not in shown
    assert "Continue" not in shown and "Yes" not in shown  # the runner's own words too


def test_a_page_not_in_the_version_is_not_found(owner_client, two_versions):
    answer = owner_client.get(url("preview", slug=SLUG, ref="1"), {"page": "no_such_page"})
    assert answer.status_code == 404


def test_the_preview_fills_in_sample_register_details(client):
    owner = service_owner("owner@health.test", agency="health")
    client.force_login(owner)
    source = (DEMO_SERVICES_DIR / "child-health-card.yaml").read_text(encoding="utf-8")
    definition_draft_save(actor=owner, source=source)

    page = client.get(url("preview", slug="child-health-card", ref="draft")).content.decode()

    shown = drawn(page)
    assert "สมชาย" in shown and "17 May 1990" in shown  # samples of the name and the birthday
    assert "<input" not in shown  # prefilled: shown, never asked


def test_export_downloads_the_file_of_a_version(owner_client, two_versions):
    response = owner_client.get(url("export", slug=SLUG, ref="1"))
    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}-v1.yaml"'
    assert response.content.decode() == FISHING
    draft = owner_client.get(url("export", slug=SLUG, ref="draft"))
    assert f"{SLUG}-draft.yaml" in draft["Content-Disposition"]


def test_unknown_versions_are_not_found(owner_client, two_versions):
    assert owner_client.get(url("preview", slug=SLUG, ref="9")).status_code == 404
    assert owner_client.get(url("preview", slug=SLUG, ref="x")).status_code == 404
    assert owner_client.get(url("definition", slug="no-such")).status_code == 404
    bad = owner_client.post(url("publish", slug=SLUG), {"note": "x", "version": "not-a-uuid"})
    assert bad.status_code == 404


def test_the_list_and_the_versions_page_take_a_fixed_number_of_queries(owner_client, two_versions):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            owner_client.get(url("services"))
            owner_client.get(url("definition", slug=SLUG))
        return len(captured)

    queries()  # the session and the catalogue snapshot are warm from here on
    before = queries()
    draft = DefinitionVersion.objects.get(status=VersionStatus.DRAFT)
    confirmed = {"version": draft.pk, "checksum": draft.checksum}
    owner_client.post(url("publish", slug=SLUG), {"note": "Three", **confirmed})
    definition_draft_save(actor=two_versions.versions.first().created_by, source=FISHING)

    queries()  # publishing changed the catalogue: this process rebuilds its snapshot once
    assert queries() <= before  # a third version and a new draft add no query
    assert before <= 30


def test_a_service_not_published_yet_is_called_by_its_draft_title(owner_client):
    owner_client.post(url("new"), {"source": FISHING})

    page = owner_client.get(url("definition", slug=SLUG)).content.decode()
    listed = owner_client.get(url("services")).content.decode()

    assert "Get a fishing permit" in page and "Get a fishing permit" in listed


def test_the_preview_of_a_draft_is_titled_as_the_draft_says(owner_client, two_versions):
    draft = owner_client.get(url("preview", slug=SLUG, ref="draft")).content.decode()
    published = owner_client.get(url("preview", slug=SLUG, ref="1")).content.decode()

    assert "Fish with a permit" in draft and "Fish with a permit" not in published


def test_the_inline_error_is_a_sentence_and_the_summary_lists_the_problems(owner_client):
    broken = FISHING.replace("level_of_assurance: substantial", "level_of_assurance: lowest")
    broken = broken.replace("rule: answers.days <= 30", "rule: answers.dayz <= 30")

    page = owner_client.post(url("new"), {"source": broken}).content.decode()

    # GOV.UK puts the inline message in a <p>: a sentence, never a list inside it
    start = page.index('<p id="id_source-error" class="govuk-error-message">')
    inline = page[start : page.index("</p>", start)]
    assert "problem in the definition" in inline and "<ul" not in inline
    # the summary at the top names the problem and its line
    summary = page[page.index("govuk-error-summary") : start]
    assert "level_of_assurance" in summary and "“lowest” is not allowed here" in summary
    assert " or " not in summary.split("lowest")[1].split("</a>")[0]  # no English "or" in lists
