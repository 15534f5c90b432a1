"""Cases in a real browser, from the person's first click to the decision and its review.

* An electronic travel authority: a visitor applies page by page, sends it, the worker runs (in
  this process: there is no worker beside the live server) and "Your applications" and the case
  page say Approved, with the reason, within seconds. The notice opens as a page and as a PDF.
  The seconds go to test-artifacts/cases-journeys.json.
* A driving-licence renewal with a medical declaration: the rules refer it; a case worker takes
  it from the queue, sees the answers, the facts with their source and what the rules found, and
  asks for information; the driver answers with words and a PDF; the case is back in the queue;
  the case worker takes it again and proposes a refusal, which they cannot confirm themselves; a
  team lead confirms it; the driver reads the refusal and its notice and asks for a review,
  which is a new case that neither officer may take, and another officer takes.
* Bad input on the way: a decision with nothing chosen, a decision made on a page someone else
  has acted on since (two tabs), an empty answer.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from django.utils import timezone

from onegate.cases.constants import CaseStatus
from onegate.cases.models import Case
from onegate.cases.tests.factories import citizen_account, staff, visitor_account
from onegate.core.languages import format_date
from onegate.identity.constants import StaffRole
from onegate.runner.models import Application
from tests.browser.cases_support import (  # noqa: F401 (fixtures)
    Person,
    artifact_update,
    cases_site_fixture,
    error_summary,
    main_text,
    person_at_fixture,
    run_tasks,
    runner_site_fixture,
    session_cookie,
)
from tests.browser.test_runner_journey import CONTINUE, SEND, START_NOW, registered_address
from tests.browser.test_runner_nojs import choose, pdf_file, type_date, type_thai_address

ETA = "electronic-travel-authority"
LICENCE = "renew-driving-licence"
ETA_REASON = "You meet every condition for an electronic travel authority."
# The ceiling on the wall time from "Accept and send" to the approval on the case page, the
# worker's run included (the target is p95 < 5 s; bench/ measures that properly).
ETA_CEILING_SECONDS = 30


def on_page(person: Person, page_id: str) -> None:
    path = person.path()
    assert f"/page/{page_id}/" in path, f"expected {page_id}, at {path}: {error_summary(person)}"
    assert not error_summary(person), error_summary(person)


# --- an electronic travel authority, approved by the rules ---------------------------------------


def apply_for_a_travel_authority(person: Person) -> None:
    """From the service page to check your answers, as a visitor does it: a two-week holiday in
    a month's time, a hotel, no conviction, no yellow fever."""
    person.go(f"/services/{ETA}/")
    person.press(START_NOW)
    person.start_if_single()
    # the passport and the date of birth come from the travel-document register: not a screen
    on_page(person, "your_trip")
    arrival = timezone.localdate() + dt.timedelta(days=30)
    type_date(person, "arrival_date", arrival, "en")
    type_date(person, "departure_date", arrival + dt.timedelta(days=14), "en")
    person.press(CONTINUE)
    answer_after_the_trip(person, house_number="2", email="emily@example.test")


def answer_after_the_trip(person: Person, *, house_number: str, email: str) -> None:
    """From the purpose page to check your answers: a holiday, a hotel at ``house_number``, an
    email address, no conviction, no yellow fever (the journeys' visitors answer the same)."""
    on_page(person, "purpose_of_visit")
    choose(person, "purpose", "tourism")
    person.press(CONTINUE)
    on_page(person, "stay_in_thailand")
    person.page.locator("select[name=accommodation]").select_option("hotel")
    type_thai_address(person, "address_in_thailand", house_number=house_number)
    person.type("input[name=email]", email)
    person.press(CONTINUE)
    on_page(person, "criminal_record")
    choose(person, "convicted", "no")
    person.press(CONTINUE)
    on_page(person, "health")
    choose(person, "yellow_fever_country", "no")
    person.press(CONTINUE)
    assert person.path().endswith("/check-answers/"), person.path()


def accept_and_send(person: Person) -> None:
    declaration = person.page.locator("input[name=declaration]")
    if declaration.count():
        declaration.check()
    person.press(SEND)
    assert person.path().endswith("/sent/"), f"{person.path()}: {error_summary(person)}"


def status_lines(person: Person) -> str:
    """The "Where it stands" lines of Your applications."""
    person.go("/account/applications/")
    return main_text(person)


def test_a_travel_authority_is_approved_within_seconds_with_its_reason(person_at, cases_site):
    user, _who = visitor_account()
    person = person_at(session_cookie(user))
    apply_for_a_travel_authority(person)

    started = time.perf_counter()
    accept_and_send(person)
    run_tasks()  # what the worker beside the live server does
    listed = status_lines(person)
    person.press("main .govuk-summary-list__actions a[href*='/account/applications/case/']")
    status = person.page.locator("#status").inner_text()
    seconds = time.perf_counter() - started

    application = Application.objects.get()
    case = Case.objects.get(application=application)
    assert case.status == CaseStatus.APPROVED, case.rules
    assert "Approved" in listed, listed
    assert f"Decided on {format_date(timezone.localdate(case.decided_at), 'en')}" in listed
    assert status == "Approved"
    shown = main_text(person)
    assert case.reference in shown
    assert ETA_REASON in shown
    assert "Decided automatically by the service's rules" in shown
    artifact_update("cases-journeys.json", {"eta_sent_to_approved_seconds": round(seconds, 2)})
    sys.stdout.write(f"\nETA: sent to approved on the case page in {seconds:.2f} s\n")
    assert seconds < ETA_CEILING_SECONDS

    # the notice, as a page and as a PDF
    person.press("main a[href$='/notice/']")
    notice = person.page.locator("#notice").inner_text()
    assert ETA_REASON in notice
    assert case.reference in notice
    pdf_url = person.page.locator("#notice-pdf").get_attribute("href")
    assert pdf_url
    answer = person.page.request.get(person.site + pdf_url)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/pdf")
    assert answer.body()[:5] == b"%PDF-"


# --- a driving-licence renewal with a medical declaration, decided by officers ------------------

QUESTION = "Please send a letter from your diabetes specialist saying you are fit to drive."
ANSWER = "Here is the letter from Dr Somsak at Siriraj Hospital."
EXPLANATION = "The letter is not signed, so we cannot accept it."
REVIEW_REASON = "The letter was signed: the signature is on the second page."
TAKE_NEXT = "main form[action$='/casework/take-next/'] button"
STAFF_SUBMIT = "main form[method=post] .govuk-button-group button.govuk-button"


def apply_to_renew_with_a_medical_condition(person: Person, folder: Path) -> None:
    """From the service page to check your answers: a car licence expiring in 40 days, diabetes
    treated with insulin and a medical certificate (a PDF), the ID card photo, collected."""
    person.go(f"/services/{LICENCE}/")
    person.press(START_NOW)
    person.start_if_single()
    on_page(person, "your_licence")
    person.type("input[name=licence_number]", "63001234")
    choose(person, "licence_class", "car")
    type_date(person, "licence_expires_on", timezone.localdate() + dt.timedelta(days=40), "en")
    person.press(CONTINUE)
    on_page(person, "medical")
    choose(person, "medical_condition", "yes")
    choose(person, "medical_conditions", "diabetes_insulin")  # revealed under "Yes"
    person.page.locator("input[name=medical_certificate]").set_input_files(
        str(pdf_file(folder, "certificate.pdf"))
    )
    type_date(person, "certificate_date", timezone.localdate() - dt.timedelta(days=5), "en")
    person.press(CONTINUE)
    on_page(person, "photo")
    choose(person, "photo_source", "id_card")
    person.press(CONTINUE)
    on_page(person, "delivery")
    choose(person, "collect_or_post", "collect")
    person.press(CONTINUE)
    assert person.path().endswith("/check-answers/"), f"{person.path()}: {error_summary(person)}"
    assert "certificate.pdf" in main_text(person)


def case_path(case: Case) -> str:
    return f"/account/applications/case/{case.reference}/"


def staff_path(case: Case) -> str:
    return f"/casework/cases/{case.reference}/"


def take_next(officer: Person) -> None:
    officer.go("/casework/")
    officer.press(TAKE_NEXT)


def fresh(case: Case) -> Case:
    return Case.objects.select_related("assigned_to").get(pk=case.pk)


def driver_sends_and_is_referred(driver: Person, folder: Path) -> Case:
    apply_to_renew_with_a_medical_condition(driver, folder)
    accept_and_send(driver)
    run_tasks()
    case = Case.objects.get()
    assert case.status == CaseStatus.REFERRED, case.rules
    driver.go(case_path(case))
    assert driver.page.locator("#status").inner_text() == "Waiting for an officer"
    what_next = driver.page.locator("#what-next").inner_text()
    assert "An officer at" in what_next and "will decide" in what_next, what_next
    assert format_date(case.sla_due_on, "en") in what_next
    return case


def officer_sees_the_queue_and_takes_the_case(officer: Person, case: Case) -> None:
    officer.go("/casework/")
    queues = officer.page.locator("main table").inner_text()
    assert "Renew your driving licence" in queues, queues
    officer.go("/casework/queue/")
    row = officer.page.locator(f"main tbody tr:has(a[href='{staff_path(case)}'])")
    assert row.count() == 1, main_text(officer)
    assert format_date(case.sla_due_on, "en") in row.inner_text()  # its due date
    take_next(officer)
    assert officer.path() == staff_path(case), f"{officer.path()}: {error_summary(officer)}"


def officer_sees_answers_facts_and_rules(officer: Person) -> None:
    page = officer.page
    application = page.locator("main").inner_text()
    for answer in ("63001234", "Diabetes treated with insulin", "certificate.pdf"):
        assert answer in application, answer
    facts = page.locator("#facts + .og-table-scroll table").inner_text()
    assert "National ID number" in facts, facts
    assert "the population register" in facts, facts  # where the fact came from
    rules = page.locator("#rules ~ dl").first.inner_text()
    assert "Refer to an officer" in rules and "medical_condition_declared" in rules, rules


def officer_asks_for_information(officer: Person, case: Case) -> None:
    officer.press("main a[href$='/request-information/']")
    officer.type("textarea[name=question]", QUESTION)
    officer.press(STAFF_SUBMIT)
    assert officer.path() == staff_path(case), error_summary(officer)
    assert "Your request is sent to the person" in officer.page.content()
    assert fresh(case).status == CaseStatus.INFORMATION_REQUESTED


def driver_answers(driver: Person, case: Case, folder: Path) -> None:
    listed = status_lines(driver)
    assert "Information needed — answer by" in listed, listed
    driver.go(case_path(case))
    assert driver.page.locator("#status").inner_text() == "Information needed from you"
    assert QUESTION in driver.page.locator("#open-request").inner_text()
    driver.press("#open-request a.govuk-button")
    send = "main form button.govuk-button"
    driver.press(send)  # an empty answer
    assert "Enter your answer or upload a file" in error_summary(driver)
    driver.type("textarea[name=answer]", ANSWER)
    driver.page.locator("input[name=attachments]").set_input_files(
        str(pdf_file(folder, "specialist-letter.pdf"))
    )
    driver.press(send)
    assert driver.path() == case_path(case), error_summary(driver)
    assert driver.page.locator("#status").inner_text() == "Information received"
    assert "specialist-letter.pdf" in main_text(driver)
    answered = fresh(case)
    assert answered.status == CaseStatus.INFORMATION_RECEIVED and answered.assigned_to is None


def second_tab(person: Person, path: str) -> Person:
    """The same officer's browser, another tab, at ``path``."""
    tab = Person(context=person.context, page=person.context.new_page(), site=person.site)
    tab.page.goto(person.site + path)
    return tab


def officer_proposes_a_refusal(officer: Person, case: Case) -> Person:
    """Decide: first with nothing chosen, then a refusal with a reason and an explanation. The
    decide page stays open in a second tab, drawn before the refusal (returned)."""
    assert "specialist-letter.pdf" in officer.page.locator("#requests ~ dl").first.inner_text()
    officer.press("main a[href$='/decide/']")
    decide_path = officer.path()
    stale_tab = second_tab(officer, decide_path)
    officer.press(STAFF_SUBMIT)  # nothing chosen
    assert officer.page.title().startswith("Error:")
    assert "Choose whether to approve or refuse." in error_summary(officer)
    choose(officer, "outcome", "refuse")
    choose(officer, "refuse_template", "generic:evidence_not_accepted")  # revealed under Refuse
    officer.type("textarea[name=explanation]", EXPLANATION)
    officer.press(STAFF_SUBMIT)
    assert officer.path() == staff_path(case), error_summary(officer)
    page = officer.page.content()
    assert "A second officer must confirm it before the person is told." in page
    assert "It is waiting for a second officer to confirm or reject the refusal." in page
    proposed = fresh(case)
    assert proposed.status == CaseStatus.IN_REVIEW and proposed.refusal_proposal
    return stale_tab


def officer_cannot_confirm_their_own_refusal(officer: Person, case: Case) -> None:
    page = officer.page
    assert page.locator("form[action$='/confirm-refusal/']").count() == 0  # not offered
    # and a confirmation sent anyway (a form kept from elsewhere) is refused, saying why
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    answer = page.request.post(
        officer.site + staff_path(case) + "confirm-refusal/",
        form={"csrfmiddlewaretoken": token or "", "lock_version": str(fresh(case).lock_version)},
        headers={"Referer": officer.site + staff_path(case)},
    )
    assert answer.status == 409, answer.status
    assert "You proposed this refusal, so a different officer must confirm" in answer.text()
    assert fresh(case).status == CaseStatus.IN_REVIEW


def a_stale_decision_is_refused(stale_tab: Person, case: Case) -> None:
    """The tab drawn before the refusal approves: refused, nothing changed."""
    before = fresh(case)
    choose(stale_tab, "outcome", "approve")
    choose(stale_tab, "approve_template", "generic:evidence_accepted")
    stale_tab.press(STAFF_SUBMIT)
    assert "Someone else changed this case since you opened it." in error_summary(stale_tab)
    after = fresh(case)
    assert (after.status, after.lock_version, after.outcome) == (
        before.status,
        before.lock_version,
        before.outcome,
    )
    assert after.refusal_proposal == before.refusal_proposal
    stale_tab.page.close()


def lead_confirms_the_refusal(lead: Person, case: Case) -> None:
    lead.go("/casework/queue/?status=in_review")
    row = lead.page.locator(f"main tbody tr:has(a[href='{staff_path(case)}'])")
    assert "Refusal waiting for a second officer" in row.inner_text()
    lead.press(f"main a[href='{staff_path(case)}']")
    assert "Proposed refusal" in main_text(lead)
    lead.press("main form[action$='/confirm-refusal/'] button")
    assert lead.path() == staff_path(case), error_summary(lead)
    assert "You confirmed the refusal." in lead.page.content()
    refused = fresh(case)
    assert refused.status == CaseStatus.REFUSED
    assert refused.decided_by_id != refused.confirmed_by_id


def driver_reads_the_refusal_and_asks_for_a_review(driver: Person, case: Case) -> Case:
    driver.go(case_path(case))
    assert driver.page.locator("#status").inner_text() == "Refused"
    reasons = driver.page.locator("#decision ~ p.og-reason").all_inner_texts()
    joined = "\n".join(reasons)
    assert "The evidence you gave does not show that you meet the conditions." in joined
    assert EXPLANATION in joined
    driver.press("main a[href$='/notice/']")
    notice = driver.page.locator("#notice").inner_text()
    assert EXPLANATION in notice
    assert driver.page.locator("#how-to-ask-for-a-review").count() == 1
    driver.go(case_path(case))
    driver.press("main a[href$='/review/']")
    driver.type("textarea[name=reason]", REVIEW_REASON)
    driver.press("main form button.govuk-button")
    review = Case.objects.get(review_of=case)
    assert driver.path() == case_path(review), error_summary(driver)
    assert review.reference != case.reference
    assert case.reference in driver.page.locator("#review-of").inner_text()
    assert fresh(case).status == CaseStatus.CLOSED
    return review


def nothing_to_take(officer: Person) -> None:
    take_next(officer)
    assert officer.path() == "/casework/", officer.path()
    assert "No cases are waiting" in officer.page.content()


def test_a_renewal_with_a_medical_declaration_goes_to_officers_and_is_reviewed(
    person_at, cases_site, tmp_path
):
    user, who = citizen_account()
    registered_address(who)
    driver = person_at(session_cookie(user))
    case = driver_sends_and_is_referred(driver, tmp_path)

    worker, lead = staff(StaffRole.CASE_WORKER), staff(StaffRole.TEAM_LEAD)
    officer = person_at(session_cookie(worker))
    officer_sees_the_queue_and_takes_the_case(officer, case)
    officer_sees_answers_facts_and_rules(officer)
    officer_asks_for_information(officer, case)

    driver_answers(driver, case, tmp_path)

    officer.go("/casework/queue/")  # back in the queue
    assert officer.page.locator(f"main a[href='{staff_path(case)}']").count() == 1
    take_next(officer)
    assert officer.path() == staff_path(case)
    stale_tab = officer_proposes_a_refusal(officer, case)
    officer_cannot_confirm_their_own_refusal(officer, case)
    a_stale_decision_is_refused(stale_tab, case)

    boss = person_at(session_cookie(lead))
    lead_confirms_the_refusal(boss, case)

    review = driver_reads_the_refusal_and_asks_for_a_review(driver, case)

    # a different officer decides the review: not the one who proposed, nor the one who confirmed
    nothing_to_take(officer)
    nothing_to_take(boss)
    assert fresh(review).assigned_to is None
    other = person_at(session_cookie(staff(StaffRole.CASE_WORKER)))
    take_next(other)
    assert other.path() == staff_path(review), f"{other.path()}: {error_summary(other)}"
    assert "Review of the refused case" in main_text(other)
    assert fresh(review).status == CaseStatus.IN_REVIEW
