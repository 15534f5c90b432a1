"""Malformed YAML and schema violations: each reported with its path and line."""

from __future__ import annotations

import json

import yaml

from onegate.definitions.language import definition_compile

from .support import ETA, line_of, only, problems_of, variant


def test_the_example_definition_compiles() -> None:
    compiled = definition_compile(ETA)

    assert compiled.model.service == "electronic-travel-authority"
    assert compiled.source == ETA


def test_json_text_compiles_too() -> None:
    text = json.dumps(yaml.safe_load(ETA), default=str, ensure_ascii=False, indent="\t")

    assert definition_compile(text).model == definition_compile(ETA).model


def test_malformed_yaml_is_reported_with_its_line() -> None:
    text = variant(("  en: Your passport\n", "  en: [Your passport\n"))

    problem = only(problems_of(text), "yaml")

    assert problem.line is not None
    assert problem.line >= line_of(text, "[Your passport")
    assert "not valid YAML" in problem.message


def test_a_key_given_twice_is_reported_at_the_second() -> None:
    text = variant(("sla_working_days: 3\n", "sla_working_days: 3\nsla_working_days: 4\n"))

    problem = only(problems_of(text), "duplicate_key")

    assert (problem.where, problem.line) == (
        "sla_working_days",
        line_of(text, "sla_working_days: 4"),
    )


def test_an_unknown_field_type_is_named_with_the_types() -> None:
    text = variant(("type: passport_number", "type: txet"))

    problem = only(problems_of(text), "schema")

    assert problem.where == "pages[0].fields[0].type"
    assert problem.line == line_of(text, "type: txet")
    assert "unknown field type “txet”; the types are: text, long_text" in problem.message
    assert "field “passport_number”" in problem.message
    assert "service “electronic-travel-authority”" in problem.message


def test_an_unknown_key_is_named_with_the_keys_allowed() -> None:
    text = variant(("        max_length: 2000", "        max_lenght: 2000"))

    problem = only(problems_of(text), "schema")

    assert problem.where == "pages[2].fields[1].max_lenght"
    assert problem.line == line_of(text, "max_lenght")
    assert "unknown key “max_lenght”" in problem.message
    assert "max_length" in problem.message


def test_every_schema_violation_is_reported_at_once() -> None:
    text = variant(
        ("level_of_assurance: substantial", "level_of_assurance: medium"),
        ("    - id: conviction\n", "    - id: Conviction\n"),
        ("sla_working_days: 3\n", ""),
    )

    problems = problems_of(text)

    by_where = {problem.where: problem for problem in problems}
    assert set(by_where) == {"level_of_assurance", "decision.rules[0].id", "sla_working_days"}
    assert by_where["level_of_assurance"].line == line_of(text, "level_of_assurance")
    assert by_where["decision.rules[0].id"].line == line_of(text, "id: Conviction")
    assert "is not an identifier" in by_where["decision.rules[0].id"].message
    assert "required" in by_where["sla_working_days"].message
    assert by_where["sla_working_days"].line is None or by_where["sla_working_days"].line == 1


def test_a_problem_reads_with_its_line_and_place() -> None:
    text = variant(("type: passport_number", "type: txet"))

    problem = only(problems_of(text), "schema")

    assert str(problem).startswith(f"line {problem.line}, pages[0].fields[0].type: service")


def test_aliases_are_refused_before_they_can_multiply() -> None:
    # ten lines standing for ten million values ("billion laughs"): refused at once, not walked
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 7)]
    text = "\n".join([*lines, "service: *a6"])

    (problem,) = problems_of(text)

    assert (problem.code, problem.line) == ("alias", 1)  # where the anchor is
    assert "Anchors and aliases" in problem.message


def test_a_file_nested_too_deep_is_refused_in_yaml_and_in_json() -> None:
    yaml_text = "service:" + "".join(f"\n{'  ' * depth}- " for depth in range(45)) + "x"
    json_text = "{\t" + '"a": {' * 3000 + "1" + "}" * 3001  # a tab: YAML refuses, JSON reads

    for text in (yaml_text, json_text):
        (problem,) = problems_of(text)
        assert problem.code == "too_deep"
        assert "deeper than 40 levels" in problem.message
