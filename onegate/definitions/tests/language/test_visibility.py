"""Hidden answers do not count, and an eligibility rule that cannot be evaluated is errored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from onegate.definitions.language import (
    CompiledDefinition,
    Outcome,
    RuleInputs,
    answers_visible,
    decision_evaluate,
    definition_compile,
    eligibility_evaluate,
    rules_evaluate,
    rules_tests_run,
    visibility_evaluate,
)

from .support import ETA, variant

TODAY = dt.date(2026, 3, 2)
FACTS = {
    "nationality": "GBR",
    "passport": {"number": "123456789", "expires_on": dt.date(2030, 1, 1)},
    "date_of_birth": dt.date(1990, 1, 1),
}
ANSWERS = {
    "arrival_date": dt.date(2026, 4, 1),
    "departure_date": dt.date(2026, 4, 15),
    "purpose": "tourism",
    "convicted": False,
    "declaration": True,
}
HISTORY_PAGE = "      th: ประวัติการต้องโทษ\n"
# The convictions page is asked only of business travellers.
BUSINESS_ONLY = (HISTORY_PAGE, HISTORY_PAGE + "    condition: answers.purpose == 'business'\n")


def inputs(**answers: Any) -> RuleInputs:
    return RuleInputs(answers=ANSWERS | answers, facts=FACTS, today=TODAY)


@pytest.fixture(scope="module")
def eta() -> CompiledDefinition:
    return definition_compile(ETA)


@pytest.fixture(scope="module")
def business_only() -> CompiledDefinition:
    return definition_compile(variant(BUSINESS_ONLY))


def test_the_answer_of_a_hidden_field_is_none(eta: CompiledDefinition) -> None:
    answers = answers_visible(eta, inputs(company="Acme", conviction_details="Fined in 2015"))

    assert answers["company"] is None
    assert answers["conviction_details"] is None
    assert answers["purpose"] == "tourism"


def test_the_answer_of_a_shown_field_counts(eta: CompiledDefinition) -> None:
    answers = answers_visible(eta, inputs(purpose="business", company="Acme"))

    assert answers["company"] == "Acme"


def test_a_hidden_page_hides_its_answers_and_those_that_depend_on_them(
    business_only: CompiledDefinition,
) -> None:
    answers = answers_visible(
        business_only, inputs(convicted=True, conviction_details="Fined in 2015")
    )

    assert (answers["convicted"], answers["conviction_details"]) == (None, None)
    shown = visibility_evaluate(business_only, inputs(convicted=True))
    assert "history" not in shown.pages
    assert "convicted" not in shown.fields


def test_a_decision_does_not_read_an_answer_from_a_hidden_page(
    business_only: CompiledDefinition,
) -> None:
    tourist = decision_evaluate(business_only, inputs(convicted=True))
    business = decision_evaluate(
        business_only, inputs(purpose="business", company="Acme", convicted=True)
    )

    assert (tourist.outcome, tourist.rule) == (Outcome.APPROVE, "otherwise")
    assert (business.outcome, business.rule) == (Outcome.REFER, "conviction")
    assert rules_evaluate(business_only, inputs(convicted=True)).decision == tourist


def test_eligibility_does_not_read_an_answer_from_a_hidden_page() -> None:
    compiled = definition_compile(
        variant(
            BUSINESS_ONLY,
            ("  - id: passport_valid_on_arrival\n", "  - id: not_convicted\n"
             "    rule: answers.convicted != true\n    reason: {en: Refused, th: ไม่}\n"
             "  - id: passport_valid_on_arrival\n"),
        )
    )  # fmt: skip

    assert eligibility_evaluate(compiled, inputs(convicted=True)).eligible is True
    business = eligibility_evaluate(compiled, inputs(purpose="business", convicted=True))
    assert (business.eligible, business.failed_rule) == (False, "not_convicted")


def test_a_rule_reading_a_hidden_unanswered_field_does_not_wait_for_it() -> None:
    compiled = definition_compile(
        variant(
            ("  - id: passport_valid_on_arrival\n", "  - id: known_company\n"
             "    rule: answers.company != 'Banned Ltd'\n    reason: {en: Refused, th: ไม่}\n"
             "  - id: passport_valid_on_arrival\n"),
        )
    )  # fmt: skip
    waiting = RuleInputs(answers={"arrival_date": dt.date(2026, 4, 1)}, facts=FACTS, today=TODAY)

    assert eligibility_evaluate(compiled, waiting).pending == ("known_company",)
    assert eligibility_evaluate(compiled, inputs()).eligible is True


def test_the_rules_tests_do_not_count_a_hidden_answer() -> None:
    text = variant(
        BUSINESS_ONLY,
        ("tests:\n", "tests:\n  - name: a tourist's stray conviction answer is ignored\n"
         "    today: 2026-03-02\n    facts: {nationality: GBR, passport: {number: '1', "
         "expires_on: 2030-01-01}, date_of_birth: 1990-01-01}\n"
         "    answers: {arrival_date: 2026-04-01, departure_date: 2026-04-15, purpose: tourism, "
         "convicted: true, declaration: true}\n    expect_outcome: approve\n"),
    )  # fmt: skip

    results = rules_tests_run(definition_compile(text))

    assert results[0].passed, results[0].failures


DIVIDES = (
    "  - id: passport_valid_on_arrival\n",
    "  - id: stays_a_day\n    rule: 10 / days_between(answers.arrival_date, "
    "answers.departure_date) < 100\n    reason: {en: Refused, th: ไม่}\n"
    "  - id: passport_valid_on_arrival\n",
)


def test_a_rule_with_all_its_inputs_that_cannot_be_evaluated_is_errored() -> None:
    compiled = definition_compile(variant(DIVIDES))
    same_day = inputs(departure_date=ANSWERS["arrival_date"])  # 10 / 0

    result = eligibility_evaluate(compiled, same_day)

    assert (result.eligible, result.errored, result.pending) == (None, ("stays_a_day",), ())
    assert rules_evaluate(compiled, same_day).decision is None


def test_a_rule_on_an_empty_answer_still_waits() -> None:
    compiled = definition_compile(variant(DIVIDES))

    result = eligibility_evaluate(compiled, inputs(departure_date=None))

    assert (result.eligible, result.errored) == (None, ())
    assert "stays_a_day" in result.pending


def test_a_failing_rule_still_makes_the_person_ineligible_after_an_errored_one() -> None:
    compiled = definition_compile(variant(DIVIDES))
    facts = FACTS | {"passport": {"number": "1", "expires_on": dt.date(2026, 5, 1)}}

    result = eligibility_evaluate(
        compiled,
        RuleInputs(answers=ANSWERS | {"departure_date": ANSWERS["arrival_date"]}, facts=facts,
                   today=TODAY),
    )  # fmt: skip

    assert (result.eligible, result.failed_rule, result.errored) == (
        False,
        "passport_valid_on_arrival",
        ("stays_a_day",),
    )


def test_a_rules_test_names_the_errored_rule() -> None:
    text = variant(
        DIVIDES,
        ("tests:\n", "tests:\n  - name: leaves the day they arrive\n"
         "    today: 2026-03-02\n    facts: {nationality: GBR, passport: {number: '1', "
         "expires_on: 2030-01-01}, date_of_birth: 1990-01-01}\n"
         "    answers: {arrival_date: 2026-04-01, departure_date: 2026-04-01, purpose: tourism, "
         "convicted: false, declaration: true}\n"),
    )  # fmt: skip

    [result, *_rest] = rules_tests_run(definition_compile(text))

    assert result.failures == [
        "expected eligible, but the eligibility rule “stays_a_day” cannot be evaluated"
    ]
