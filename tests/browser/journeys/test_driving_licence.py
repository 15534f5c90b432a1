"""The driving-licence renewal story on the demo government, in English.

Somsak Saengthong, the demo driver due for renewal, signs in (password and authenticator code)
and renews his car licence, declaring diabetes treated with insulin and uploading his medical
certificate (a PDF). On the way he makes the mistake people make with dates: he types 31 2 for
his licence's expiry and a certificate date in the future, reads what is wrong with each, puts it
right and goes on without retyping anything else. The rules refer the renewal;
``caseworker.transport`` takes it from the Department of Land Transport's queue, reads the
answers, the registry facts with their source and what the rules found, and asks for a letter
from his specialist. Somsak answers from his case page with words and a PDF. The case worker
takes the case again and proposes a refusal, which needs a second officer; ``teamlead.transport``
confirms it. Somsak reads the refusal with its reasons and its notice, as a page and as a PDF.

The measured outcome (Somsak's screens after signing in, fields typed, registry facts typed,
his scripted seconds; the officers' screens) goes to test-artifacts/journeys.json.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.utils import timezone

from onegate.cases.constants import CaseStatus
from onegate.cases.models import Case
from onegate.runner.models import Application
from tests.browser.cases_support import error_summary, main_text, run_tasks
from tests.browser.journeys.support import (
    Outcome,
    Walker,
    citizen_account,
    outcome_record,
    staff_account,
)
from tests.browser.test_cases_journeys import (
    STAFF_SUBMIT,
    TAKE_NEXT,
    accept_and_send,
    case_path,
    on_page,
    staff_path,
)
from tests.browser.test_runner_journey import CONTINUE, START_NOW, prefilled_fields
from tests.browser.test_runner_nojs import choose, pdf_file, type_date

STORY = "driving-licence"
LICENCE = "renew-driving-licence"
SOMSAK = "somsak.saengthong"
LICENCE_NUMBER = "50012345"
QUESTION = (
    "Please send a letter from your diabetes specialist saying how your insulin treatment is "
    "managed and that you are fit to drive."
)
ANSWER = "Here is the letter from my specialist at Maharaj Nakorn Chiang Mai Hospital."
EXPLANATION = (
    "The specialist's letter does not say that your diabetes is controlled well enough to drive."
)
GENERIC_REFUSAL = "The evidence you gave does not show that you meet the conditions."


@contextmanager
def stopwatch(parts: list[float]) -> Iterator[None]:
    """Add the wall time of the block to ``parts`` (Somsak's part of the story comes in three
    pieces, between the officers' parts)."""
    started = time.perf_counter()
    yield
    parts.append(time.perf_counter() - started)


def without_ids(path: str) -> str:
    """A screen's path with the application's id and the case's reference left out."""
    return re.sub(r"/case/[^/]+/", "/case/<reference>/", re.sub(r"[0-9a-f-]{36}", "<id>", path))


def error_on(person: Walker, name: str) -> str:
    """The error message shown with the question whose field is ``name``."""
    found = person.page.locator(
        f".govuk-form-group--error:has([name^='{name}']) .govuk-error-message"
    )
    return str(found.first.inner_text()) if found.count() else ""


# --- Somsak applies, with the wrong dates first -------------------------------------------------


def his_licence_with_an_impossible_expiry(somsak: Walker) -> None:
    """31 February: "Enter a real date", next to the question; what else he typed is kept."""
    on_page(somsak, "your_licence")
    somsak.type("input[name=licence_number]", LICENCE_NUMBER)
    choose(somsak, "licence_class", "car")
    year = timezone.localdate().year + 1
    somsak.type("input[name='licence_expires_on-day']", "31")
    somsak.type("input[name='licence_expires_on-month']", "2")
    somsak.type("input[name='licence_expires_on-year']", str(year))
    somsak.press(CONTINUE)
    assert "/page/your_licence/" in somsak.path(), somsak.path()
    assert somsak.page.title().startswith("Error:"), somsak.page.title()
    assert "Enter a real date" in error_summary(somsak)
    assert "Enter a real date" in error_on(somsak, "licence_expires_on")
    assert somsak.page.locator("input[name=licence_number]").input_value() == LICENCE_NUMBER
    somsak.shot("wrong-date")
    type_date(somsak, "licence_expires_on", timezone.localdate() + dt.timedelta(days=40), "en")
    somsak.press(CONTINUE)


def his_health_with_a_certificate_dated_in_the_future(somsak: Walker, folder: Path) -> None:
    """A certificate date a year ahead (the wrong year typed): it must be today or earlier."""
    on_page(somsak, "medical")
    choose(somsak, "medical_condition", "yes")
    choose(somsak, "medical_conditions", "diabetes_insulin")  # revealed under "Yes"
    somsak.page.locator("input[name=medical_certificate]").set_input_files(
        str(pdf_file(folder, "medical-certificate.pdf"))
    )
    written = timezone.localdate() - dt.timedelta(days=5)
    type_date(somsak, "certificate_date", written.replace(year=written.year + 1), "en")
    somsak.press(CONTINUE)
    assert "/page/medical/" in somsak.path(), somsak.path()
    wrong = "“Date on the medical certificate” must be today or in the past"
    assert wrong in error_summary(somsak)
    assert wrong in error_on(somsak, "certificate_date")
    # the certificate he uploaded is still there: he corrects the year only
    assert "medical-certificate.pdf" in main_text(somsak)
    somsak.type("input[name='certificate_date-year']", str(written.year))
    somsak.press(CONTINUE)


def somsak_applies(somsak: Walker, folder: Path) -> Application:
    somsak.open(f"/services/{LICENCE}/")
    assert somsak.h1() == "Renew your driving licence"
    somsak.press(START_NOW)
    somsak.start_if_single()
    his_licence_with_an_impossible_expiry(somsak)
    his_health_with_a_certificate_dated_in_the_future(somsak, folder)
    on_page(somsak, "photo")
    choose(somsak, "photo_source", "id_card")
    somsak.press(CONTINUE)
    on_page(somsak, "delivery")
    assert "45/3" in main_text(somsak)  # his address comes from the house register
    choose(somsak, "collect_or_post", "collect")
    somsak.press(CONTINUE)
    assert somsak.path().endswith("/check-answers/"), f"{somsak.path()}: {error_summary(somsak)}"
    answers = main_text(somsak)
    for given in (LICENCE_NUMBER, "Diabetes treated with insulin", "medical-certificate.pdf"):
        assert given in answers, given
    somsak.shot("check-answers")
    accept_and_send(somsak)
    return Application.objects.get(user__email=citizen_account(SOMSAK).email, service_slug=LICENCE)


def somsak_sees_it_is_with_an_officer(somsak: Walker, case: Case) -> None:
    somsak.open("/account/applications/")
    assert "Renew your driving licence" in main_text(somsak)
    somsak.press(f"main a[href='{case_path(case)}']")
    assert somsak.page.locator("#status").inner_text() == "Waiting for an officer"
    assert "Department of Land Transport" in somsak.page.locator("#what-next").inner_text()


# --- the officers ---------------------------------------------------------------------------


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def officer_takes_the_case(officer: Walker, case: Case) -> None:
    officer.open("/casework/")
    assert "Renew your driving licence" in officer.page.locator("main table").inner_text()
    officer.press(TAKE_NEXT)
    assert officer.path() == staff_path(case), f"{officer.path()}: {error_summary(officer)}"


def officer_reads_answers_facts_and_rules(officer: Walker) -> None:
    shown = main_text(officer)
    for answer in (LICENCE_NUMBER, "Diabetes treated with insulin", "medical-certificate.pdf"):
        assert answer in shown, answer
    facts = officer.page.locator("#facts + .og-table-scroll table").inner_text()
    assert "3-5001-94801-23-3" in facts, facts  # Somsak's national ID, from the register
    assert "the population register" in facts, facts
    rules = officer.page.locator("#rules ~ dl").first.inner_text()
    assert "Refer to an officer" in rules and "medical_condition_declared" in rules, rules


def officer_requests_information(officer: Walker, case: Case) -> None:
    officer.press("main a[href$='/request-information/']")
    officer.type("textarea[name=question]", QUESTION)
    officer.press(STAFF_SUBMIT)
    assert officer.path() == staff_path(case), error_summary(officer)
    assert "Your request is sent to the person" in main_text(officer)


def officer_proposes_a_refusal(officer: Walker, case: Case) -> None:
    assert "specialist-letter.pdf" in officer.page.locator("#requests ~ dl").first.inner_text()
    officer.press("main a[href$='/decide/']")
    choose(officer, "outcome", "refuse")
    choose(officer, "refuse_template", "generic:evidence_not_accepted")  # revealed under Refuse
    officer.type("textarea[name=explanation]", EXPLANATION)
    officer.press(STAFF_SUBMIT)
    assert officer.path() == staff_path(case), error_summary(officer)
    shown = main_text(officer)
    assert "A second officer must confirm it before the person is told." in shown
    assert officer.page.locator("form[action$='/confirm-refusal/']").count() == 0


def lead_confirms_the_refusal(lead: Walker, case: Case) -> None:
    lead.open("/casework/queue/?status=in_review")
    row = lead.page.locator(f"main tbody tr:has(a[href='{staff_path(case)}'])")
    assert "Refusal waiting for a second officer" in row.inner_text()
    lead.press(f"main a[href='{staff_path(case)}']")
    proposal = main_text(lead)
    assert "Proposed refusal" in proposal and EXPLANATION in proposal
    lead.shot("second-officer")
    lead.press("main form[action$='/confirm-refusal/'] button")
    assert lead.path() == staff_path(case), error_summary(lead)
    assert "You confirmed the refusal." in main_text(lead)


# --- Somsak answers, and reads the decision -----------------------------------------------------


def somsak_answers_with_words_and_a_letter(somsak: Walker, case: Case, folder: Path) -> None:
    somsak.open("/account/applications/")
    assert "Information needed — answer by" in main_text(somsak)
    somsak.press(f"main a[href='{case_path(case)}']")
    assert somsak.page.locator("#status").inner_text() == "Information needed from you"
    assert QUESTION in somsak.page.locator("#open-request").inner_text()
    somsak.shot("information-requested")
    somsak.press("#open-request a.govuk-button")
    somsak.type("textarea[name=answer]", ANSWER)
    somsak.page.locator("input[name=attachments]").set_input_files(
        str(pdf_file(folder, "specialist-letter.pdf"))
    )
    somsak.press("main form button.govuk-button")
    assert somsak.path() == case_path(case), error_summary(somsak)
    assert somsak.page.locator("#status").inner_text() == "Information received"
    assert "specialist-letter.pdf" in main_text(somsak)


def somsak_reads_the_refusal_and_its_notice(somsak: Walker, case: Case) -> None:
    somsak.open("/account/applications/")
    somsak.press(f"main a[href='{case_path(case)}']")
    assert somsak.page.locator("#status").inner_text() == "Refused"
    reasons = "\n".join(somsak.page.locator("#decision ~ p.og-reason").all_inner_texts())
    assert GENERIC_REFUSAL in reasons and EXPLANATION in reasons, reasons
    somsak.press("main a[href$='/notice/']")
    notice = somsak.page.locator("#notice").inner_text()
    assert case.reference in notice and EXPLANATION in notice, notice
    assert somsak.page.locator("#how-to-ask-for-a-review").count() == 1
    somsak.shot("notice")
    pdf_url = somsak.page.locator("#notice-pdf").get_attribute("href")
    assert pdf_url
    answer = somsak.page.request.get(somsak.site + pdf_url)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/pdf")
    assert answer.body()[:5] == b"%PDF-"


# --- the story ------------------------------------------------------------------------------


def test_somsak_renews_with_a_medical_declaration_decided_by_two_officers(browsers, tmp_path):
    parts: list[float] = []
    somsak = browsers.person(story=STORY)
    officer = browsers.person(story=STORY)
    lead = browsers.person(story=STORY)
    # one numbering for the story's tour, whoever's screen it is
    officer.shots = lead.shots = somsak.shots

    # Somsak applies and is told an officer will decide
    somsak.sign_in(citizen_account(SOMSAK))
    signed_in = len(somsak.screens)
    with stopwatch(parts):
        application = somsak_applies(somsak, tmp_path)
    run_tasks()  # the worker: the case opens and the rules refer it
    case = Case.objects.get(application=application)
    assert case.status == CaseStatus.REFERRED, case.rules
    with stopwatch(parts):
        somsak_sees_it_is_with_an_officer(somsak, case)

    # the case worker asks for a letter from his specialist
    officer.sign_in(staff_account("caseworker.transport"))
    officer_mark = len(officer.screens)
    officer_takes_the_case(officer, case)
    officer_reads_answers_facts_and_rules(officer)
    officer.shot("case-worker")
    officer_requests_information(officer, case)
    assert fresh(case).status == CaseStatus.INFORMATION_REQUESTED

    # Somsak answers from his case page
    with stopwatch(parts):
        somsak_answers_with_words_and_a_letter(somsak, case, tmp_path)
    assert fresh(case).status == CaseStatus.INFORMATION_RECEIVED

    # the case worker takes it again and proposes a refusal; the team lead confirms it
    officer_takes_the_case(officer, case)
    officer_proposes_a_refusal(officer, case)
    assert fresh(case).status == CaseStatus.IN_REVIEW
    lead.sign_in(staff_account("teamlead.transport"))
    lead_mark = len(lead.screens)
    lead_confirms_the_refusal(lead, case)
    refused = fresh(case)
    assert refused.status == CaseStatus.REFUSED
    assert refused.decided_by_id != refused.confirmed_by_id

    # Somsak reads the decision, its reasons and the notice
    with stopwatch(parts):
        somsak_reads_the_refusal_and_its_notice(somsak, case)

    screens = somsak.screens_since(signed_in)
    registry_facts = somsak.keystrokes(prefilled_fields(LICENCE))
    assert registry_facts == 0  # his ID number and address came from the registers
    outcome_record(
        Outcome(
            story=STORY,
            language="en",
            screens=len(screens),
            typed_fields=somsak.fields_typed(),
            registry_facts_typed=registry_facts,
            seconds=round(sum(parts), 1),
            paper=False,
            visit=False,
            notes=(
                "Referred for a medical declaration; information requested and answered with an "
                "upload; refused by a case worker and confirmed by a team lead (four eyes). "
                "Includes two wrong dates corrected."
            ),
            extra={
                "screen_paths": [without_ids(path) for path in screens],
                "case_worker_screens": len(officer.screens_since(officer_mark)),
                "team_lead_screens": len(lead.screens_since(lead_mark)),
            },
        )
    )
