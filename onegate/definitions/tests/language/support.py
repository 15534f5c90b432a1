"""The electronic travel authority definition the language tests start from, and its variants."""

from __future__ import annotations

from pathlib import Path

from onegate.definitions.language import DefinitionInvalid, Problem, definition_compile

ETA = (Path(__file__).parent / "eta.yaml").read_text(encoding="utf-8")


def variant(*replacements: tuple[str, str], text: str = ETA) -> str:
    """The ETA text with each ``(old, new)`` replaced once; ``old`` must be there."""
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` occurrence of ``needle``."""
    offset = -1
    for _ in range(nth):
        offset = text.index(needle, offset + 1)
    return text.count("\n", 0, offset) + 1


def problems_of(text: str) -> list[Problem]:
    """Every problem compiling ``text`` reports (fails when it compiles)."""
    try:
        definition_compile(text)
    except DefinitionInvalid as invalid:
        return invalid.problems
    raise AssertionError("the definition compiled")


def only(problems: list[Problem], code: str) -> Problem:
    """The one problem with ``code``."""
    found = [problem for problem in problems if problem.code == code]
    assert len(found) == 1, problems
    return found[0]
