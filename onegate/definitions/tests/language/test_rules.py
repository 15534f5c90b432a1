"""CEL rules: syntax, names, limits, types and cycles, each with its place in the expression."""

from __future__ import annotations

import pytest

from onegate.definitions.language import definition_compile

from .support import line_of, only, problems_of, variant

COMPANY = "condition: answers.purpose == 'business'"
CONVICTION = "when: answers.convicted == true"
PASSPORT_RULE = "rule: facts.passport.expires_on >= add_months(answers.arrival_date, 6)"


@pytest.mark.parametrize(
    ("old", "new", "code", "where", "words"),
    [
        (COMPANY, "condition: answers.purpose == ", "cel_syntax", "pages[1].fields[3].condition",
         "not valid CEL at column 19"),
        (COMPANY, "condition: answers.purpos == 'business'", "unknown_reference",
         "pages[1].fields[3].condition", "no field “purpos” to read as answers.purpos"),
        (PASSPORT_RULE, "rule: facts.pasport.expires_on >= today()", "unknown_reference",
         "eligibility[2].rule", "no fact “pasport” under facts:"),
        (CONVICTION, "when: computed.stay > 3", "unknown_reference", "decision.rules[0].when",
         "no computed value “stay”"),
        (CONVICTION, "when: age(facts.date_of_birth) > 3", "unknown_function",
         "decision.rules[0].when", "unknown function “age”; the library has: today, date, age_on"),
        (CONVICTION, "when: answers.company.lowerAscii() == 'x'", "unknown_function",
         "decision.rules[0].when", "unknown function “lowerAscii”"),
        (CONVICTION, "when: convicted == true", "unknown_reference", "decision.rules[0].when",
         "unknown name “convicted”"),
        (COMPANY, "condition: value == 'business'", "unknown_reference",
         "pages[1].fields[3].condition", "unknown name “value”"),
    ],
)  # fmt: skip
def test_a_bad_expression_is_reported_with_its_place(
    old: str, new: str, code: str, where: str, words: str
) -> None:
    text = variant((old, new))

    problem = only(problems_of(text), code)

    assert problem.where == where
    assert problem.line == line_of(text, new)
    assert words in problem.message


def test_the_column_of_an_unknown_name_is_given() -> None:
    text = variant((CONVICTION, "when: answers.convicted == true && facts.pasport != null"))

    problem = only(problems_of(text), "unknown_reference")

    assert "no fact “pasport”" in problem.message
    assert "(column 36)" in problem.message
    assert "decision rule “conviction”" in problem.message


def test_a_multi_line_expression_gives_the_line_in_the_expression() -> None:
    text = variant(
        (CONVICTION, "when: >-\n        answers.convicted == true\n\n        && answers.nope")
    )

    problem = only(problems_of(text), "unknown_reference")

    assert "line 2, column 12 of the expression" in problem.message


def test_names_in_strings_and_macro_variables_are_not_checked() -> None:
    text = variant(
        (COMPANY, "condition: answers.purpose == 'answers.nothing' || "
                  "['business'].exists(p, p == answers.purpose)"),
        (CONVICTION, "when: answers.convicted == true && applicant in ['self', 'child'] "
                     "&& [1, 2].map(n, n * 2).all(m, m > 0)"),
    )  # fmt: skip

    definition_compile(text)


def test_a_macro_variable_is_unknown_outside_its_call() -> None:
    text = variant((CONVICTION, 'when: "[1].exists(n, n > 0) && n > 0"'))

    assert "unknown name “n”" in only(problems_of(text), "unknown_reference").message


def test_an_expression_longer_than_the_limit_is_refused() -> None:
    text = variant((CONVICTION, "when: " + " || ".join(["answers.convicted == true"] * 40)))

    problem = only(problems_of(text), "too_long")

    assert "the limit is 1000" in problem.message


def test_brackets_nested_deeper_than_the_limit_are_refused() -> None:
    text = variant((CONVICTION, "when: " + "(" * 21 + "answers.convicted == true" + ")" * 21))

    problem = only(problems_of(text), "too_deep")

    assert "21 deep; the limit is 20" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "code", "words"),
    [
        (CONVICTION, "when: answers.departure_date > 3", "cel_type", "a type error"),
        (CONVICTION, "when: answers.purpose + 1 == 2", "cel_type", "a type error"),
        (CONVICTION, "when: age_on(answers.purpose, today()) > 3", "cel_type",
         "age_on() takes dates, not string"),
        (CONVICTION, "when: date('2026-02-30') > today()", "cel_value",
         "date() takes an existing day written as YYYY-MM-DD, not “2026-02-30”"),
        (CONVICTION, "when: add_months(today(), 120000) > today()", "cel_value",
         "add_months() gives a day outside the calendar"),
        (CONVICTION, "when: add_working_days(today(), 5000) > today()", "cel_value",
         "add_working_days() counts at most 3650 days"),
        (CONVICTION, "when: answers.purpose", "not_boolean", "gives a string"),
        (COMPANY, "condition: days_between(today(), answers.arrival_date)", "not_boolean",
         "gives a int"),
        ("not_after: add_months(today(), 6)", "not_after: days_between(today(), today())",
         "cel_type", "should give a date, but gives a int"),
    ],
)  # fmt: skip
def test_type_errors_are_found_by_running_against_samples(
    old: str, new: str, code: str, words: str
) -> None:
    text = variant((old, new))

    problem = only(problems_of(text), code)

    assert problem.line == line_of(text, new)
    assert words in problem.message


def test_facts_are_typed_from_the_registry() -> None:
    text = variant((PASSPORT_RULE, "rule: facts.passport.expires_on > 5"))

    assert only(problems_of(text), "cel_type").where == "eligibility[2].rule"


def test_computed_values_that_read_each_other_are_a_cycle() -> None:
    text = variant(
        ("  - id: stay_days\n", "  - id: a\n    expression: computed.b + 1\n"
                                "  - id: b\n    expression: computed.a + 1\n  - id: stay_days\n"),
    )  # fmt: skip

    problems = [problem for problem in problems_of(text) if problem.code == "cycle"]

    assert problems[0].where == "computed[0].expression"
    assert "a → b → a" in problems[0].message


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (COMPANY, "condition: answers.company != null", "reads the field “company” it decides"),
        (COMPANY, "condition: answers.convicted == true", "asked after it (page “history”)"),
        ("      th: ประวัติการต้องโทษ\n", "      th: ประวัติการต้องโทษ\n"
         "    condition: answers.convicted == false\n", "asked on the same page"),
    ],
)  # fmt: skip
def test_a_condition_that_depends_on_itself_or_later_answers_is_a_cycle(
    old: str, new: str, words: str
) -> None:
    text = variant((old, new))

    problem = only(problems_of(text), "cycle")

    assert words in problem.message


def test_a_condition_reading_a_later_answer_through_a_computed_value_is_a_cycle() -> None:
    text = variant(
        ("  - id: stay_days\n", "  - id: convicted_now\n    expression: answers.convicted\n"
                                "  - id: stay_days\n"),
        (COMPANY, "condition: computed.convicted_now == true"),
    )  # fmt: skip

    assert "“convicted”" in only(problems_of(text), "cycle").message


def test_validations_read_value_and_group_fields_read_item() -> None:
    group = (
        "      - id: companions\n        type: group\n"
        "        label: {en: With you, th: ผู้ร่วมเดินทาง}\n"
        "        item_label: {en: Person, th: บุคคล}\n        fields:\n"
        "          - id: companion_name\n            type: text\n"
        "            label: {en: Name, th: ชื่อ}\n"
        "          - id: companion_age\n            type: number\n"
        "            label: {en: Age, th: อายุ}\n"
        "            condition: item.companion_name != ''\n"
        "            validations:\n              - rule: value >= 0 && item.companion_nam != ''\n"
        "                message: {en: Bad, th: ผิด}\n"
    )
    text = variant(("      - id: convicted\n", group + "      - id: convicted\n"))

    problem = only(problems_of(text), "unknown_reference")

    assert problem.where == "pages[2].fields[0].fields[1].validations[0].rule"
    assert "the group has no field “companion_nam”" in problem.message
