"""The definition's CEL rules: found, compiled once, and checked against what the file declares.

Every expression (page and field conditions, validations, date bounds, computed values,
eligibility and decision rules) is compiled at validation time and kept. Since the ``cel``
package has no type-checking phase, each expression's names are read (``cel_names``) and
checked against the declared context, its length and nesting are limited, and ``rules_types``
runs it once against sample answers to find type errors.

What an expression may cost is bounded before it ever runs: a comprehension (``all``, ``exists``,
``exists_one``, ``map``, ``filter``) may not sit inside another one's arguments (each level
multiplies the work), an expression has at most ``MAX_COMPREHENSIONS`` of them, and a list
literal at most ``MAX_LIST_ELEMENTS`` elements. Answers, facts, computed values and group items
are read by name (``answers.x``), never by index or whole, so the checks know what a rule reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import cel
from django.utils.translation import gettext as _

from .cel_names import Name, NameScan, names_scan
from .functions import FUNCTION_NAMES
from .model import AnyField, GroupField, ServiceDefinition
from .problems import ProblemList, where_of

__all__ = ["CompiledRule", "Site", "rules_compile", "sites_of"]

MAX_LENGTH = 1_000
MAX_DEPTH = 20
MAX_COMPREHENSIONS = 3
MAX_LIST_ELEMENTS = 100
ROOTS = ("answers", "facts", "computed", "item")
BUILTIN_FUNCTIONS = frozenset(
    {"size", "int", "uint", "double", "string", "bytes", "bool", "timestamp", "duration", "type",
     "dyn", "has", "matches"}
)  # fmt: skip
BUILTIN_METHODS = frozenset(
    {"size", "contains", "startsWith", "endsWith", "matches", "exists", "all", "exists_one", "map",
     "filter", "getFullYear", "getMonth", "getDayOfMonth", "getDate", "getDayOfWeek",
     "getDayOfYear", "getHours", "getMinutes", "getSeconds", "getMilliseconds"}
)  # fmt: skip
TYPE_NAMES = frozenset(
    {"int", "uint", "double", "string", "bytes", "bool", "list", "map", "null_type", "type", "dyn"}
)
APPLICANTS = ("self", "child", "delegated")
BOOLEAN_KINDS = frozenset(
    {"page_condition", "field_condition", "validation", "eligibility", "decision"}
)


@dataclass(frozen=True)
class Site:
    """Where an expression is in the file and what it must give."""

    path: tuple[str | int, ...]
    text: str
    # page_condition, field_condition, validation, date_bound, computed, eligibility, decision
    kind: str
    owner: str  # the id of the page, field, computed value or rule it belongs to
    field: AnyField | None = None  # the field a validation or date bound checks (``value``)
    group: GroupField | None = None  # the repeating group an inner field is in (``item``)

    @property
    def where(self) -> str:
        return where_of(self.path)


@dataclass(frozen=True)
class CompiledRule:
    """A compiled expression and the declared names it reads."""

    site: Site
    program: Any  # cel.Program
    answers: frozenset[str]
    facts: frozenset[str]
    computed: frozenset[str]


def sites_of(model: ServiceDefinition) -> list[Site]:
    """Every expression in the definition, in file order."""
    sites = []
    for p, page in enumerate(model.pages):
        if page.condition:
            sites.append(Site(("pages", p, "condition"), page.condition, "page_condition", page.id))
        for f, field in enumerate(page.fields):
            sites += _field_sites(("pages", p, "fields", f), field, None)
    for c, computed in enumerate(model.computed):
        sites.append(
            Site(("computed", c, "expression"), computed.expression, "computed", computed.id)
        )
    for e, rule in enumerate(model.eligibility):
        sites.append(Site(("eligibility", e, "rule"), rule.rule, "eligibility", rule.id))
    for d, decision in enumerate(model.decision.rules):
        sites.append(Site(("decision", "rules", d, "when"), decision.when, "decision", decision.id))
    return sites


def _field_sites(
    path: tuple[str | int, ...], field: AnyField, group: GroupField | None
) -> list[Site]:
    sites = []
    if field.condition:
        sites.append(
            Site((*path, "condition"), field.condition, "field_condition", field.id, field, group)
        )
    for v, validation in enumerate(field.validations):
        sites.append(
            Site(
                (*path, "validations", v, "rule"),
                validation.rule,
                "validation",
                field.id,
                field,
                group,
            )
        )
    for bound in ("not_before", "not_after"):
        text = getattr(field, bound, None)
        if text:
            sites.append(Site((*path, bound), text, "date_bound", field.id, field, group))
    if isinstance(field, GroupField):
        for i, inner in enumerate(field.fields):
            sites += _field_sites((*path, "fields", i), inner, field)
    return sites


def rules_compile(model: ServiceDefinition, problems: ProblemList) -> dict[str, CompiledRule]:
    """Each site's compiled rule, keyed by its location; problems for those that fail."""
    declared = _Declared.of(model)
    compiled = {}
    for site in sites_of(model):
        rule = _compile_one(site, declared, problems)
        if rule is not None:
            compiled[site.where] = rule
    return compiled


@dataclass(frozen=True)
class _Declared:
    fields: frozenset[str]
    facts: frozenset[str]
    computed: frozenset[str]

    @classmethod
    def of(cls, model: ServiceDefinition) -> _Declared:
        return cls(
            fields=frozenset(field.id for _page, field in model.all_fields()),
            facts=frozenset(model.facts),
            computed=frozenset(item.id for item in model.computed),
        )


def _compile_one(site: Site, declared: _Declared, problems: ProblemList) -> CompiledRule | None:
    if len(site.text) > MAX_LENGTH:
        values = {"count": len(site.text), "limit": MAX_LENGTH}
        problems.add(
            site.path,
            "too_long",
            _("the expression has %(count)s characters; the limit is %(limit)s.") % values,
        )
        return None
    try:
        program = cel.compile(site.text)
    except ValueError as error:
        problems.add(site.path, "cel_syntax", _syntax_message(site.text, str(error)))
        return None
    scan = names_scan(site.text)
    if scan.depth > MAX_DEPTH:
        values = {"depth": scan.depth, "limit": MAX_DEPTH}
        problems.add(
            site.path,
            "too_deep",
            _("the expression nests brackets %(depth)s deep; the limit is %(limit)s.") % values,
        )
        return None
    costly = _cost_problem(site.text, scan)
    if costly:
        problems.add(site.path, "too_complex", costly)
        return None
    found = _References()
    for name in scan.names:
        found.check(name, site, declared, problems)
    if found.failed:
        return None
    return CompiledRule(
        site, program, frozenset(found.answers), frozenset(found.facts), frozenset(found.computed)
    )


def _cost_problem(text: str, scan: NameScan) -> str | None:
    """Why the expression could take too long to run, or None."""
    nested = min(
        (item for item in scan.comprehensions if item.nested),
        key=lambda item: item.column,
        default=None,
    )
    if nested is not None:
        message = _(
            "the comprehension “%(macro)s” is inside another comprehension's arguments; "
            "a comprehension may not contain another one, since each level multiplies the work "
            "(%(where)s)."
        )
        return message % {"macro": nested.macro, "where": position_text(text, nested.column)}
    if len(scan.comprehensions) > MAX_COMPREHENSIONS:
        extra = sorted(item.column for item in scan.comprehensions)[MAX_COMPREHENSIONS]
        message = _(
            "the expression has %(count)s comprehensions (all, exists, exists_one, map, filter); "
            "the limit is %(limit)s (%(where)s)."
        )
        values = {"count": len(scan.comprehensions), "limit": MAX_COMPREHENSIONS}
        return message % {**values, "where": position_text(text, extra)}
    for elements, column in scan.lists:
        if elements > MAX_LIST_ELEMENTS:
            message = _("the list has %(count)s elements; the limit is %(limit)s (%(where)s).")
            values = {"count": elements, "limit": MAX_LIST_ELEMENTS}
            return message % {**values, "where": position_text(text, column)}
    return None


_SYNTAX = re.compile(r"<input>:(\d+):(\d+): (?:Syntax error: )?([^\n]*)")


def _syntax_message(text: str, error: str) -> str:
    match = _SYNTAX.search(error)
    if not match:
        return _("the expression is not valid CEL.")
    line, column, detail = int(match[1]), int(match[2]), match[3]
    return _("the expression is not valid CEL at %(position)s: %(detail)s") % {
        "position": position_text(text, _offset(text, line, column) + 1),
        "detail": detail,
    }


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(part) + 1 for part in lines[: line - 1]) + column - 1


def position_text(text: str, column: int) -> str:
    """ "column 12", or "line 2, column 4" for an expression written over several lines."""
    if "\n" not in text:
        return _("column %(column)s") % {"column": column}
    before = text[: column - 1]
    line = before.count("\n") + 1
    values = {"line": line, "column": column - (before.rfind("\n") + 1)}
    return _("line %(line)s, column %(column)s of the expression") % values


class _References:
    """Checks names one by one, remembering the declared ones the expression reads."""

    def __init__(self) -> None:
        self.answers: set[str] = set()
        self.facts: set[str] = set()
        self.computed: set[str] = set()
        self.failed = False

    def check(self, name: Name, site: Site, declared: _Declared, problems: ProblemList) -> None:
        found = self._problem(name, site, declared)
        if found:
            code, message, part = found
            where = position_text(site.text, name.columns[part])
            problems.add(site.path, code, f"{message} ({where})")
            self.failed = True

    def _problem(self, name: Name, site: Site, declared: _Declared) -> tuple[str, str, int] | None:
        parts = name.parts
        if name.member:
            return self._method(parts[-1]) if name.call and len(parts) == 1 else None
        if name.call and len(parts) == 1:
            known = parts[0] in FUNCTION_NAMES or parts[0] in BUILTIN_FUNCTIONS
            return None if known else ("unknown_function", self._function_message(parts[0]), 0)
        if name.call and self._method(parts[-1]):
            return self._method(parts[-1])
        variable = parts[:-1] if name.call else parts
        if len(variable) == 1 and variable[0] in ROOTS and (site.group or variable[0] != "item"):
            return _whole_root(name)
        return self._variable(variable, site, declared)

    def _method(self, method: str) -> tuple[str, str, int] | None:
        if method in BUILTIN_METHODS:
            return None
        return "unknown_function", self._function_message(method), -1

    def _function_message(self, function: str) -> str:
        names = ", ".join(FUNCTION_NAMES)
        return _("unknown function “%(name)s”; the library has: %(names)s.") % {
            "name": function,
            "names": names,
        }

    def _variable(
        self, parts: tuple[str, ...], site: Site, declared: _Declared
    ) -> tuple[str, str, int] | None:
        root, rest = parts[0], parts[1:]
        tables = {
            "answers": (declared.fields, self.answers),
            "facts": (declared.facts, self.facts),
            "computed": (declared.computed, self.computed),
        }
        if root in tables:
            known, seen = tables[root]
            if rest and rest[0] not in known:
                return "unknown_reference", _unknown_message(root, rest[0], known), 1
            if rest:
                seen.add(rest[0])
            return None
        if root == "item" and site.group is not None:
            inner = frozenset(field.id for field in site.group.fields)
            if rest and rest[0] not in inner:
                return "unknown_reference", _unknown_message("item", rest[0], inner), 1
            return None
        if (root == "applicant" and not rest) or (
            root == "value" and site.field is not None and site.kind == "validation"
        ):
            return None
        if root in TYPE_NAMES and not rest:
            return None
        message = _("unknown name “%(name)s”; rules read answers, facts, computed and applicant.")
        return "unknown_reference", message % {"name": ".".join(parts)}, 0


def _whole_root(name: Name) -> tuple[str, str, int]:
    """``answers['x']`` or ``size(answers)``: refused, so every read is known by name."""
    root = name.parts[0]
    key = name.key if name.key and re.fullmatch(r"[a-z][a-z0-9_]*", name.key) else "x"
    values = {"root": root, "example": f"{root}.{key}"}
    if name.indexed:
        message = _(
            "write %(example)s, not %(root)s[…]: rules read %(root)s by name, so that the "
            "checks know which ones a rule needs."
        )
    else:
        message = _("“%(root)s” cannot be used whole; name what the rule reads, as in %(example)s.")
    return "root_access", message % values, 0


def _unknown_message(root: str, name: str, known: frozenset[str]) -> str:
    texts = {
        "answers": _(
            "there is no field “%(name)s” to read as answers.%(name)s; the fields are: %(known)s."
        ),
        "facts": _("there is no fact “%(name)s” under facts:; the facts are: %(known)s."),
        "computed": _("there is no computed value “%(name)s”; the computed values are: %(known)s."),
        "item": _("the group has no field “%(name)s”; its fields are: %(known)s."),
    }
    return texts[root] % {"name": name, "known": ", ".join(sorted(known)) or "—"}
