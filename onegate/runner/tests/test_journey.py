"""The way through an application: which pages are screens, their order, resuming, and the rows
of "check your answers", worked out from the demo services' definitions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import pytest

from onegate.definitions.demo import DEMO_SERVICES_DIR
from onegate.definitions.language import CompiledDefinition, RuleInputs, definition_compile
from onegate.identity.tests.acting_fixtures import years_ago
from onegate.runner.codec import value_encode
from onegate.runner.journey import (
    CHECK_SCREEN,
    SENT_SCREEN,
    START_SCREEN,
    answer_lines,
    check_sections,
    chooses_whom,
    journey_of,
    journey_plan,
)
from onegate.runner.models import Application


@cache
def demo(slug: str) -> CompiledDefinition:
    return definition_compile((DEMO_SERVICES_DIR / f"{slug}.yaml").read_text(encoding="utf-8"))


def field_of(compiled: CompiledDefinition, field_id: str):
    return next(one for _page, one in compiled.model.all_fields() if one.id == field_id)


@dataclass(frozen=True)
class Fact:
    """A prefilled value as the page shows it (the shape of ``facts.FactShown``)."""

    value: object
    register: str = "the population register"
    as_of: dt.datetime | None = None
    agency: str = "interior"
    correction_url: str = ""


CHILD_FACTS = {
    "name": {"given_th": "นิรันดร์", "family_th": "ใจดี", "given_latin": "Niran"},
    "date_of_birth": dt.date(2016, 5, 1),
    "nationality": "THA",
    "residence": None,
}


def test_a_page_of_facts_and_a_last_page_of_declarations_are_not_screens():
    compiled = demo("child-health-card")

    journey = journey_plan(compiled, RuleInputs({}, CHILD_FACTS, applicant="child"))

    assert journey.screen_ids == ["health_centre", "health_needs", "contact"]
    assert [page.id for page in journey.facts_pages] == ["about_your_child"]
    assert journey.declaration_page is not None
    assert journey.declaration_page.id == "declaration_page"


def test_the_child_health_card_takes_six_screens_counting_whom_check_and_confirmation():
    compiled = demo("child-health-card")
    journey = journey_plan(compiled, RuleInputs({}, CHILD_FACTS, applicant="child"))

    met = ([START_SCREEN] if chooses_whom(compiled) else []) + journey.screen_ids
    met += [CHECK_SCREEN, SENT_SCREEN]

    assert len(met) <= 6
    assert met[0] == START_SCREEN and met[-2:] == [CHECK_SCREEN, SENT_SCREEN]


def test_a_driving_licence_renewal_asks_every_page_but_the_declaration():
    compiled = demo("renew-driving-licence")

    journey = journey_plan(compiled, RuleInputs({}, {"national_id": "3500194801233"}))

    assert journey.screen_ids == ["your_licence", "medical", "photo", "delivery"]
    assert journey.declaration_page is not None and journey.declaration_page.id == "declare"
    assert chooses_whom(demo("renew-driving-licence"))  # for a delegator too


def test_next_previous_and_resume_follow_the_screens():
    compiled = demo("child-health-card")
    journey = journey_plan(compiled, RuleInputs({}, CHILD_FACTS, applicant="child"))

    assert journey.after("health_centre") == "health_needs"
    assert journey.after("contact") is None  # check answers next
    assert journey.before("health_needs") == "health_centre"
    assert journey.before("health_centre") is None
    # a facts page is passed over: what follows it is the first screen after it
    assert journey.after("about_your_child") == "health_centre"
    assert journey.resume([]) == "health_centre"
    assert journey.resume(["health_centre"]) == "health_needs"
    assert journey.resume(["health_centre", "health_needs", "contact"]) is None


def test_a_field_hidden_by_an_answer_is_not_on_its_page():
    compiled = demo("child-health-card")
    page = next(page for page in compiled.model.pages if page.id == "health_centre")

    nearest = journey_plan(
        compiled, RuleInputs({"health_centre_choice": "nearest"}, CHILD_FACTS, applicant="child")
    )
    chosen = journey_plan(
        compiled, RuleInputs({"health_centre_choice": "chosen"}, CHILD_FACTS, applicant="child")
    )

    assert [one.id for one in nearest.fields_of(page)] == ["health_centre_choice"]
    assert [one.id for one in chosen.fields_of(page)] == [
        "health_centre_choice",
        "health_centre_name",
    ]


def test_a_page_hidden_by_its_condition_is_not_a_screen(tmp_path):
    from onegate.definitions.tests.support import FISHING

    compiled = definition_compile(FISHING)

    walking = journey_plan(compiled, RuleInputs({"days": 3, "boat": False}, {}))
    boating = journey_plan(compiled, RuleInputs({"days": 3, "boat": True}, {}))

    assert walking.screen_ids == ["trip"]
    assert boating.screen_ids == ["trip", "boat_details"]
    assert walking.resume(["trip"]) is None and boating.resume(["trip"]) == "boat_details"


def test_check_answers_shows_facts_per_child_then_answers_with_change_links():
    compiled = demo("child-health-card")
    answers = {
        "health_centre_choice": "chosen",
        "health_centre_name": "Bangkok Hospital",
        "long_term_condition": False,
        "allergies": ["peanuts", "eggs"],
        "parent_phone": "+66812345678",
    }
    journey = journey_plan(compiled, RuleInputs(answers, CHILD_FACTS, applicant="child"))
    born = {"Niran Jaidee": dt.date(2016, 5, 1), "Malee Jaidee": dt.date(2009, 1, 2)}

    def prefilled(one):
        if one.id == "child_date_of_birth":
            as_of = dt.datetime(2026, 5, 3, tzinfo=dt.UTC)
            return [(name, Fact(day, as_of=as_of)) for name, day in born.items()]
        return [(name, Fact(name.split()[0 if "given" in one.id else 1])) for name in born]

    sections = check_sections(compiled, journey, answers, prefilled, language="en")

    titles = [section.title for section in sections]
    assert titles[:2] == ["About your child: Niran Jaidee", "About your child: Malee Jaidee"]
    first = {row.key: row for row in sections[0].rows}
    assert first["Date of birth"].lines == ["1 May 2016"]
    assert first["Date of birth"].source == "From the population register, updated 3 May 2026"
    assert first["Date of birth"].change_page is None
    centre = {row.key: row for row in sections[2].rows}
    assert centre["Which health centre should your child be registered with?"].lines == [
        "A health centre I choose"
    ]
    assert centre["Name of the health centre or hospital"].change_page == "health_centre"
    needs = {row.key: row.lines for row in sections[3].rows}
    assert needs["Is your child allergic to any of these?"] == ["Peanuts or tree nuts", "Eggs"]
    assert needs["Does your child have a long-term illness or disability?"] == ["No"]
    assert "Tell us about the illness or disability" not in needs  # hidden by the answer


@pytest.mark.parametrize(
    ("field_id", "value", "lines"),
    [
        ("licence_expires_on", "2027-01-14", ["14 January 2027"]),
        ("licence_expires_on", dt.date(2027, 1, 14), ["14 January 2027"]),
        ("national_id", "3500194801233", ["3-5001-94801-23-3"]),
        ("postage", "60.00", ["฿60"]),
        ("postage", Decimal("1234.5"), ["฿1,234.50"]),
        ("medical_condition", True, ["Yes"]),
        ("declaration", True, ["Confirmed"]),
        ("medical_certificate", [{"id": "x", "name": "cert.pdf", "size": 1}], ["cert.pdf"]),
        ("licence_number", "", ["Not answered"]),
        (
            "home_address",
            {
                "kind": "thai",
                "house_number": "45/3",
                "moo": "2",
                "road": "Ratchadamnoen",
                "postcode": "50200",
            },
            ["45/3 Moo 2, Ratchadamnoen Road", "50200"],
        ),
    ],
)
def test_answers_read_as_a_person_writes_them(field_id, value, lines):
    one = field_of(demo("renew-driving-licence"), field_id)
    assert answer_lines(one, value, "en") == lines


def test_a_date_in_thai_uses_the_buddhist_era():
    one = field_of(demo("renew-driving-licence"), "licence_expires_on")
    assert answer_lines(one, "2027-01-14", "th") == ["14 มกราคม 2570"]


def test_a_group_lists_each_item_with_its_answers():
    compiled = demo("tell-us-you-have-moved")
    group = field_of(compiled, "other_people")
    items = [
        {"full_name": "Anna Lee", "person_date_of_birth": "1990-02-03", "relationship": "partner"},
        {"full_name": "Ben Lee", "relationship": "child"},
    ]

    lines = answer_lines(group, items, "en")

    assert lines[0] == "Person 1" and "Full name: Anna Lee" in lines
    assert "Date of birth: 3 February 1990" in lines and "Relationship to you: Partner" in lines
    second = lines[lines.index("Person 2") + 1 :]
    assert second == ["Full name: Ben Lee", "Relationship to you: Child"]


def test_an_address_abroad_names_its_country_in_the_page_language():
    one = field_of(demo("tell-us-you-have-moved"), "previous_address")
    abroad = {"kind": "international", "lines": ["1-2-3 Shibuya", "Tokyo"], "country": "JPN"}

    assert answer_lines(one, abroad, "en") == ["1-2-3 Shibuya", "Tokyo", "Japan"]
    assert answer_lines(one, abroad, "th")[-1] == "ญี่ปุ่น"


def test_a_page_shown_for_one_child_of_several_is_a_screen_of_the_application():
    from onegate.definitions.tests.support import FISHING

    source = FISHING.replace(
        "level_of_assurance: substantial\n",
        "level_of_assurance: substantial\napplicants:\n  self: false\n  child: true\n"
        "  several_children: true\nfacts:\n  date_of_birth: person.date_of_birth\n",
    ).replace(
        "    condition: answers.boat\n",
        "    condition: age_on(facts.date_of_birth, today()) >= 16\n",
    )
    compiled = definition_compile(source)
    born = {"young": years_ago(8), "older": years_ago(17)}
    application = Application(
        applies_as="child",
        subjects=[{"person_id": pid, "names": {}, "relationship": "child"} for pid in born],
        facts={pid: {"date_of_birth": {"value": value_encode(day)}} for pid, day in born.items()},
        answers={},
    )

    first_only = journey_plan(compiled, RuleInputs({}, {"date_of_birth": born["young"]}, "child"))
    journey = journey_of(application, compiled)

    assert first_only.screen_ids == ["trip"]
    assert journey.screen_ids == ["trip", "boat_details"]  # asked once, for both of them
