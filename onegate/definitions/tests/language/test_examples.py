"""Rules tests: the examples a definition carries, passing and failing."""

from __future__ import annotations

from onegate.definitions.language import definition_check, definition_compile, rules_tests_run

from .support import ETA, line_of, problems_of, variant


def test_the_examples_pass() -> None:
    results = rules_tests_run(definition_compile(ETA))

    assert [(result.passed, result.failures) for result in results] == [(True, [])] * 3
    assert definition_check(ETA) == []


def test_a_wrong_outcome_fails_the_example_and_says_what_differed() -> None:
    text = variant(("    expect_outcome: refer\n", "    expect_outcome: approve\n"))

    [problem] = definition_check(text)

    assert (problem.code, problem.where) == ("test_failed", "tests[1]")
    assert problem.line == line_of(text, "- name: A conviction")
    assert "example “A conviction is referred to an officer”" in problem.message
    assert "expected the outcome “approve”, but got “refer” (rule “conviction”)" in problem.message


def test_a_wrong_rule_and_computed_value_are_both_reported() -> None:
    text = variant(
        ("    expect_rule: otherwise\n", "    expect_rule: long_stay\n"),
        ("{stay_days: 14}", "{stay_days: 15}"),
    )

    [result, _second, _third] = rules_tests_run(definition_compile(text))

    assert not result.passed
    assert result.failures == [
        "expected the rule “long_stay” to decide, but “otherwise” did",
        "expected computed.stay_days to be 15, but it is 14",
    ]


def test_an_example_expected_eligible_that_is_not_fails() -> None:
    text = variant(("passport: {number: \"123456789\", expires_on: 2030-01-01}",
                    "passport: {number: \"123456789\", expires_on: 2026-05-01}"))  # fmt: skip

    [problem] = definition_check(text)

    assert problem.where == "tests[0]"
    assert "the eligibility rule “passport_valid_on_arrival” fails" in problem.message


def test_an_example_failing_on_another_eligibility_rule_fails() -> None:
    text = variant(("      nationality: JPN\n", "      nationality: PRK\n"))

    [problem] = definition_check(text)

    assert problem.where == "tests[2]"
    assert (
        "“passport_valid_on_arrival” to fail, but “nationality_eligible” fails first"
        in problem.message
    )


def test_an_example_still_waiting_for_answers_fails() -> None:
    text = variant(("      arrival_date: 2026-04-01\n      departure_date: 2026-04-15\n", ""))

    [problem] = definition_check(text)

    assert "rules wait for answers or facts: passport_valid_on_arrival" in problem.message


def test_a_definition_that_does_not_compile_gives_its_compile_problems() -> None:
    text = variant(("type: passport_number", "type: txet"))

    assert definition_check(text) == problems_of(text)


def test_json_dates_in_examples_are_dates() -> None:
    text = variant(("    today: 2026-03-02\n", "    today: '2026-03-02'\n"),
                   ("expires_on: 2030-01-01}", "expires_on: '2030-01-01'}"))  # fmt: skip

    assert definition_check(text) == []
