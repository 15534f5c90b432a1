"""What a rule may cost and how big a definition may be: refused with a precise problem."""

from __future__ import annotations

import datetime as dt

import pytest

from onegate.definitions.language import (
    MAX_SOURCE_CHARS,
    DefinitionInvalid,
    RuleInputs,
    decision_evaluate,
    definition_compile,
    definition_compile_data,
)
from onegate.definitions.language.source import source_read

from .support import ETA, only, problems_of, variant

CONVICTION = "when: answers.convicted == true"
STAY = "  - id: stay_days\n"
DIGITS = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"


def nested_maps(levels: int) -> str:
    """``[0..9].map(a, [0..9].map(b, …))``: each level multiplies the work by ten or more."""
    inner = "1"
    for level in reversed(range(levels)):
        name = "abcdefgh"[level]
        inner = f"{DIGITS}.map({name}, {inner})"
    return inner


def test_a_comprehension_inside_another_is_refused() -> None:
    expression = nested_maps(5)
    text = variant((CONVICTION, f"when: size({expression}) > 3"))

    problem = only(problems_of(text), "too_complex")

    assert problem.where == "decision.rules[0].when"
    assert "the comprehension “map” is inside another comprehension's arguments" in problem.message
    second = expression.index(".map", expression.index(".map") + 1)
    assert f"(column {len('size(') + second + 2})" in problem.message  # the second "map"


def test_two_comprehensions_one_after_another_are_allowed() -> None:
    text = variant(
        (CONVICTION, f'when: "{DIGITS}.map(a, a * 2).filter(b, b > 4).exists(c, c == 8)"')
    )

    assert definition_compile(text).plan.decision


def test_more_than_three_comprehensions_are_refused() -> None:
    rule = f"{DIGITS}.map(a, a).map(b, b).map(c, c).exists(d, d == 1)"
    text = variant((CONVICTION, f'when: "{rule}"'))

    problem = only(problems_of(text), "too_complex")

    assert "has 4 comprehensions" in problem.message
    assert "the limit is 3" in problem.message
    assert f"column {rule.index('exists') + 1}" in problem.message


def test_a_list_literal_of_more_than_100_elements_is_refused() -> None:
    numbers = ", ".join(str(n) for n in range(101))
    text = variant((CONVICTION, f"when: 7 in [{numbers}]"))

    problem = only(problems_of(text), "too_complex")

    assert "the list has 101 elements; the limit is 100 (column 6)" in problem.message


def test_a_list_literal_of_100_elements_is_allowed() -> None:
    numbers = ", ".join(str(n) for n in range(100))

    assert definition_compile(variant((CONVICTION, f"when: 7 in [{numbers}]")))


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("answers['convicted'] == true", "write answers.convicted, not answers[…]"),
        ('facts["passport"] != null', "write facts.passport, not facts[…]"),
        ("computed['stay_days'] > 3", "write computed.stay_days, not computed[…]"),
        ("size(answers) > 3", "“answers” cannot be used whole; name what the rule reads, as in"),
        ("answers.size() > 3", "“answers” cannot be used whole"),
        ("1 < 2 && 'x' in facts", "“facts” cannot be used whole"),
    ],
)
def test_roots_are_read_by_name_only(rule: str, words: str) -> None:
    text = variant((CONVICTION, f"when: {rule}"))

    problem = only(problems_of(text), "root_access")

    assert problem.where == "decision.rules[0].when"
    assert words in problem.message
    assert "(column " in problem.message


def test_an_index_on_a_read_value_is_allowed() -> None:
    text = variant((CONVICTION, "when: facts.passport['number'] == 'X1'"))

    assert definition_compile(text).plan.decision


def chain(length: int) -> str:
    """``length`` computed values, each reading the next; the last reads an answer."""
    lines = [f"  - id: c{i}\n    expression: computed.c{i + 1} + 1\n" for i in range(length - 1)]
    lines.append(f"  - id: c{length - 1}\n    expression: stay_days_of\n")
    return "".join(lines).replace("stay_days_of", "size(answers.company)")


def test_a_chain_of_1500_computed_values_is_refused_by_the_limit() -> None:
    text = variant((STAY, chain(1_500) + STAY))

    problem = only(problems_of(text), "schema")

    assert problem.where == "computed"
    assert "at most 200 item(s)" in problem.message


def test_a_chain_of_150_computed_values_is_worked_out() -> None:
    compiled = definition_compile(variant((STAY, chain(150) + STAY)))
    inputs = RuleInputs(
        answers={"purpose": "business", "company": "Acme"},
        facts={},
        today=dt.date(2026, 3, 2),
    )

    assert decision_evaluate(compiled, inputs).computed["c0"] == 4 + 149


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("        max_length: 2000\n", "        max_length: 2000\n        validations:\n"
         + "          - rule: size(value) > 1\n            message: {en: a, th: ก}\n" * 21,
         "pages[2].fields[1].validations"),
        ("          - value: tourism\n", "          - value: tourism\n"
         + "".join(f"            label: {{en: x, th: ก}}\n          - value: o{i}\n"
                   for i in range(500)), "pages[1].fields[2].options"),
    ],
)  # fmt: skip
def test_lists_over_their_limit_are_refused(old: str, new: str, where: str) -> None:
    problem = only(problems_of(variant((old, new))), "schema")

    assert problem.where == where
    assert "may have at most" in problem.message


def test_a_text_over_the_size_limit_is_refused_before_parsing() -> None:
    read = source_read(ETA + "#" * MAX_SOURCE_CHARS)

    assert [problem.code for problem in read.problems] == ["too_long"]


def test_a_mapping_over_the_size_limit_is_refused() -> None:
    data = source_read(ETA).data
    data["summary"] = {"en": "x" * MAX_SOURCE_CHARS, "th": "ก"}

    with pytest.raises(DefinitionInvalid) as refused:
        definition_compile_data(data)

    assert [problem.code for problem in refused.value.problems] == ["too_long"]
