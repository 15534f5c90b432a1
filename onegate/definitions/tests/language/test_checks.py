"""Cross-checks: translations, duplicate ids, registry facts, groups, messages and examples."""

from __future__ import annotations

from .support import ETA, line_of, only, problems_of, variant

GROUP = """\
      - id: companions
        type: group
        label: {en: People travelling with you, th: ผู้ร่วมเดินทาง}
        item_label: {en: Person, th: บุคคล}
        fields:
          - id: companion_name
            type: text
            label: {en: Name, th: ชื่อ}
"""


def test_a_missing_translation_is_reported_where_the_text_is() -> None:
    text = variant(("      th: หนังสือเดินทางของคุณ\n", ""))

    problem = only(problems_of(text), "missing_translation")

    assert problem.where == "pages[0].title"
    assert problem.line == line_of(text, "    title:\n      en: Your passport")
    assert "“th”" in problem.message
    assert "page “passport”" in problem.message


def test_an_empty_translation_and_a_language_not_supported_are_reported() -> None:
    text = variant(
        ("    en: Electronic travel authority\n", '    en: "  "\n'),
        ("  en: Apply for an electronic travel authority\n", "  en: Apply\n  fr: Demander\n"),
    )

    problems = problems_of(text)

    assert only(problems, "missing_translation").where == "issues.title"
    unknown = only(problems, "unknown_language")
    assert (unknown.where, unknown.line) == ("title.fr", line_of(text, "fr: Demander"))


def test_duplicate_ids_are_reported_at_the_second_use() -> None:
    text = variant(
        ("  - id: trip\n", "  - id: passport\n"),
        ("      - id: company\n", "      - id: purpose\n"),
        ("    - id: long_stay\n", "    - id: passport_held\n"),
        (
            "            label: {en: Business, th: ธุรกิจ}",
            "            label: {en: Business, th: ธุรกิจ}\n"
            "          - value: tourism\n            label: {en: Again, th: อีก}",
        ),
    )

    problems = [problem for problem in problems_of(text) if problem.code == "duplicate_id"]

    assert [problem.where for problem in problems] == [
        "pages[1].id",
        "pages[1].fields[3].id",
        "decision.rules[1].id",
        "pages[1].fields[2].options[2].value",
    ]
    assert problems[0].line == line_of(text, "- id: passport\n", 2)
    assert "already used at pages[0].id (line" in problems[0].message


def test_a_field_inside_a_group_must_have_an_id_of_its_own() -> None:
    text = variant(
        (
            "  - id: confirm\n",
            "  - id: companions_page\n    title: {en: With, th: กับ}\n"
            "    fields:\n" + GROUP.replace("companion_name", "convicted") + "  - id: confirm\n",
        )
    )

    problem = only(problems_of(text), "duplicate_id")

    assert problem.where == "pages[3].fields[0].fields[0].id"


def test_groups_nest_at_most_twice() -> None:
    inner = GROUP.replace("companions", "inner").replace("companion_name", "inner_name")
    deepest = GROUP.replace("companions", "deepest").replace("companion_name", "deepest_name")
    nested = GROUP + _indent(inner + _indent(deepest))
    text = variant(
        (
            "  - id: confirm\n",
            "  - id: companions_page\n    title: {en: With, th: กับ}\n"
            "    fields:\n" + nested + "  - id: confirm\n",
        )
    )

    problem = only(problems_of(text), "too_deep")

    assert problem.where == "pages[3].fields[0].fields[1].fields[1]"
    assert problem.line == line_of(text, "- id: deepest")


def _indent(block: str) -> str:
    return "".join("    " + line + "\n" for line in block.splitlines())


def test_a_fact_binding_must_name_a_registry_fact() -> None:
    text = variant(("  nationality: person.nationality", "  nationality: person.citizenship"))

    problem = only(problems_of(text), "unknown_fact")

    assert (problem.where, problem.line) == (
        "facts.nationality",
        line_of(text, "person.citizenship"),
    )
    assert "no fact “person.citizenship”" in problem.message
    assert "person.passport" in problem.message


def test_prefill_must_name_a_declared_fact() -> None:
    text = variant(("prefill: passport.number", "prefill: travel_document.number"))

    problem = only(problems_of(text), "unknown_fact")

    assert problem.where == "pages[0].fields[0].prefill"
    assert problem.line == line_of(text, "prefill: travel_document")
    assert "“travel_document” is not declared under facts:" in problem.message


def test_a_message_may_use_only_its_events_placeholders() -> None:
    text = variant(("your {service} was approved", "your {service} was approved by {officer}"))

    problem = only(problems_of(text), "template")

    assert problem.where == "notifications.approved.body.en"
    assert "{officer} is not a placeholder" in problem.message
    assert "decided_on" in problem.message


def test_unbalanced_braces_in_a_message_are_reported() -> None:
    text = variant(("ได้รับอนุมัติเมื่อ {decided_on}", "ได้รับอนุมัติเมื่อ {decided_on"))

    assert only(problems_of(text), "template").where == "notifications.approved.body.th"


def test_examples_name_only_declared_fields_facts_and_rules() -> None:
    text = variant(
        ("      purpose: tourism\n", "      purpose: tourism\n      pet: dog\n"),
        ("      nationality: GBR\n", "      nationality: GBR\n      visa: none\n"),
        ("    expect_rule: conviction", "    expect_rule: convicted"),
        (
            "    expect_ineligible_because: passport_valid_on_arrival",
            "    expect_ineligible_because: old_passport",
        ),
        ("{stay_days: 14}", "{stay_length: 14}"),
    )

    problems = [problem for problem in problems_of(text) if problem.code == "unknown_reference"]

    assert [problem.where for problem in problems] == [
        "tests[0].answers.pet",
        "tests[0].facts.visa",
        "tests[0].expect_computed.stay_length",
        "tests[1].expect_rule",
        "tests[2].expect_ineligible_because",
    ]
    assert problems[0].line == line_of(text, "pet: dog")
    assert "example “A tourist with a valid passport is approved”" in problems[0].message


def test_nobody_may_apply_is_refused() -> None:
    text = variant(("  self: true\n  child: true\n  child_max_age: 17\n", "  self: false\n"))

    assert only(problems_of(text), "schema").where == "applicants"


def test_a_choice_field_needs_options() -> None:
    text = variant(
        (
            "        options:\n          - value: tourism\n"
            "            label: {en: Tourism, th: ท่องเที่ยว}\n"
            "          - value: business\n            label: {en: Business, th: ธุรกิจ}\n",
            "        options: []\n",
        ),
        ("answers.purpose == 'business'", "answers.convicted"),
        ("      purpose: business\n", ""),
    )

    problem = only(problems_of(text), "schema")

    assert problem.where == "pages[1].fields[2].options"
    assert "at least 1" in problem.message


def test_the_decision_needs_otherwise() -> None:
    start = ETA.index("  otherwise:")
    end = ETA.index("issues:")
    text = ETA[:start] + ETA[end:]

    problem = only(problems_of(text), "schema")

    assert problem.where == "decision.otherwise"
    assert "required" in problem.message


def test_a_name_cel_keeps_for_itself_is_refused() -> None:
    text = variant(("      - id: company\n", "      - id: import\n"))

    problem = only(problems_of(text), "schema")

    assert problem.where == "pages[1].fields[3].id"
    assert "“import” is a word CEL keeps for itself" in problem.message


def test_a_file_that_is_not_a_mapping_is_refused() -> None:
    [problem] = problems_of("- a list\n- of things\n")

    assert (problem.code, problem.line) == ("schema", 1)
    assert problem.message == "this should be a mapping of keys to values."
