"""Every service performance page in a real browser, in English and Thai, at 1280 px and 320 px:
axe finds nothing (the rule tags of the other browser tests), no page scrolls sideways (a wide
table scrolls in its own region, a chart shrinks to the screen), and a full-page screenshot of
each goes to /tmp/shots11/<page>-<lang>-<width>.png for a person to look at; what stuck out
sideways to test-artifacts/insights-pages-overflow.json.

The service owner's: the list of the agency's services, the fishing permit's dashboard over the
last 30 days (four weeks of figures: version 1 then version 2, every channel, ratings, the
funnel), the same with a reversed date range (the error summary, and still the figures), the
two versions compared, the owners' figures month by month, a month's form sent with an error,
and the survey comments. The public's (nobody signed in): ``/performance/``, the fishing permit's
public page and "About the data". The person who applied: the survey's thank-you page.

The figures are written as daily aggregate rows (``insights.tests.measure_rows``), the owners'
figures and the survey's answers through the services and models: the browser only looks, and
presses a button where an answer or an error has to be made.

The site fixture (``insights_site``: the demo services and the fishing permit in two versions,
with its owner) is shared with test_insights_journeys.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from onegate.cases.tests.factories import citizen_account, driving_renewal_sent
from onegate.catalogue.selectors import catalogue_forget
from onegate.definitions.selectors import definition_cache_clear
from onegate.definitions.services import definition_draft_save, definition_publish
from onegate.definitions.tests.support import FISHING, SLUG, service_owner
from onegate.identity.models import User
from onegate.insights.constants import EventKind
from onegate.insights.models import SatisfactionResponse
from onegate.insights.services.inputs import service_inputs_save
from onegate.insights.tests.measure_rows import ASSISTED, FISHING_V2, ONLINE, PAPER, counted, timed
from onegate.runner.models import Application
from tests.browser.cases_support import (  # noqa: F401 (fixtures)
    Person,
    accessibility_problems,
    artifact_update,
    cases_site_fixture,
    error_summary,
    person_at_fixture,
    runner_site_fixture,
    session_cookie,
    sideways,
    sideways_culprits,
)
from tests.browser.conftest import LANGUAGE_PREFIX, WIDTHS, screenshot

SHOTS = Path("/tmp/shots11")  # noqa: S108 (screenshots for a person to look at)
DASHBOARD = f"/service-performance/{SLUG}/"
K = EventKind


# --- the site: the fishing permit in two versions, four weeks of figures -------------------------


@dataclass(frozen=True)
class Site:
    """The live server's address and the fishing permit's service owner."""

    url: str
    owner: User


@pytest.fixture(name="insights_site")
def insights_site_fixture(cases_site: str) -> Iterator[Site]:
    """The cases site (the demo services published) with the fishing permit live in two
    versions, published by its service owner (immigration); nothing cached after."""
    owner = service_owner()
    for source, note in ((FISHING, "First version"), (FISHING_V2, "Rename the first page")):
        draft = definition_draft_save(actor=owner, source=source)
        definition_publish(actor=owner, version=draft, note=note)
    catalogue_forget()
    yield Site(cases_site, owner)
    definition_cache_clear()
    catalogue_forget()


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


# Version 1 ran for 14 days (28 to 15 days ago), version 2 for the 14 days after (14 to 1 ago).
VERSION_DAYS = {1: range(28, 14, -1), 2: range(14, 0, -1)}


@dataclass(frozen=True)
class DayOfVersion:
    """One day's figures of a version (fewer errors and happier people in version 2)."""

    online: int  # sent online (and as many durations)
    online_seconds: int
    decided_by_rules: int
    decided_by_officers: int
    refused_late: int
    ratings: tuple[tuple[int, int], ...]  # (rating, answers)
    trip_invalid: int


DAY = {
    1: DayOfVersion(5, 600, 5, 2, 1, ((5, 1), (4, 1), (3, 1), (2, 1)), 4),
    2: DayOfVersion(7, 300, 8, 1, 0, ((5, 2), (4, 1), (3, 1)), 2),
}
# Every day: 12 started (9 online, 2 assisted, 1 paper), 2 sent assisted and 1 keyed in from
# paper besides the online ones.
STARTED = ((ONLINE, 9), (ASSISTED, 2), (PAPER, 1))

# The last 30 days, all versions, worked out by hand from the rows above: 14 * (5 + 3) +
# 14 * (7 + 3) = 252 sent, 14 * 5 + 14 * 7 = 168 of them online; 28 * 12 = 336 started.
TRANSACTIONS, TAKE_UP, COMPLETION = "252", "66.7%", "75.0%"


def day_write(day: dt.date, version: int) -> None:
    figures = DAY[version]
    for channel, n in STARTED:
        counted(day, K.STARTED, n, channel=channel, version=version)
    for channel, n, seconds in (
        (ONLINE, figures.online, figures.online_seconds),
        (ASSISTED, 2, 1200),
        (PAPER, 1, 3000),
    ):
        counted(day, K.SUBMITTED, n, channel=channel, version=version)
        timed(day, K.SUBMITTED, seconds, n, channel=channel, version=version)
    decisions_write(day, version, figures)
    for rating, n in figures.ratings:
        counted(day, K.RATED, n, rating=rating, version=version)
    funnel = [("trip", K.PAGE_VIEWED, 12), ("trip", K.PAGE_COMPLETED, 10),
              ("trip", K.PAGE_INVALID, figures.trip_invalid), ("trip", K.ABANDONED, 1),
              ("boat_details", K.PAGE_VIEWED, 5), ("boat_details", K.PAGE_COMPLETED, 4),
              ("boat_details", K.PAGE_INVALID, 1)]  # fmt: skip
    for page_id, kind, n in funnel:
        counted(day, kind, n, page_id=page_id, version=version)


def decisions_write(day: dt.date, version: int, figures: DayOfVersion) -> None:
    """The rules approve within 2 s; officers approve within 2 days; a refusal by two officers
    takes a week and misses the service level."""
    decisions = [
        (figures.decided_by_rules, "approve", "rules", "met", 2),
        (figures.decided_by_officers, "approve", "officer", "met", 172800),
        (figures.refused_late, "refuse", "four_eyes", "missed", 604800),
    ]
    for n, outcome, how, sla, seconds in decisions:
        if n:
            counted(day, K.DECIDED, n, outcome=outcome, decided_how=how, sla=sla, version=version)
            timed(day, K.DECIDED, seconds, n, decided_how=how, version=version)


def history_write() -> None:
    """The four weeks of the fishing permit's figures."""
    for version, days in VERSION_DAYS.items():
        for n in days:
            day_write(days_ago(n), version)


def owners_figures_write(owner: User) -> None:
    """Paper and phone figures three months ago (outside the last 30 days, so the figures above
    stay as worked out), one with the owner's own costs."""
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=80)).replace(day=1)
    service_inputs_save(
        actor=owner,
        service_slug=SLUG,
        month=month,
        paper_applications=1250,
        phone_applications=310,
        paper_cost=Decimal("185.50"),
        digital_cost=None,
        note="The post room's monthly tally of forms, and the call centre's report.",
        lock_version=None,
    )


# What people wrote: a short answer, one in Thai and one with a long address that has no space
# to break at (a page must not scroll sideways for it).
COMMENTS = (
    (5, "Quick and clear. I had my permit the same day.", "en", 2),
    (3, "ขั้นตอนเรื่องเรือยังไม่ชัดเจน ควรอธิบายว่าเรือแบบไหนต้องตรวจ", "th", 5),
    (2, "The page at https://example.test/a-very-long-address-without-any-space-in-it-at-all "
        "said my boat was wrong.\nI tried twice.", "en", 9),
)  # fmt: skip


def comments_write() -> None:
    for n, (rating, comment, language, ago) in enumerate(COMMENTS):
        answer = SatisfactionResponse.objects.create(
            service_slug=SLUG,
            version=2 if ago < 14 else 1,
            channel=ONLINE,
            rating=rating,
            comment=comment,
            language=language,
            dedup=f"browser-test-{n}",
        )
        answered = timezone.now() - dt.timedelta(days=ago)
        SatisfactionResponse.objects.filter(pk=answer.pk).update(created_at=answered)


def figures_everywhere(site: Site) -> None:
    history_write()
    owners_figures_write(site.owner)
    comments_write()


# --- the pages -----------------------------------------------------------------------------------


@dataclass
class Visit:
    """A page to look at: who looks (None: nobody signed in), where, what they do there first
    (in the browser), and whether an error summary is expected."""

    user: User | None
    path: str
    then: Callable[[Person], None] | None = None
    expect_error: bool = False


def card_value(person: Person, label: str) -> str:
    """The figure of the headline card labelled ``label``."""
    found = person.page.locator("#headline li.og-figure").filter(
        has=person.page.locator(".og-figure__label", has_text=label)
    )
    return str(found.locator(".og-figure__value").inner_text())


def figures_still_shown(person: Person) -> None:
    if person.page.locator("html").get_attribute("lang") == "en":
        assert card_value(person, "Transactions") == TRANSACTIONS
        assert card_value(person, "Digital take-up") == TAKE_UP
        assert card_value(person, "Completion rate") == COMPLETION
    assert person.page.locator("svg.og-chart").count() == 4


def figures_with_an_error(person: Person) -> None:
    person.type("#id_paper_applications", "about forty")
    person.type("#id_digital_cost", "-3")
    person.press("main form[method=post] button.govuk-button")


def survey_answered(person: Person) -> None:
    person.page.locator("#feedback input[name=rating][value='4']").check()
    person.type("#feedback textarea[name=comment]", "Clear questions.")
    person.press("#feedback button.govuk-button")
    assert person.page.locator(".govuk-panel").count() == 1


def reversed_range() -> str:
    later, earlier = days_ago(3), days_ago(12)
    return f"{DASHBOARD}?days=custom&from={later.isoformat()}&to={earlier.isoformat()}"


def last_month() -> str:
    return f"{timezone.localdate().replace(day=1) - dt.timedelta(days=1):%Y-%m}"


def pages(site: Site) -> dict[str, Visit]:
    """Every page to look at, by name; a citizen's sent driving-licence renewal is made here for
    the survey (the first answer is thanked, and so is each answer after it)."""
    owner = site.owner
    user, _who = citizen_account()
    sent: Application = driving_renewal_sent(user, medical=False)
    return {
        "services": Visit(owner, "/service-performance/"),
        "dashboard": Visit(owner, DASHBOARD, then=figures_still_shown),
        "dashboard-bad-range": Visit(
            owner, reversed_range(), then=figures_still_shown, expect_error=True
        ),
        "compare": Visit(owner, f"{DASHBOARD}compare/"),
        "figures": Visit(owner, f"{DASHBOARD}figures/"),
        "figures-error": Visit(
            owner,
            f"{DASHBOARD}figures/{last_month()}/",
            then=figures_with_an_error,
            expect_error=True,
        ),
        "comments": Visit(owner, f"{DASHBOARD}comments/"),
        "public-index": Visit(None, "/performance/"),
        "public-service": Visit(None, f"/performance/{SLUG}/"),
        "public-about": Visit(None, "/performance/about-the-data/"),
        "survey-thanks": Visit(user, f"/apply/{sent.pk}/feedback/", then=survey_answered),
    }


# --- looking -----------------------------------------------------------------------------------


def overflow_record(label: str, page: Any) -> int:
    pixels = sideways(page)
    culprits = sideways_culprits(page) if pixels > 0 else []
    artifact_update(
        "insights-pages-overflow.json", {label: {"pixels": pixels, "culprits": culprits}}
    )
    return pixels


def charts_fit(page: Any, width: int) -> list[str]:
    """Each chart on screen whole and not squashed: at least 250 px wide, within the window."""
    problems = []
    for n, chart in enumerate(page.locator("svg.og-chart").all()):
        box = chart.bounding_box()
        if box is None or box["x"] < 0 or box["x"] + box["width"] > width or box["width"] < 250:
            problems.append(f"chart {n} does not fit at {width}px: {box}")
    return problems


def look(person: Person, visit: Visit, name: str, language: str, width: int) -> list[str]:
    page = person.page
    label = f"{name}-{language}-{width}"
    assert page.locator("html").get_attribute("lang") == language
    summary = error_summary(person)
    if visit.expect_error:
        assert summary, f"{label}: no error summary at {person.path()}"
        assert page.title().startswith(("Error:", "ข้อผิดพลาด")), page.title()
    else:
        assert not summary, f"{label}: {summary}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    screenshot(page, SHOTS / f"{label}.png")
    problems = accessibility_problems(page, label)
    overflow = overflow_record(label, page)
    if overflow > 0:
        problems.append(f"{label} scrolls sideways by {overflow}px: {sideways_culprits(page)}")
    return problems + [f"{label}: {one}" for one in charts_fit(page, width)]


def session_of(user: User | None, sessions: dict[Any, str]) -> str:
    """One signed-in session per person for the whole run ("" for nobody)."""
    if user is None:
        return ""
    if user.pk not in sessions:
        sessions[user.pk] = session_cookie(user)
    return sessions[user.pk]


def test_every_insights_page_passes_axe_in_both_languages_at_both_widths(person_at, insights_site):
    figures_everywhere(insights_site)
    visits = pages(insights_site)
    sessions: dict[Any, str] = {}
    problems: list[str] = []
    for name, visit in visits.items():
        for language, prefix in LANGUAGE_PREFIX.items():
            for width in WIDTHS.values():
                person = person_at(session_of(visit.user, sessions), width=width)
                answer = person.page.goto(person.site + prefix + visit.path)
                assert answer is not None and answer.status == 200, (
                    f"{name}: {answer and answer.status}"
                )
                if visit.then is not None:
                    visit.then(person)
                problems += look(person, visit, name, language, width)
                person.context.close()
    assert not problems, "\n".join(problems)
