"""Service performance in a real browser, as the people who use it meet it.

* A visitor applies for an electronic travel authority in the browser (the cases journey's
  helpers) and, on the confirmation page, answers the satisfaction survey with a comment: the
  thank-you page. Answering again from the confirmation page is thanked but not counted. The
  worker decides (in this process), the periodic aggregation runs (``measures_aggregate``), and
  the service owner reads on the dashboard one application, sent online, decided by the rules,
  and one "Very satisfied" answer; the comment is on the comments page.
* With JavaScript off: the fishing permit's dashboard draws its four charts (server-rendered
  SVG, whole-number ticks on the count axis), the table behind each opens from its "Show the
  numbers" link and reads the day's numbers, and the period and version form (a GET) gives the
  figures of the period and version chosen, worked out by hand.
* The owner enters last month's paper and phone applications on the figures form; the
  dashboard's digital take-up, transactions and cost per transaction for that month change to
  the values worked out by hand.

The site is the pages module's (``insights_site``): the demo services and the fishing permit in
two versions, with its service owner.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from onegate.cases.tests.factories import visitor_account
from onegate.core.languages import format_date
from onegate.definitions.tests.support import SLUG
from onegate.insights.models import SatisfactionResponse
from onegate.insights.services.aggregation import measures_aggregate
from onegate.insights.tests.measure_rows import ASSISTED, PAPER, counted
from onegate.runner.models import Application
from tests.browser.cases_support import (  # noqa: F401 (fixtures)
    Person,
    cases_site_fixture,
    error_summary,
    main_text,
    person_at_fixture,
    run_tasks,
    runner_site_fixture,
    session_cookie,
)
from tests.browser.test_cases_journeys import ETA, accept_and_send, apply_for_a_travel_authority
from tests.browser.test_insights_pages import (  # noqa: F401 (the fixture)
    DASHBOARD,
    K,
    Site,
    card_value,
    days_ago,
    history_write,
    insights_site_fixture,
)

COMMENT = "Easy to follow. I would like to know sooner which photo is accepted."
THANKS = "Thank you for your feedback"
CHARTS = ("chart-channels", "chart-completion", "chart-decision", "chart-satisfaction")
SHOW = "main form.og-period-form button.govuk-button"


# --- the survey, and what the owner reads --------------------------------------------------------


def survey_answer(person: Person, rating: str, comment: str) -> str:
    """Answer the survey on the page (the confirmation page's form); the panel's text."""
    person.page.locator(f"#feedback input[name=rating][value='{rating}']").check()
    person.type("#feedback textarea[name=comment]", comment)
    person.press("#feedback button.govuk-button")
    assert not error_summary(person), error_summary(person)
    return str(person.page.locator(".govuk-panel").inner_text())


def row_cells(person: Person, table: str, name: str) -> list[str]:
    """The cells of the row whose header cell starts with ``name`` in ``table`` (a CSS
    selector)."""
    starts = re.compile(rf"^\s*{re.escape(name)}")
    row = person.page.locator(f"{table} tbody tr").filter(
        has=person.page.locator("th", has_text=starts)
    )
    return [text.strip() for text in row.first.locator("th, td").all_inner_texts()]


def card_detail(person: Person, label: str) -> str:
    found = person.page.locator("#headline li.og-figure").filter(
        has=person.page.locator(".og-figure__label", has_text=label)
    )
    return str(found.locator(".og-figure__detail").inner_text())


def test_a_visitor_rates_the_service_and_its_owner_reads_it(person_at, insights_site: Site):
    user, _who = visitor_account()
    visitor = person_at(session_cookie(user))
    apply_for_a_travel_authority(visitor)
    accept_and_send(visitor)
    confirmation = visitor.path()
    assert visitor.page.locator("#feedback").is_visible()  # the survey is on the confirmation

    assert survey_answer(visitor, "5", COMMENT).startswith(THANKS)
    visitor.go(confirmation)
    assert survey_answer(visitor, "1", "Second thoughts.").startswith(THANKS)
    assert visitor.page.get_by_text("You have already answered for this application").is_visible()
    answers = SatisfactionResponse.objects.values_list("rating", "comment", "created_at")
    assert [answer[:2] for answer in answers] == [(5, COMMENT)]  # the second was not kept
    answered_on = format_date(answers[0][2], "en")

    run_tasks()  # what the worker beside the live server does: the rules decide
    measures_aggregate()  # what the periodic job does every five minutes

    owner = person_at(session_cookie(insights_site.owner))
    owner.go("/service-performance/")
    listed = row_cells(owner, "main table", "Apply for an electronic travel authority")
    assert listed[1:] == ["1", "100.0%", "100.0%", "100.0%"], listed
    owner.press(f"main a[href='/service-performance/{ETA}/']")
    assert card_value(owner, "Transactions") == "1"
    assert card_detail(owner, "Transactions") == "1 online"
    assert card_value(owner, "Completion rate") == "100.0%"
    assert card_detail(owner, "Completion rate") == "1 sent of 1 started"
    assert card_value(owner, "Decided automatically") == "100.0%"
    assert card_value(owner, "Satisfaction") == "100.0%"
    assert card_detail(owner, "Satisfaction") == "1 answer"  # one, in the singular
    assert row_cells(owner, "#ratings + div table", "Very satisfied")[1:] == ["1", "100.0%"]
    assert row_cells(owner, "#ratings + div table", "Very dissatisfied")[1:] == ["0", "0.0%"]
    assert row_cells(owner, "#channels + div table", "Online")[1:] == ["1", "100.0%"]

    owner.press(f"main a[href^='/service-performance/{ETA}/comments/']")
    comments = main_text(owner)
    assert COMMENT in comments, comments
    assert f"Very satisfied · {answered_on}" in comments
    assert "Second thoughts." not in comments
    assert Application.objects.get(service_slug=ETA).user_id == user.pk  # one application


# --- without JavaScript --------------------------------------------------------------------------


def choose_period(person: Person, start: dt.date, end: dt.date) -> None:
    person.page.locator("input[name=days][value=custom]").check()
    person.type("#period-from", start.isoformat())
    person.type("#period-to", end.isoformat())
    person.press(SHOW)
    assert not error_summary(person), error_summary(person)


def test_without_javascript_the_charts_and_their_tables_read_and_the_period_form_works(
    person_at, insights_site: Site
):
    history_write()
    owner = person_at(session_cookie(insights_site.owner), javascript=False)
    owner.go(DASHBOARD)

    for chart in CHARTS:
        drawn = owner.page.locator(f"svg#{chart}")
        assert drawn.is_visible(), chart
        box = drawn.bounding_box()
        assert box is not None and box["height"] > 150, (chart, box)
    # the busiest days sent 10: the count axis goes 0, 5, 10 (no half applications)
    ticks = owner.page.locator("#chart-channels text.og-chart__tick").all_text_contents()
    assert ticks == ["0", "5", "10"], ticks

    # the numbers behind the first chart: closed, then opened by its link (no script needed)
    block = owner.page.locator("#chart-channels-block")
    assert not block.locator("table").is_visible()
    block.locator("summary").click()
    assert block.locator("table").is_visible()
    assert block.locator("tbody tr").count() == 30  # a row a day
    table = "#chart-channels-block table"
    # a day of version 2 (7 online, 2 assisted, 1 keyed in), of version 1 (5 online), today
    assert row_cells(owner, table, format_date(days_ago(3), "en"))[1:] == ["7", "2", "1", "10"]
    assert row_cells(owner, table, format_date(days_ago(20), "en"))[1:] == ["5", "2", "1", "8"]
    assert row_cells(owner, table, format_date(days_ago(0), "en"))[1:] == ["0", "0", "0", "0"]
    owner.page.locator("#chart-completion-block summary").click()
    completion = "#chart-completion-block table"
    assert row_cells(owner, completion, format_date(days_ago(3), "en"))[1:] == ["83.3%"]  # 10/12

    # the last 7 days: the 6 days before today, 10 sent each, 7 of them online
    owner.page.locator("input[name=days][value='7']").check()
    owner.press(SHOW)
    assert "days=7" in owner.path()
    period = owner.page.locator("#period").inner_text()
    assert period.startswith(
        f"{format_date(days_ago(6), 'en')} to {format_date(days_ago(0), 'en')}"
    )
    assert card_value(owner, "Transactions") == "60"
    assert card_value(owner, "Digital take-up") == "70.0%"  # 42 of 60

    # dates typed: 20 to 15 days ago, six days of version 1 (8 sent of 12 started, 5 online)
    choose_period(owner, days_ago(20), days_ago(15))
    assert card_value(owner, "Transactions") == "48"
    assert card_value(owner, "Digital take-up") == "62.5%"  # 30 of 48
    assert card_value(owner, "Completion rate") == "66.7%"  # 48 of 72

    # version 2 alone over the last 30 days: 14 days of 10 sent, 7 online; no costs per version
    owner.page.locator("input[name=days][value='30']").check()
    owner.page.locator("select#version").select_option("2")
    owner.press(SHOW)
    assert "version=2" in owner.path()
    assert card_value(owner, "Transactions") == "140"
    assert card_value(owner, "Digital take-up") == "70.0%"  # 98 of 140
    assert card_value(owner, "Cost per transaction") == "Not for one version"
    assert owner.page.locator("svg.og-chart").count() == len(CHARTS)


# --- the owners' figures -------------------------------------------------------------------------


def last_month_days() -> tuple[dt.date, dt.date]:
    end = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def last_month_rows() -> None:
    """On the 10th of last month: 40 started, 25 sent (20 online, 3 assisted, 2 keyed in)."""
    day = last_month_days()[0] + dt.timedelta(days=9)
    counted(day, K.STARTED, 40)
    counted(day, K.SUBMITTED, 20)
    counted(day, K.SUBMITTED, 3, channel=ASSISTED)
    counted(day, K.SUBMITTED, 2, channel=PAPER)


def test_the_owner_enters_last_months_paper_volume_and_the_take_up_changes(
    person_at, insights_site: Site
):
    last_month_rows()
    first, end = last_month_days()
    month = f"{first:%Y-%m}"
    owner = person_at(session_cookie(insights_site.owner))
    owner.go(DASHBOARD)
    choose_period(owner, first, end)
    # 20 online of 25; the definition's baseline: 23 digital at 10 baht, 2 on paper at 200
    assert card_value(owner, "Digital take-up") == "80.0%"
    assert card_value(owner, "Transactions") == "25"
    assert card_value(owner, "Cost per transaction") == "25.20 baht"  # 630 / 25

    owner.press(f"main nav a[href='/service-performance/{SLUG}/figures/']")
    owner.press(f"main a[href='/service-performance/{SLUG}/figures/{month}/']")
    owner.type("#id_paper_applications", "15")
    owner.type("#id_phone_applications", "10")
    owner.type("#id_note", "The post room's tally for the month.")
    owner.press("main form[method=post] button.govuk-button")
    assert not error_summary(owner), error_summary(owner)
    assert owner.path() == f"/service-performance/{SLUG}/figures/"
    assert f"The figures for {first:%B %Y} are saved." in owner.page.content()
    saved = row_cells(owner, "main table", f"{first:%B %Y}")
    assert saved[1:3] == ["15", "10"], saved

    owner.go(DASHBOARD)
    choose_period(owner, first, end)
    # 20 online of 25 sent + 15 on paper + 10 by phone = 50
    assert card_value(owner, "Transactions") == "50"
    assert card_value(owner, "Digital take-up") == "40.0%"
    # 23 digital at 10 baht + (2 + 15 + 10) on paper at 200 = 5,630 baht, over 50
    assert card_value(owner, "Cost per transaction") == "112.60 baht"
    assert card_value(owner, "Savings against paper") == "4,370.00 baht"  # 50 * 200 - 5,630
    outside = row_cells(owner, "#channels + div table", "Paper, outside OneGate")
    assert outside[1:] == ["15", "30.0%"], outside
    assert row_cells(owner, "#channels + div table", "Phone")[1:] == ["10", "20.0%"]
