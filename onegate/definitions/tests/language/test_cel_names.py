"""Reading the names of a CEL expression: chains, calls, macro variables, strings skipped."""

from __future__ import annotations

from onegate.definitions.language.cel_names import Name, names_scan


def chains(source: str) -> list[tuple[str, ...]]:
    return [name.parts for name in names_scan(source).names]


def test_chains_with_their_columns_and_calls() -> None:
    [first, second] = names_scan("age_on(facts.born, today())").names[:2]

    assert first == Name(("age_on",), (1,), call=True, member=False)
    assert second == Name(("facts", "born"), (8, 14), call=False, member=False)


def test_strings_comments_and_numbers_hide_no_names() -> None:
    source = (
        'answers.a == \'answers.b\' || answers.c == "it\\"s answers.d" '
        "|| r'answers.e' == '''answers.f''' // answers.g\n|| 1.5e3 > 0x1F && 3u > 2u"
    )

    assert chains(source) == [("answers", "a"), ("answers", "c")]


def test_macro_variables_are_local_to_their_call() -> None:
    source = "answers.trips.exists(t, t.days > 3) && t.days > 3"

    assert chains(source) == [("answers", "trips", "exists"), ("t", "days")]


def test_a_member_of_a_computed_value_is_marked() -> None:
    [_call, member] = names_scan("answers.trips[0].country").names

    assert member == Name(("country",), (18,), call=False, member=True)


def test_the_deepest_nesting_is_measured() -> None:
    assert names_scan("f([{'a': (1)}])").depth == 4
    assert names_scan("')))((('").depth == 0


def test_comprehensions_and_whether_one_is_inside_another() -> None:
    scan = names_scan("[1].map(a, [2].exists(b, b > a)).filter(c, c)")

    assert [(c.macro, c.column, c.nested) for c in scan.comprehensions] == [
        ("exists", 16, True),
        ("map", 5, False),
        ("filter", 34, False),
    ]


def test_list_literals_are_counted_and_indexes_are_not() -> None:
    scan = names_scan("x in [1, 2, 3,] && answers.trips[0] == [] && 'ab'[1] in [[4], 5]")

    assert scan.lists == ((3, 6), (0, 40), (1, 58), (2, 57))  # as they close


def test_an_index_on_a_root_is_marked_with_its_key() -> None:
    [name] = names_scan("answers['nationality'] == 'TH'").names

    assert (name.parts, name.indexed, name.key) == (("answers",), True, "nationality")
