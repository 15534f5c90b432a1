"""The names a CEL expression uses, with their columns: a small tokenizer for CEL.

The ``cel`` package parses and runs expressions but has no checking phase, so the definition's
checks read the names themselves: identifier chains (``answers.arrival_date``,
``facts.passport.expires_on``), the functions called, and the variables that the macros
``exists``, ``all``, ``exists_one``, ``map`` and ``filter`` bind (local to the macro's call).
String literals and comments are skipped. The deepest bracket nesting is measured on the way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Name", "NameScan", "names_scan"]

MACROS = frozenset({"exists", "all", "exists_one", "map", "filter"})
KEYWORDS = frozenset({"true", "false", "null", "in"})

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


@dataclass(frozen=True)
class NameScan:
    names: tuple[Name, ...]
    depth: int  # deepest nesting of (), [] and {}


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


def _scopes(tokens: list[_Token]) -> tuple[list[tuple[int, int, str]], int]:
    """The token ranges where a macro's variable is bound, and the deepest nesting."""
    scopes, stack, depth = [], [], 0
    for index, token in enumerate(tokens):
        if token.text in "([{" and token.kind == "punct":
            stack.append(index)
            depth = max(depth, len(stack))
        elif token.text in ")]}" and token.kind == "punct" and stack:
            opened = stack.pop()
            if _is_macro_call(tokens, opened):
                scopes.append((opened, index, tokens[opened + 1].text))
    scopes += [
        (opened, len(tokens), tokens[opened + 1].text)
        for opened in stack
        if _is_macro_call(tokens, opened)
    ]
    return scopes, depth


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
    scopes, depth = _scopes(tokens)
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
                )
            )
        index = end
    return NameScan(names=tuple(names), depth=depth)
