"""The names a CEL expression uses, with their columns: a small tokenizer for CEL.

The ``cel`` package parses and runs expressions but has no checking phase, so the definition's
checks read the names themselves: identifier chains (``answers.arrival_date``,
``facts.passport.expires_on``), the functions called, and the variables that the macros
``exists``, ``all``, ``exists_one``, ``map`` and ``filter`` bind (local to the macro's call).
String literals and comments are skipped. On the way, what makes an expression costly to run is
measured: the deepest bracket nesting, the macro calls (comprehensions) and whether one sits inside
another's arguments, and the number of elements of each list literal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Comprehension", "Name", "NameScan", "names_scan"]

MACROS = frozenset({"exists", "all", "exists_one", "map", "filter"})
KEYWORDS = frozenset({"true", "false", "null", "in"})
QUOTES = "'\""

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|//[^\n]*)
  | (?P<string>(?:[rR][bB]?|[bB][rR]?)?(?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\"
        |'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"))
  | (?P<number>0[xX][0-9a-fA-F]+[uU]?|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?[uU]?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Name:
    """An identifier chain as written: ``answers.arrival_date`` or ``age_on`` in ``age_on(…)``."""

    parts: tuple[str, ...]
    columns: tuple[int, ...]  # 1-based column (offset + 1) of each part in the expression
    call: bool  # followed by "(": the last part is a function or method
    member: bool  # follows a "." after a bracket or a call: a member of a computed value
    indexed: bool = False  # followed by "[": ``answers['x']``
    key: str | None = None  # the index when it is a plain string: "x" in ``answers['x']``


@dataclass(frozen=True)
class Comprehension:
    """A macro call: ``.map(x, …)``; ``nested`` when it is inside another one's arguments."""

    macro: str
    column: int  # 1-based column of the macro's name
    nested: bool


@dataclass(frozen=True)
class NameScan:
    names: tuple[Name, ...]
    depth: int  # deepest nesting of (), [] and {}
    comprehensions: tuple[Comprehension, ...] = ()  # in the order they close
    lists: tuple[tuple[int, int], ...] = ()  # each list literal's (elements, 1-based column)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    offset: int


def _tokens(source: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup or "punct"
        if kind != "space":
            tokens.append(_Token(kind, match.group(), match.start()))
    return tokens


class _Structure:
    """One pass over the brackets: macro scopes, nesting depth, comprehensions, list sizes."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.scopes: list[tuple[int, int, str]] = []  # (opening, closing, bound variable)
        self.depth = 0
        self.comprehensions: list[Comprehension] = []
        self.lists: list[tuple[int, int]] = []
        self._stack: list[list[int]] = []  # [opening index, commas at its level, tokens inside]
        for index, token in enumerate(tokens):
            if token.kind == "punct" and token.text in "([{":
                self._open(index)
            elif token.kind == "punct" and token.text in ")]}" and self._stack:
                self._close(index)
            elif self._stack:
                self._stack[-1][2] += 1
                self._stack[-1][1] += token.text == ","
        while self._stack:  # brackets left open: their scopes run to the end
            opened = self._stack.pop()[0]
            self._macro_closed(opened, len(tokens))

    def _open(self, index: int) -> None:
        if self._stack:
            self._stack[-1][2] += 1
        self._stack.append([index, 0, 0])
        self.depth = max(self.depth, len(self._stack))

    def _close(self, index: int) -> None:
        opened, commas, inside = self._stack.pop()
        if self._stack:
            self._stack[-1][2] += 1
        if self.tokens[opened].text == "[" and self._is_list_literal(opened):
            trailing = self.tokens[index - 1].text == ","
            elements = commas + 1 - trailing if inside else 0
            self.lists.append((elements, self.tokens[opened].offset + 1))
        self._macro_closed(opened, index)

    def _macro_closed(self, opened: int, closing: int) -> None:
        if not _is_macro_call(self.tokens, opened):
            return
        self.scopes.append((opened, closing, self.tokens[opened + 1].text))
        nested = any(_is_macro_call(self.tokens, outer) for outer, _c, _i in self._stack)
        name = self.tokens[opened - 1]
        self.comprehensions.append(Comprehension(name.text, name.offset + 1, nested))

    def _is_list_literal(self, opened: int) -> bool:
        """``[`` starts a list unless it indexes what comes before (a name, a call, a string)."""
        if opened == 0:
            return True
        before = self.tokens[opened - 1]
        if before.kind == "ident":
            return before.text in KEYWORDS
        return before.kind == "punct" and before.text not in ")]}"


def _is_macro_call(tokens: list[_Token], opened: int) -> bool:
    return (
        tokens[opened].text == "("
        and opened >= 2
        and tokens[opened - 1].text in MACROS
        and tokens[opened - 2].text == "."
        and opened + 2 < len(tokens)
        and tokens[opened + 1].kind == "ident"
        and tokens[opened + 2].text == ","
    )


def names_scan(source: str) -> NameScan:
    """Every identifier chain in ``source`` that is not a keyword or a macro's own variable."""
    tokens = _tokens(source)
    structure = _Structure(tokens)
    scopes = structure.scopes
    names, index = [], 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind != "ident" or token.text in KEYWORDS:
            index += 1
            continue
        after_dot = index > 0 and tokens[index - 1].text == "."
        end = index + 1
        while end + 1 < len(tokens) and tokens[end].text == "." and tokens[end + 1].kind == "ident":
            end += 2
        chain = tokens[index:end:2]
        call = end < len(tokens) and tokens[end].text == "("
        bound = any(start < index <= stop and name == token.text for start, stop, name in scopes)
        if not bound or after_dot:
            names.append(
                Name(
                    parts=tuple(t.text for t in chain),
                    columns=tuple(t.offset + 1 for t in chain),
                    call=call,
                    member=after_dot,
                    indexed=end < len(tokens) and tokens[end].text == "[",
                    key=_string_key(tokens, end),
                )
            )
        index = end
    return NameScan(
        names=tuple(names),
        depth=structure.depth,
        comprehensions=tuple(structure.comprehensions),
        lists=tuple(structure.lists),
    )


def _string_key(tokens: list[_Token], opened: int) -> str | None:
    """The text of a plain quoted index, ``'x'`` in ``answers['x']``; None for anything else."""
    if opened + 2 >= len(tokens) or tokens[opened].text != "[" or tokens[opened + 2].text != "]":
        return None
    literal = tokens[opened + 1]
    quote = literal.text[0]
    if literal.kind != "string" or quote not in QUOTES or literal.text.startswith(quote * 3):
        return None
    return literal.text[1:-1]
