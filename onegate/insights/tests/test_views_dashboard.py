"""The service owners' dashboard, read as a person would: known daily aggregate rows in, the
figures worked out by hand on the page (English and Thai), the period and version forms with
their errors, two versions compared, the owners' figures form and the survey comments.

The rows are written relative to today (Bangkok), so the default period (the last 30 days) holds
them all whatever day the tests run: 40 applications started, 25 sent (20 online, 3 assisted, 2
paper), 22 decided (18 by the rules), 12 ratings, the funnel of both pages.
"""

from __future__ import annotations

import datetime as dt
import html as html_text
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from onegate.audit.constants import InsightsAction
from onegate.audit.models import AuditEvent
from onegate.identity.constants import StaffRole
from onegate.identity.tests.organisation_fixtures import staff_member
from onegate.insights.constants import EventKind
from onegate.insights.models import SatisfactionResponse, ServicePeriodInput
from onegate.insights.tests.measure_rows import (
    ASSISTED,
    PAPER,
    SLUG,
    counted,
    fishing_v2,
    published_fishing,  # noqa: F401 (the fixture "owner")
    timed,
)

pytestmark = pytest.mark.usefixtures("owner")

K = EventKind


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def recent_rows(version: int = 1) -> None:
    """The figures of the module's docstring, 2 and 9 days ago, for ``version``."""
    near, far = days_ago(2), days_ago(9)
    counted(far, K.STARTED, 40, version=version)
    counted(far, K.SUBMITTED, 12, version=version)
    counted(near, K.SUBMITTED, 8, version=version)
    counted(near, K.SUBMITTED, 3, channel=ASSISTED, version=version)
    counted(near, K.SUBMITTED, 2, channel=PAPER, version=version)
    # Time to complete, 10 durations: 5 of 256 s, 4 of 1024 s, 1 of 4096 s.
    timed(far, K.SUBMITTED, 256, 5, version=version)
    timed(near, K.SUBMITTED, 1024, 4, version=version)
    timed(near, K.SUBMITTED, 4096, 1, channel=ASSISTED, version=version)
    # 22 decisions: the rules approve 18 in 2 s; officers approve 4 in 131072 s, one late.
    counted(near, K.DECIDED, 18, outcome="approve", decided_how="rules", sla="met", version=version)
    counted(
        near, K.DECIDED, 3, outcome="approve", decided_how="officer", sla="met", version=version
    )
    counted(
        near, K.DECIDED, 1, outcome="approve", decided_how="officer", sla="missed", version=version
    )
    timed(near, K.DECIDED, 2, 18, decided_how="rules", version=version)
    timed(near, K.DECIDED, 131072, 4, decided_how="officer", version=version)
    for rating, n in ((1, 1), (2, 1), (3, 2), (4, 3), (5, 5)):
        counted(near, K.RATED, n, rating=rating, version=version)
    pages = [
        ("trip", K.PAGE_VIEWED, 40),
        ("trip", K.PAGE_COMPLETED, 36),
        ("trip", K.PAGE_INVALID, 8),
        ("boat_details", K.PAGE_VIEWED, 10),
        ("boat_details", K.PAGE_COMPLETED, 9),
        ("boat_details", K.PAGE_INVALID, 1),
    ]
    for page_id, kind, n in pages:
        counted(far, kind, n, page_id=page_id, version=version)


# What the page shows for those rows, worked out by hand.
HAND_COMPUTED = {
    "transactions": "25",
    "take_up": "80.0%",  # 20 online of 25 (no paper or phone figures given)
    "completion": "62.5%",  # 25 sent of 40 started
    # Percentiles read back a bucket's geometric middle: a duration of 2**k s reads as
    # 2**(k + 1/16) s. Median (5th of 10) 256 s -> 267.3 s; p90 (9th) 1024 s -> 1069.3 s.
    "complete_median": "4 min 27 s",
    "complete_p90": "17 min 49 s",
    # Median (11th of 22) 2 s -> 2.09 s; p90 (20th) 131072 s -> 136875 s = 1 day 14 h 1 min.
    "decision_median": "2 s",
    "decision_p90": "1 day 14 h",
    "automatic": "81.8%",  # 18 of 22
    "sla": "95.5%",  # 21 of 22
    "satisfaction": "66.7%",  # 8 of 12 (4s and 5s)
    # The definition's baseline: 200 baht on paper, 10 digital. 23 digital + 2 paper:
    # (23 * 10 + 2 * 200) / 25 = 630 / 25 = 25.20; savings 25 * 200 - 630 = 4,370.00.
    "cost": "25.20 baht",
    "savings": "4,370.00 baht",
}


def page_url(name: str, **kwargs: Any) -> str:
    return reverse(f"insights:{name}", kwargs=kwargs or None)


def text_of(response) -> str:
    """The page's text with tags and runs of white space collapsed, for plain assertions."""
    html = response.content.decode()
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.DOTALL)
    return html_text.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def card(text: str, label: str) -> str:
    """What follows a card's label on the page (its figure and detail)."""
    start = text.index(label) + len(label)
    return text[start : start + 60]


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


# --- the list of services ----------------------------------------------------------------------


def test_the_list_shows_the_agencys_services_with_their_figures(owner_client):
    recent_rows()

    response = owner_client.get(page_url("services"))

    assert response.status_code == 200
    text = text_of(response)
    assert "Get a fishing permit" in text
    assert "25 80.0% 62.5% 66.7%" in text
    assert page_url("service", slug=SLUG) in response.content.decode()


def test_the_service_designer_links_each_published_service_to_its_performance(owner_client):
    html = owner_client.get(reverse("definitions:services")).content.decode()

    assert f'href="{page_url("service", slug=SLUG)}"' in html


# --- one service -------------------------------------------------------------------------------


def test_the_service_page_shows_the_hand_computed_figures(owner_client):
    recent_rows()

    response = owner_client.get(page_url("service", slug=SLUG))

    assert response.status_code == 200
    text = text_of(response)
    assert card(text, "Transactions").startswith(" 25 20 online")
    assert card(text, "Digital take-up").startswith(" 80.0%")
    assert card(text, "Completion rate").startswith(" 62.5% 25 sent of 40 started")
    assert card(text, "Time to complete, median").startswith(" 4 min 27 s 90% within 17 min 49 s")
    assert card(text, "Time to decision, median").startswith(" 2 s 90% within 1 day 14 h")
    assert card(text, "Decided automatically").startswith(" 81.8% 22 decisions")
    assert card(text, "Decided within the service level").startswith(" 95.5%")
    assert card(text, "Satisfaction").startswith(" 66.7% 12 answers")
    assert card(text, "Cost per transaction").startswith(" 25.20 baht Digital: 10.00 baht each")
    assert card(text, "Savings against paper").startswith(" 4,370.00 baht Paper: 200.00 baht")


def test_the_funnel_marks_the_pages_where_people_fail_validation_most(owner_client):
    recent_rows()

    html = owner_client.get(page_url("service", slug=SLUG)).content.decode()

    funnel = html[html.index('id="funnel"') :]
    rows = re.findall(r'<tr class="govuk-table__row( og-funnel__worst)?">(.*?)</tr>', funnel, re.S)
    trip = next(row for row in rows if ">trip<" in row[1])
    boat = next(row for row in rows if ">boat_details<" in row[1])
    assert trip[0] and "Most errors" in trip[1]  # 8 of 40 seen: 20.0%
    assert "20.0%" in trip[1] and ">40<" in trip[1] and ">36<" in trip[1]
    assert boat[0] and "10.0%" in boat[1]  # among the 3 worst: the service has only 2 pages


def test_each_chart_is_an_accessible_svg_followed_by_its_table(owner_client):
    recent_rows()

    html = owner_client.get(page_url("service", slug=SLUG)).content.decode()

    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, flags=re.DOTALL)
    assert len(svgs) == 4
    for svg in svgs:
        chart_id = re.findall(r'id="([a-z-]+)"', svg)[0]
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert f'<title id="{chart_id}-title">' in svg
        assert "style=" not in svg
        after = html[html.index(svg) + len(svg) :]
        # The same numbers follow the chart, in a table that opens without JavaScript,
        # before anything else is drawn.
        next_chart = after.find("<svg") if "<svg" in after else len(after)
        assert after.index("<details") < after.index("<table") < next_chart
    assert "style=" not in html


def test_the_chart_tables_hold_the_days_numbers(owner_client):
    recent_rows()

    html = owner_client.get(page_url("service", slug=SLUG)).content.decode()

    block = html[
        html.index('id="chart-channels-block"') : html.index('id="chart-completion-block"')
    ]
    near = days_ago(2)
    row = re.findall(rf"{near.day} {near:%B %Y}</th>(.*?)</tr>", block, re.S)[0]
    cells = re.findall(r">([^<>]+)</td>", row)
    assert cells == ["8", "3", "2", "13"]  # online, assisted, paper, all


def test_the_page_is_in_thai_with_buddhist_era_dates(owner_client):
    recent_rows()

    with translation.override("th"):
        address = page_url("service", slug=SLUG)
    response = owner_client.get(address)

    assert address.startswith("/th/")
    text = text_of(response)
    today = timezone.localdate()
    assert str(today.year + 543) in text and f" {today.year} " not in text
    assert "ขอใบอนุญาตตกปลา" in text
    for figure in ("80.0%", "62.5%", "81.8%", "66.7%", "25.20"):
        assert figure in text


def test_a_reversed_period_shows_the_error_and_the_default_period(owner_client):
    recent_rows()
    start, end = days_ago(1), days_ago(5)

    response = owner_client.get(
        page_url("service", slug=SLUG), {"days": "custom", "from": start, "to": end}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "The start date must be on or before the end date" in html
    assert 'href="#period-from"' in html
    assert card(text_of(response), "Digital take-up").startswith(" 80.0%")  # last 30 days


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"days": "custom", "from": "2026-02-30"}, "Enter the start date as a real date"),
        ({"days": "custom", "from": "", "to": ""}, "Enter the start date of the period"),
        ({"days": "12"}, "Choose a period of 7, 30, 90 or 365 days"),
        ({"version": "99"}, "Choose a version from the list"),
    ],
)
def test_bad_choices_are_told_and_the_page_still_renders(owner_client, query, message):
    recent_rows()

    response = owner_client.get(page_url("service", slug=SLUG), query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Transactions" in text_of(response)


def test_a_future_or_too_long_period_is_refused(owner_client):
    future = owner_client.get(
        page_url("service", slug=SLUG), {"days": "custom", "from": days_ago(3), "to": days_ago(-3)}
    )
    too_long = owner_client.get(
        page_url("service", slug=SLUG),
        {"days": "custom", "from": days_ago(400), "to": days_ago(0)},
    )

    assert "The end date cannot be in the future" in future.content.decode()
    assert "The period can be at most 366 days" in too_long.content.decode()


def test_a_preset_wins_over_dates_left_in_the_form(owner_client):
    recent_rows()

    response = owner_client.get(
        page_url("service", slug=SLUG), {"days": "7", "from": days_ago(100), "to": days_ago(90)}
    )

    assert response.status_code == 200
    text = text_of(response)
    assert "There is a problem" not in text
    # 7 days: the rows of 2 days ago only: 13 sent, no start.
    assert card(text, "Transactions").startswith(" 13 8 online")


def test_one_version_shows_no_costs(owner_client, owner):
    recent_rows()
    fishing_v2(owner)
    counted(days_ago(1), K.SUBMITTED, 4, version=2)

    response = owner_client.get(page_url("service", slug=SLUG), {"version": "2"})

    text = text_of(response)
    assert card(text, "Transactions").startswith(" 4 4 online")
    assert card(text, "Cost per transaction").startswith(" Not for one version")


def test_the_dashboard_reads_a_pinned_number_of_queries_and_never_the_events(
    owner_client, django_assert_max_num_queries
):
    recent_rows()
    address = page_url("service", slug=SLUG)
    owner_client.get(address)  # compiled definitions cached, as in a running process

    with CaptureQueriesContext(connection) as seen, django_assert_max_num_queries(13):
        response = owner_client.get(address)

    assert response.status_code == 200
    assert not [q for q in seen.captured_queries if "insights_event" in q["sql"]]


def test_the_list_reads_a_pinned_number_of_queries(owner_client, django_assert_max_num_queries):
    recent_rows()
    owner_client.get(page_url("services"))

    with CaptureQueriesContext(connection) as seen, django_assert_max_num_queries(9):
        owner_client.get(page_url("services"))

    assert not [q for q in seen.captured_queries if "insights_event" in q["sql"]]


# --- two versions --------------------------------------------------------------------------------


@pytest.fixture
def two_versions(owner):
    recent_rows(version=1)
    fishing_v2(owner)
    near = days_ago(1)
    counted(near, K.STARTED, 20, version=2)
    counted(near, K.SUBMITTED, 15, version=2)
    counted(near, K.PAGE_VIEWED, 20, page_id="trip", version=2)
    counted(near, K.PAGE_INVALID, 2, page_id="trip", version=2)


def test_two_versions_side_by_side_with_the_difference(owner_client, two_versions):
    response = owner_client.get(page_url("compare", slug=SLUG), {"a": "1", "b": "2"})

    assert response.status_code == 200
    text = text_of(response)
    # Version 1: 25 of 40 (62.5%); version 2: 15 of 20 (75.0%): 12.5 points better.
    assert "Completion rate 62.5% 75.0% +12.5 percentage points" in text
    assert "Applications sent 25 15 \u221210" in text
    # Both funnels, each with its own version's page titles.
    assert "Page by page, version 1" in text and "Page by page, version 2" in text
    assert "Your fishing trip" in text  # version 2's title of the first page


def test_the_newest_two_versions_are_compared_by_default(owner_client, two_versions):
    text = text_of(owner_client.get(page_url("compare", slug=SLUG)))

    assert "Version 1 and version 2" in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"a": "2", "b": "2"}, "Choose two different versions"),
        ({"a": "1", "b": "7"}, "Version 7 has no figures: choose a version from the list"),
        ({"a": "x", "b": "2"}, "Version x has no figures"),
    ],
)
def test_comparing_a_version_twice_or_one_without_figures_is_refused(
    owner_client, two_versions, query, message
):
    response = owner_client.get(page_url("compare", slug=SLUG), query)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "govuk-error-summary" in html
    assert 'id="comparison"' not in html


def test_a_version_without_figures_in_the_period_is_refused(owner_client, two_versions):
    response = owner_client.get(
        page_url("compare", slug=SLUG),
        {"a": "1", "b": "2", "days": "custom", "from": days_ago(8), "to": days_ago(3)},
    )

    assert "Version 2 has no figures in this period" in response.content.decode()


# --- the owners' figures -------------------------------------------------------------------------


def this_month() -> str:
    return f"{timezone.localdate():%Y-%m}"


FIGURES = {
    "paper_applications": "1,200",
    "phone_applications": "40",
    "paper_cost": "250.50",
    "digital_cost": "",
    "note": "From the district offices' monthly report",
    "lock_version": "",
}


def test_the_owner_saves_a_months_figures(owner_client, owner):
    address = page_url("figures_month", slug=SLUG, month=this_month())
    assert owner_client.get(address).status_code == 200

    response = owner_client.post(address, FIGURES)

    assert response.status_code == 302
    saved = ServicePeriodInput.objects.get(service_slug=SLUG)
    assert (saved.paper_applications, saved.phone_applications) == (1200, 40)
    assert (saved.paper_cost, saved.digital_cost) == (Decimal("250.50"), None)
    assert AuditEvent.objects.filter(action=InsightsAction.INPUTS_SAVED).count() == 1
    listed = text_of(owner_client.get(page_url("figures", slug=SLUG)))
    assert "1,200 40 250.50 baht The definition's baseline" in listed


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("paper_applications", "", "Enter the number of paper applications, or 0 if"),
        ("paper_applications", "12.5", "as a whole number, like 120"),
        ("phone_applications", "-3", "The number of phone applications cannot be negative"),
        ("paper_cost", "250.505", "Enter the amount with no more than 2 decimal places"),
        ("digital_cost", "ten", "Enter the cost of a digital transaction as an amount in baht"),
        ("digital_cost", "-1", "The cost of a digital transaction cannot be negative"),
        ("note", "x" * 2001, "The note must be 2,000 characters or fewer"),
    ],
)
def test_each_bad_figure_has_its_own_message(owner_client, field, typed, message):
    address = page_url("figures_month", slug=SLUG, month=this_month())

    response = owner_client.post(address, FIGURES | {field: typed})

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'href="#id_{field}"' in html  # the error summary leads to the field
    assert not ServicePeriodInput.objects.exists()


def test_someone_elses_save_meanwhile_is_told_and_shown(owner_client, owner):
    address = page_url("figures_month", slug=SLUG, month=this_month())
    owner_client.post(address, FIGURES)
    saved = ServicePeriodInput.objects.get()

    # Two forms drawn from version 1: the first save wins, the second is told.
    owner_client.post(address, FIGURES | {"lock_version": "1", "phone_applications": "41"})
    response = owner_client.post(
        address, FIGURES | {"lock_version": "1", "phone_applications": "99"}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone changed these figures while you were editing them" in html
    assert 'id="saved-meanwhile"' in html
    assert (
        "The figures saved meanwhile Applications made on paper 1,200 Applications made by phone 41"
        in text_of(response)
    )
    assert 'name="lock_version" value="2"' in html  # saving again replaces them knowingly
    saved.refresh_from_db()
    assert (saved.phone_applications, saved.lock_version) == (41, 2)


def test_a_team_lead_sees_the_figures_but_cannot_change_them(client, owner):
    lead = staff_member("lead@immigration.test", StaffRole.TEAM_LEAD, "immigration")
    ServicePeriodInput.objects.create(
        service_slug=SLUG, month=timezone.localdate().replace(day=1), paper_applications=7
    )
    client.force_login(lead)
    address = page_url("figures_month", slug=SLUG, month=this_month())

    page = client.get(address)
    refused = client.post(address, FIGURES)

    assert page.status_code == 200
    assert 'name="paper_applications"' not in page.content.decode()
    assert "Only the service owner can change these figures" in page.content.decode()
    assert refused.status_code == 403
    assert ServicePeriodInput.objects.get().paper_applications == 7


@pytest.mark.parametrize("month", ["2026-13", "1999-12", "next", "3000-01"])
def test_a_month_that_is_not_one_or_is_in_the_future_is_not_found(owner_client, month):
    response = owner_client.get(page_url("figures_month", slug=SLUG, month=month))

    assert response.status_code == 404


# --- the survey's comments -----------------------------------------------------------------------


def test_the_comments_show_rating_and_day_but_never_who_and_are_audited(owner_client):
    SatisfactionResponse.objects.create(
        service_slug=SLUG, version=1, channel="online", rating=2, comment="The map <b>is</b> slow",
        language="en", dedup="a" * 40,
    )  # fmt: skip
    SatisfactionResponse.objects.create(
        service_slug=SLUG, version=1, channel="online", rating=5, comment="", dedup="b" * 40
    )

    response = owner_client.get(page_url("comments", slug=SLUG))

    html = response.content.decode()
    assert response.status_code == 200
    assert "The map &lt;b&gt;is&lt;/b&gt; slow" in html  # escaped, never markup
    assert "Dissatisfied" in html and "1 comment," in text_of(response)
    listed = html[html.index('id="comments"') : html.index("</main>")]
    assert "@" not in listed  # no account named, not even the reader's
    assert AuditEvent.objects.filter(action=InsightsAction.COMMENTS_VIEWED).count() == 1
