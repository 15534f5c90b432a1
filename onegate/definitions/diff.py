"""A readable difference between two versions of a service definition.

Reviewers want to know what a person applying will notice, so the changes are grouped the way the
service is thought about: the questions (pages and fields), the rules (eligibility, decisions,
computed values, validations and rules tests), the messages sent to people, and the other
settings. Each change says what was added, removed or changed, and for a change which parts, with
the old and the new value (a label in each language, a type, a condition, an option…). The plain
line diff of the two files comes with it, for whoever wants every character.

Everything works on the typed model (``language.model.ServiceDefinition``), dumped to plain
values, so a change of layout or comments in the file is not reported as a change of the service.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onegate.definitions.language.model import ServiceDefinition

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
LANGUAGE_KEYS = ("en", "th")

# Names of the parts of a definition, as a reviewer reads them.
PART_NAMES: Mapping[str, Any] = {
    "label": gettext_lazy("Label"),
    "hint": gettext_lazy("Hint"),
    "type": gettext_lazy("Type"),
    "required": gettext_lazy("Required"),
    "condition": gettext_lazy("Shown only when"),
    "prefill": gettext_lazy("Prefilled from"),
    "options": gettext_lazy("Option"),
    "title": gettext_lazy("Title"),
    "summary": gettext_lazy("Summary"),
    "page": gettext_lazy("Page"),
    "position": gettext_lazy("Position"),
    "rule": gettext_lazy("Rule"),
    "when": gettext_lazy("When"),
    "outcome": gettext_lazy("Outcome"),
    "reason": gettext_lazy("Reason"),
    "message": gettext_lazy("Message"),
    "expression": gettext_lazy("Expression"),
    "subject": gettext_lazy("Subject"),
    "body": gettext_lazy("Body"),
    "sms": gettext_lazy("Text message"),
    "statement": gettext_lazy("Statement"),
    "item_label": gettext_lazy("Name of one item"),
    "value": gettext_lazy("Value"),
}
LANGUAGE_NAMES: Mapping[str, Any] = {"en": gettext_lazy("English"), "th": gettext_lazy("Thai")}


@dataclass(frozen=True)
class Detail:
    """One part that differs: its name, and its old and new values as text."""

    name: str
    old: str
    new: str


@dataclass(frozen=True)
class Change:
    """Something added, removed or changed: ``thing`` says what kind, ``name`` which one."""

    kind: str  # added | removed | changed
    thing: str  # "Question", "Page", "Decision rule", … (translated)
    name: str  # its id in the file, or the event, or the setting
    details: tuple[Detail, ...] = ()


@dataclass(frozen=True)
class DefinitionDiff:
    questions: list[Change] = field(default_factory=list)
    rules: list[Change] = field(default_factory=list)
    messages: list[Change] = field(default_factory=list)
    other: list[Change] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # unified diff of the two files

    @property
    def has_changes(self) -> bool:
        return bool(self.questions or self.rules or self.messages or self.other)

    def display_lines(self) -> list[tuple[str, str]]:
        """The line diff as (added | removed | same, text), the indent kept as no-break spaces so
        the lines can wrap on a narrow screen without losing YAML's structure."""
        shown = []
        for line in self.lines:
            mark, text = line[:1], line[1:]
            kind = {"+": ADDED, "-": REMOVED}.get(mark, "same")
            if line.startswith(("+++", "---", "@@")):
                kind = "same"
            indent = len(text) - len(text.lstrip(" "))
            shown.append((kind, mark + "\u00a0" * indent + text[indent:]))
        return shown

    def sections(self) -> list[tuple[str, list[Change]]]:
        return [
            (_("Questions"), self.questions),
            (_("Rules"), self.rules),
            (_("Messages"), self.messages),
            (_("Other settings"), self.other),
        ]


def definition_diff(
    old: ServiceDefinition,
    new: ServiceDefinition,
    *,
    old_source: str = "",
    new_source: str = "",
    old_name: str = "old",
    new_name: str = "new",
) -> DefinitionDiff:
    """What changed from ``old`` to ``new``, grouped; with the line diff of the two sources."""
    before, after = old.model_dump(mode="json"), new.model_dump(mode="json")
    return DefinitionDiff(
        questions=_questions(before, after),
        rules=_rules(before, after),
        messages=_keyed(
            _("Message"), _by_key(before["notifications"]), _by_key(after["notifications"])
        ),
        other=_other(before, after),
        lines=list(
            difflib.unified_diff(
                old_source.splitlines(),
                new_source.splitlines(),
                fromfile=old_name,
                tofile=new_name,
                lineterm="",
            )
        ),
    )


# --- questions -------------------------------------------------------------------------------


def _questions(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    pages_old = {p["id"]: _without(p, "fields") for p in before["pages"]}
    pages_new = {p["id"]: _without(p, "fields") for p in after["pages"]}
    _mark_moved(pages_old, pages_new)
    changes = _keyed(_("Page"), pages_old, pages_new)
    (fields_old, places_old), (fields_new, places_new) = _fields_of(before), _fields_of(after)
    for place in places_old.keys() & places_new.keys():  # a question moved within its page
        _mark_moved(fields_old, fields_new, places_old[place], places_new[place])
    return changes + _keyed(_("Question"), fields_old, fields_new)


Places = dict[str, list[str]]  # a page id, or a group's key → the keys of its fields in order


def _fields_of(definition: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], Places]:
    """Every field by id ("group > inner" inside a repeating group), with its page; and the
    order of the fields on each page and in each group."""
    found: dict[str, dict[str, Any]] = {}
    places: Places = {}

    def visit(fields: list[dict[str, Any]], page: str, place: str, prefix: str) -> None:
        for one in fields:
            key = f"{prefix}{one['id']}"
            found[key] = {"page": page, **_without(one, "fields", "validations")}
            places.setdefault(place, []).append(key)
            visit(one.get("fields") or [], page, key, f"{key} > ")

    for page in definition["pages"]:
        visit(page["fields"], page["id"], f"page {page['id']}", "")
    return found, places


# --- rules -----------------------------------------------------------------------------------


def _rules(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    decision_old, decision_new = before["decision"], after["decision"]
    rules_old, rules_new = _by_id(decision_old["rules"]), _by_id(decision_new["rules"])
    _mark_moved(rules_old, rules_new)  # the first rule that holds decides: order matters
    return [
        *_keyed(_("Eligibility rule"), _by_id(before["eligibility"]), _by_id(after["eligibility"])),
        *_keyed(_("Decision rule"), rules_old, rules_new),
        *_keyed(
            _("Decision"),
            {"otherwise": decision_old["otherwise"]},
            {"otherwise": decision_new["otherwise"]},
        ),
        *_keyed(_("Computed value"), _by_id(before["computed"]), _by_id(after["computed"])),
        *_keyed(_("Validation"), _validations_of(before), _validations_of(after)),
        *_keyed(
            _("Rules test"), _by_key_of(before["tests"], "name"), _by_key_of(after["tests"], "name")
        ),
    ]


def _validations_of(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each validation of each field, keyed by the field and its rule's text (not its position:
    adding one at the top is one added, not every later one changed). A rule repeated on the
    same field is told apart by a number."""
    found: dict[str, dict[str, Any]] = {}

    def visit(fields: list[dict[str, Any]], prefix: str) -> None:
        for one in fields:
            key = f"{prefix}{one['id']}"
            for validation in one.get("validations") or []:
                name, number = f"{key}: {validation['rule']}", 1
                while name in found:
                    number += 1
                    name = f"{key}: {validation['rule']} ({number})"
                found[name] = _without(validation, "rule")
            visit(one.get("fields") or [], f"{key} > ")

    for page in definition["pages"]:
        visit(page["fields"], "")
    return found


# --- other settings --------------------------------------------------------------------------

OTHER_SETTINGS = (
    "title", "summary", "agency", "level_of_assurance", "applicants", "facts", "fee",
    "sla_working_days", "issues", "performance", "retention", "appointment",
)  # fmt: skip


def _other(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    old = {name: before.get(name) for name in OTHER_SETTINGS}
    new = {name: after.get(name) for name in OTHER_SETTINGS}
    return _keyed(_("Setting"), old, new)


# --- comparing ---------------------------------------------------------------------------------


def _keyed(thing: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Changes between two collections of parts keyed by id, in the new order, removals last."""
    changes = []
    for key in [*new, *(k for k in old if k not in new)]:
        before, after = _flat(old.get(key)), _flat(new.get(key))
        if key not in old:
            changes.append(Change(ADDED, thing, key, _details({}, after)))
        elif key not in new:
            changes.append(Change(REMOVED, thing, key, _details(before, {})))
        elif before != after:
            changes.append(Change(CHANGED, thing, key, _details(before, after)))
    return changes


def _details(before: Mapping[str, str], after: Mapping[str, str]) -> tuple[Detail, ...]:
    keys = [*after, *(k for k in before if k not in after)]
    return tuple(
        Detail(_part_name(key), before.get(key, ""), after.get(key, ""))
        for key in keys
        if before.get(key, "") != after.get(key, "")
    )


def _flat(value: Any, prefix: str = "") -> dict[str, str]:
    """Nested values as ``{"options[yes].label.th": "ใช่", …}``: one entry per leaf."""
    if value is None:
        return {}
    if isinstance(value, dict):
        flat: dict[str, str] = {}
        for key, inner in value.items():
            flat |= _flat(inner, f"{prefix}.{key}" if prefix else str(key))
        return flat
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        flat = {}
        for index, inner in enumerate(value, start=1):
            key = inner.get("id") or inner.get("value") or str(index)
            flat |= _flat(_without(inner, "id", "value"), f"{prefix}[{key}]")
        return flat
    return {prefix or "value": _as_text(value)}


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(_as_text(v) for v in value) or "—"
    return "—" if value is None else str(value)


_PART = re.compile(r"^(?P<name>\w+)(?:\[(?P<key>[^\]]+)\])?$")


def _part_name(key: str) -> str:
    """``options[yes].label.th`` as "Option “yes” > Label (th)"; ``th`` alone as "Thai"."""
    words: list[str] = []
    for part in key.split("."):
        if part in LANGUAGE_KEYS:
            if words:
                words[-1] = f"{words[-1]} ({part})"
            else:
                words.append(str(LANGUAGE_NAMES[part]))
            continue
        match = _PART.match(part)
        name = match["name"] if match else part
        text = str(PART_NAMES.get(name, name.replace("_", " ").capitalize()))
        if match and match["key"]:
            text = f"{text} “{match['key']}”"
        words.append(text)
    return " > ".join(words)


def _by_id(items: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return _by_key_of(items, "id")


def _by_key_of(items: Iterable[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {str(item[key]): _without(item, key) for item in items}


def _by_key(mapping: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(key): value for key, value in mapping.items()}


def _mark_moved(
    old: dict[str, dict[str, Any]],
    new: dict[str, dict[str, Any]],
    order_old: list[str] | None = None,
    order_new: list[str] | None = None,
) -> None:
    """Give a position to the parts whose order among the others changed (not to all that
    shifted because one was added or removed before them); the order is that of the mappings,
    or of the keys given (the fields of one page)."""
    order_old = list(old) if order_old is None else order_old
    order_new = list(new) if order_new is None else order_new
    in_old, in_new = set(order_old), set(order_new)
    common_old = [key for key in order_old if key in in_new]
    common_new = [key for key in order_new if key in in_old]
    matcher = difflib.SequenceMatcher(a=common_old, b=common_new, autojunk=False)
    kept = {
        common_new[index]
        for block in matcher.get_matching_blocks()
        for index in range(block.b, block.b + block.size)
    }
    for key in set(common_new) - kept:
        old[key] = {**old[key], "position": common_old.index(key) + 1}
        new[key] = {**new[key], "position": common_new.index(key) + 1}


def _without(mapping: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k not in keys}
