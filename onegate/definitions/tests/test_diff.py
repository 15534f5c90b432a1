"""The readable diff between two versions: questions, rules, messages, other settings, lines."""

from __future__ import annotations

import yaml

from onegate.definitions.diff import ADDED, CHANGED, REMOVED, Change, definition_diff
from onegate.definitions.language.model import ServiceDefinition
from onegate.definitions.tests.support import FISHING, fishing


def model(source: str) -> ServiceDefinition:
    return ServiceDefinition.model_validate(yaml.safe_load(source))


def diff(new: str, old: str = FISHING):
    return definition_diff(model(old), model(new), old_source=old, new_source=new)


def details(change: Change) -> dict[str, tuple[str, str]]:
    return {detail.name: (detail.old, detail.new) for detail in change.details}


def test_the_same_definition_has_no_changes():
    result = diff(FISHING)
    assert not result.has_changes and result.lines == []


def test_a_changed_label_names_the_question_and_the_language():
    result = diff(fishing(("th: คุณจะใช้เรือหรือไม่", "th: คุณจะใช้เรือไหม")))
    [change] = result.questions
    assert (change.kind, change.thing, change.name) == (CHANGED, "Question", "boat")
    assert details(change) == {"Label (th)": ("คุณจะใช้เรือหรือไม่", "คุณจะใช้เรือไหม")}
    assert not result.rules and not result.messages and not result.other


def test_type_required_condition_and_options_are_reported():
    new = fishing(
        ("        type: yes_no\n", "        type: yes_no\n        required: false\n"),
        ("    condition: answers.boat\n", "    condition: answers.boat == true\n"),
        (
            "          - value: motor\n            label:\n              en: A motor",
            "          - value: motor\n            label:\n              en: An engine",
        ),
    )
    result = diff(new)
    changes = {(c.thing, c.name): details(c) for c in result.questions}
    assert changes[("Question", "boat")] == {"Required": ("Yes", "No")}
    assert changes[("Page", "boat_details")] == {
        "Shown only when": ("answers.boat", "answers.boat == true")
    }
    assert changes[("Question", "engine")] == {
        "Option “motor” > Label (en)": ("A motor", "An engine")
    }


def test_added_and_removed_questions():
    new = fishing(
        (
            "      - id: boat\n        type: yes_no\n",
            "      - id: anglers\n        type: number\n        label:\n          en: How many?\n"
            "          th: กี่คน\n      - id: boat\n        type: yes_no\n",
        ),
    )
    [added] = diff(new).questions
    assert (added.kind, added.name) == (ADDED, "anglers")
    assert details(added)["Label (en)"] == ("", "How many?")
    [removed] = diff(FISHING, old=new).questions
    assert (removed.kind, removed.name) == (REMOVED, "anglers")


def test_rules_show_the_old_and_new_expression_and_reason():
    new = fishing(
        ("rule: answers.days <= 30", "rule: answers.days <= 14"),
        ("      en: A park officer checks motor boats.", "      en: An officer checks motors."),
    )
    changes = {(c.thing, c.name): details(c) for c in diff(new).rules}
    assert changes[("Eligibility rule", "short_trip")] == {
        "Rule": ("answers.days <= 30", "answers.days <= 14")
    }
    assert changes[("Decision rule", "motor_boat")] == {
        "Reason (en)": ("A park officer checks motor boats.", "An officer checks motors.")
    }


def test_messages_per_event_and_language():
    new = fishing(("      th: ใบอนุญาตอยู่ในบัญชีของคุณ", "      th: ดูใบอนุญาตในบัญชีของคุณ"))
    [change] = diff(new).messages
    assert (change.thing, change.name) == ("Message", "approved")
    assert details(change) == {"Body (th)": ("ใบอนุญาตอยู่ในบัญชีของคุณ", "ดูใบอนุญาตในบัญชีของคุณ")}


def test_other_settings_and_the_line_diff():
    new = fishing(
        ("level_of_assurance: substantial", "level_of_assurance: high"),
        ("sla_working_days: 3", "sla_working_days: 5\nfee:\n  amount: 100"),
    )
    result = diff(new)
    changes = {c.name: details(c) for c in result.other}
    assert changes["level_of_assurance"] == {"Value": ("substantial", "high")}
    assert changes["sla_working_days"] == {"Value": ("3", "5")}
    assert changes["fee"]["Amount"] == ("", "100")
    assert "-level_of_assurance: substantial" in result.lines
    assert "+level_of_assurance: high" in result.lines


LONG_STAY = (
    "    - id: long_stay\n      when: answers.days > 20\n      outcome: refer\n"
    "      reason:\n        en: Long stays are checked.\n        th: ตรวจสอบการพักนาน\n"
)


def test_a_reordered_decision_rule_reports_its_position_and_only_it():
    after = fishing(("  otherwise:\n", LONG_STAY + "  otherwise:\n"))
    before = fishing(("  rules:\n", "  rules:\n" + LONG_STAY))

    changes = [c for c in diff(after, old=before).rules if c.thing == "Decision rule"]

    assert len(changes) == 1
    assert details(changes[0]) == {"Position": ("1", "2")} or details(changes[0]) == {
        "Position": ("2", "1")
    }


DAYS = FISHING[FISHING.index("      - id: days") : FISHING.index("      - id: boat")]


def test_a_question_moved_within_its_page_reports_its_position():
    moved = fishing(
        (DAYS, ""), ("          th: คุณจะใช้เรือหรือไม่\n", "          th: คุณจะใช้เรือหรือไม่\n" + DAYS)
    )
    assert moved != FISHING

    changes = diff(moved).questions

    assert len(changes) == 1
    assert changes[0].name in ("days", "boat")
    assert list(details(changes[0])) == ["Position"]


def validation(rule: str, english: str) -> str:
    return (
        f"          - rule: {rule}\n            message:\n              en: {english}\n"
        f"              th: {english}\n"
    )


EVEN = validation("answers.days % 2 == 0", "An even number of days")
WEEK = validation("answers.days <= 7 || answers.boat", "A week at most without a boat")
FIRST = validation("answers.days != 13", "Not 13 days")


def with_validations(*validations: str) -> str:
    return fishing(
        ("        max: 60\n", "        max: 60\n        validations:\n" + "".join(validations))
    )


def test_a_validation_inserted_at_the_top_is_one_added():
    changes = diff(with_validations(FIRST, EVEN, WEEK), old=with_validations(EVEN, WEEK)).rules

    assert [(c.kind, c.thing, c.name) for c in changes] == [
        (ADDED, "Validation", "days: answers.days != 13")
    ]


def test_a_validation_keeps_its_name_when_its_message_changes():
    reworded = EVEN.replace("An even number of days", "Fish an even number of days")

    [change] = diff(with_validations(reworded, WEEK), old=with_validations(EVEN, WEEK)).rules

    assert (change.kind, change.name) == (CHANGED, "days: answers.days % 2 == 0")
    assert details(change)["Message (en)"] == (
        "An even number of days",
        "Fish an even number of days",
    )
