"""A field's own rules for one answer: ``validations`` (with ``value``, the answers and the group
item) and the first and last day of a date field, on the demo services and small definitions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from onegate.definitions.demo import DEMO_SERVICES_DIR
from onegate.definitions.language import (
    CompiledDefinition,
    RuleInputs,
    date_bounds,
    definition_compile,
    field_validate,
)

TODAY = dt.date(2026, 3, 2)

SMALL = """\
format: onegate/service-definition/1
service: small-service
title: {en: A small service, th: บริการเล็ก}
summary: {en: For the tests., th: สำหรับการทดสอบ}
agency: immigration
level_of_assurance: low
pages:
  - id: one
    title: {en: One, th: หนึ่ง}
    fields:
      - id: code
        type: text
        label: {en: Code, th: รหัส}
        validations:
          - rule: size(value) == 4
            message: {en: A code has 4 characters, th: รหัสมี 4 ตัวอักษร}
          - rule: value.startsWith("K")
            message: {en: A code starts with K, th: รหัสขึ้นต้นด้วย K}
      - id: start
        type: date
        label: {en: Start, th: วันเริ่ม}
      - id: finish
        type: date
        label: {en: Finish, th: วันสิ้นสุด}
        not_before: answers.start
        not_after: add_days(answers.start, 10)
      - id: children
        type: group
        label: {en: Children, th: เด็ก}
        item_label: {en: Child, th: เด็ก}
        fields:
          - {id: child_name, type: text, label: {en: Name, th: ชื่อ}}
          - id: nickname
            type: text
            label: {en: Nickname, th: ชื่อเล่น}
            validations:
              - rule: value != item.child_name
                message: {en: A nickname differs from the name, th: ชื่อเล่นต้องไม่ซ้ำกับชื่อ}
          - id: born
            type: date
            label: {en: Born, th: วันเกิด}
            not_after: today()
decision:
  otherwise:
    outcome: refer
    reason: {en: An officer decides., th: เจ้าหน้าที่เป็นผู้พิจารณา}
sla_working_days: 5
performance: {paper_cost: 1, paper_days: 1, digital_cost: 1}
retention: {keep_days_after_closing: 30}
"""


def demo(name: str) -> CompiledDefinition:
    return definition_compile((DEMO_SERVICES_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def child_card() -> CompiledDefinition:
    return demo("child-health-card")


@pytest.fixture(scope="module")
def eta() -> CompiledDefinition:
    return demo("electronic-travel-authority")


@pytest.fixture(scope="module")
def small() -> CompiledDefinition:
    return definition_compile(SMALL)


def inputs(**answers: Any) -> RuleInputs:
    return RuleInputs(answers=answers, facts={}, today=TODAY)


def english(messages: list[dict[str, str]]) -> list[str]:
    return [message["en"] for message in messages]


@pytest.mark.parametrize(
    ("allergies", "failed"),
    [
        (["none"], []),
        (["peanuts", "eggs"], []),
        ([], ['Select the allergies your child has, or "No known allergies"']),
        (
            ["none", "eggs"],
            ['Select "No known allergies" only if your child has none of the others'],
        ),
    ],
)
def test_the_child_health_card_allergy_rules(child_card, allergies, failed) -> None:
    # the rules read answers.allergies: the value checked is put there, whatever inputs hold
    messages = field_validate(child_card, inputs(), field_id="allergies", value=allergies)

    assert english(messages) == failed


def test_a_message_comes_in_both_languages(child_card) -> None:
    [message] = field_validate(child_card, inputs(), field_id="allergies", value=[])

    assert message == {
        "en": 'Select the allergies your child has, or "No known allergies"',
        "th": 'โปรดเลือกสิ่งที่ลูกแพ้ หรือเลือก "ไม่มีประวัติการแพ้"',
    }


def test_a_field_without_validations_has_nothing_to_say(child_card) -> None:
    assert field_validate(child_card, inputs(), field_id="parent_phone", value="x") == []


def test_a_validation_reads_the_other_answers_given(eta) -> None:
    arrival = dt.date(2026, 4, 1)
    given = inputs(arrival_date=arrival)

    ok = field_validate(eta, given, field_id="departure_date", value=dt.date(2026, 4, 10))
    before = field_validate(eta, given, field_id="departure_date", value=dt.date(2026, 3, 30))
    too_long = field_validate(eta, given, field_id="departure_date", value=dt.date(2026, 8, 1))

    assert ok == []
    assert english(before) == ["The day you leave must be after the day you arrive"]
    assert english(too_long) == ["An electronic travel authority covers a stay of up to 90 days"]


def test_a_rule_that_cannot_be_evaluated_counts_as_not_holding(eta) -> None:
    # no arrival date: "answers.departure_date > null" is an error, so the answer is refused
    messages = field_validate(eta, inputs(), field_id="departure_date", value=dt.date(2026, 4, 1))

    assert len(messages) == 2


def test_value_is_the_answer_checked(small) -> None:
    assert field_validate(small, inputs(), field_id="code", value="K123") == []
    assert english(field_validate(small, inputs(), field_id="code", value="A12")) == [
        "A code has 4 characters",
        "A code starts with K",
    ]


def test_an_inner_field_reads_its_item(small) -> None:
    item = {"child_name": "Dao", "nickname": None, "born": None}

    same = field_validate(small, inputs(), field_id="nickname", value="Dao", item=item)
    other = field_validate(small, inputs(), field_id="nickname", value="Noi", item=item)
    without_item = field_validate(small, inputs(), field_id="nickname", value="Noi")

    assert english(same) == ["A nickname differs from the name"]
    assert other == []
    assert english(without_item) == ["A nickname differs from the name"]  # item unknown: refused


def test_date_bounds_with_today_pinned(eta) -> None:
    bounds = date_bounds(eta, inputs(), field_id="arrival_date")

    assert bounds == (TODAY, dt.date(2027, 3, 2))


def test_a_date_without_bounds_has_none(eta, small) -> None:
    assert date_bounds(eta, inputs(), field_id="departure_date") == (None, None)
    assert date_bounds(small, inputs(), field_id="start") == (None, None)


def test_bounds_that_read_another_answer(small) -> None:
    start = dt.date(2026, 5, 1)

    assert date_bounds(small, inputs(start=start), field_id="finish") == (
        start,
        dt.date(2026, 5, 11),
    )
    # until that answer is given, the bounds cannot be worked out: none is applied
    assert date_bounds(small, inputs(), field_id="finish") == (None, None)


def test_the_bounds_of_an_inner_field(small) -> None:
    item = {"child_name": "Dao", "nickname": None, "born": None}

    assert date_bounds(small, inputs(), field_id="born", item=item) == (None, TODAY)
