"""What every field type shares: the widget a template renders, the page being read, one field's
answer while it is read, and the register of field types (``KINDS``) each type module adds to.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from onegate.core.languages import pick
from onegate.definitions.language import CompiledDefinition, RuleInputs
from onegate.definitions.language.model import AnyField, GroupField, Page
from onegate.runner.codec import answer_from_json

# Widgets that are never the page's heading: several questions under one title.
NOT_A_HEADING = ("group", "address")


@dataclass
class Widget:
    """One visible field on the page, ready for ``runner_field(widget)``."""

    field: AnyField
    type: str  # field.type
    id: str  # HTML id of the first input (the error summary links to "#" + id)
    name: str  # input name prefix: the field id; inside groups "<group>-<i>-<inner>"
    label: str
    hint: str | None
    value: Any  # what the inputs show: the person's input after a POST, else the stored answer
    error: str | None
    required: bool
    options: list[dict[str, Any]] = dataclasses.field(
        default_factory=list
    )  # value, text, hint, checked
    prefilled: list[tuple[str, Any]] = dataclasses.field(
        default_factory=list
    )  # (subject name, FactShown)
    items: list[list[Widget]] = dataclasses.field(default_factory=list)  # a group's items
    reveal: list[Widget] = dataclasses.field(
        default_factory=list
    )  # fields shown under one of the options
    files: list[dict[str, Any]] = dataclasses.field(
        default_factory=list
    )  # id, name, size, type, url
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)  # what one type needs besides

    @property
    def is_prefilled(self) -> bool:
        return "facts" in self.extra

    @property
    def has_buttons(self) -> bool:
        """Whether it holds submit buttons of its own ("Remove" a file, "Add another", …)."""
        if self.type == "group" and (self.items or self.extra.get("can_add")):
            return True
        if self.type == "file" and self.files:
            return True
        return any(inner.has_buttons for inner in self.inner())

    def inner(self) -> Iterator[Widget]:
        """The widgets inside this one: revealed under an option, or in a group's items."""
        yield from self.reveal
        for item in self.items:
            yield from item


@dataclass
class PageForm:
    page: Page
    widgets: list[Widget]
    errors: list[dict[str, str]]  # govukErrorSummary's errorList: {"text", "href"}
    answers: dict[str, Any]  # JSON answers of the visible, not prefilled fields that are valid
    action: str  # continue | save | add:<g> | remove:<g>:<i> | remove-file:<field>:<upload>
    multipart: bool  # the page has a file field
    # A preview only: the page's condition, when the sample facts would not show the page.
    shown_only_when: str = ""
    # The fields shown whose answer is wrong: "save and come back later" keeps what was stored.
    invalid_ids: frozenset[str] = frozenset()

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def heading(self) -> Widget | None:
        """The one question on the page, whose label is the page's heading (GOV.UK's
        one-question pages); None when the page's title heads several things."""
        if len(self.widgets) != 1:
            return None
        only = self.widgets[0]
        if only.is_prefilled or only.type in NOT_A_HEADING:
            return None
        return only

    @property
    def has_buttons(self) -> bool:
        """Whether any question holds submit buttons of its own: the form then starts with a
        hidden "Continue", so that pressing Enter continues rather than removing something."""
        return any(widget.has_buttons for widget in self.widgets)


# --- one page being read ---------------------------------------------------------------------


@dataclass
class Form:
    """The page being read or shown, and what reading it needs."""

    compiled: CompiledDefinition
    page: Page
    application: Any
    language: str
    actor: Any
    data: Any  # QueryDict (or a plain mapping) | None
    files: Any
    preview_facts: Mapping[str, Any]
    action: str = "continue"
    stored: dict[str, Any] = dataclasses.field(default_factory=dict)  # JSON answers already saved
    inputs: RuleInputs | None = None  # what the rules read, once the page's answers are merged
    people_found: dict[str, list[dict[str, str]]] = dataclasses.field(default_factory=dict)
    visible_pages: frozenset[str] = frozenset()  # the pages the answers and facts show

    @property
    def posted(self) -> bool:
        return self.data is not None

    @property
    def preview(self) -> bool:
        """The designer's preview of the page: every field shown, whatever its condition."""
        return self.application is None and self.data is None

    def text(self, name: str) -> str:
        value = self.data.get(name) if self.data is not None else None
        return value if isinstance(value, str) else ""

    def values(self, name: str) -> list[str]:
        if self.data is None:
            return []
        if hasattr(self.data, "getlist"):
            return [str(value) for value in self.data.getlist(name)]
        value = self.data.get(name)
        return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]

    def uploaded(self, name: str) -> list[Any]:
        if not self.files:
            return []
        return [item for item in self.files.getlist(name) if item]

    def label(self, one: AnyField) -> str:
        return pick(one.label, self.language)


@dataclass
class Answer:
    """One field's answer on this page: its JSON value, what was typed, and what is wrong."""

    field: AnyField
    value: Any = None  # the JSON answer (None: not answered)
    raw: Any = ""  # what the inputs show
    name: str = ""  # the input name it was read under (a group's items are renumbered after)
    error: str | None = None
    errors: dict[str, str] = dataclasses.field(default_factory=dict)  # per input of an address
    items: list[list[Answer]] = dataclasses.field(default_factory=list)  # a group's items
    counts: bool = True  # visible: its answer counts
    shown: bool = True  # rendered on the page
    preview_hidden: bool = False  # a preview shows it though its condition does not hold

    @property
    def valid(self) -> bool:
        inner = all(answer.valid for item in self.items for answer in item if answer.counts)
        return self.error is None and not self.errors and inner


Reader = Callable[[AnyField, str, Form], Answer]
Shower = Callable[[AnyField, Any, Form], Any]
Storer = Callable[[AnyField, Any, Form], Answer]
Taker = Callable[[Answer, Form], None]
Bounder = Callable[[Answer, Form, RuleInputs, Any], None]
Checker = Callable[[Answer, str, Form, RuleInputs], None]
Extra = Callable[[Any, Answer, Form], dict[str, Any]]


def _text_shown(_one: AnyField, value: Any, _form: Form) -> Any:
    return "" if value is None else str(value)


def _no_suffix(_one: AnyField) -> str:
    return ""


@dataclass(frozen=True)
class FieldKind:
    """How one field type is read from a POST and shown from a stored answer.

    Besides reading and showing, a type may have its own part in the second step of reading
    (``answers.check``): ``take`` runs first for a visible field (a file field accepts the files
    sent), ``bounds`` before the definition's validations (a date's first and last day), and
    ``check`` instead of all of it (a group checks each item's fields). ``stored`` makes the
    answer from a saved one when showing the inputs is not enough (a group's items); ``extra``
    gives what the type's template needs besides the common parts of a widget.
    """

    read: Reader
    show: Shower = _text_shown  # stored JSON answer -> what the inputs show
    first: Callable[[AnyField], str] = _no_suffix  # the first input's id suffix ("-day")
    stored: Storer | None = None
    take: Taker | None = None
    bounds: Bounder | None = None
    check: Checker | None = None
    extra: Extra | None = None


KINDS: dict[str, FieldKind] = {}


def field_kind(*types: str, **hooks: Any) -> Callable[[Reader], Reader]:
    """Register how fields of ``types`` are read (the decorated function) and the rest of
    their ``FieldKind`` (``show``, ``first``, ``stored``, ``take``, ``bounds``, ``check``,
    ``extra``)."""

    def register(read: Reader) -> Reader:
        for name in types:
            KINDS[name] = FieldKind(read, **hooks)
        return read

    return register


def blank(one: AnyField, raw: Any, message: str, form: Form, empty: Any = None) -> Answer:
    """Nothing given: an error when the field is required, else the empty answer."""
    if one.required:
        return Answer(one, raw=raw, error=message % {"label": form.label(one)})
    return Answer(one, value=empty, raw=raw)


def wrong(one: AnyField, raw: Any, message: str, form: Form, **values: Any) -> Answer:
    return Answer(one, raw=raw, error=message % {"label": form.label(one), **values})


# --- answers as the rules and the store take them --------------------------------------------


def item_values(item: list[Answer]) -> dict[str, Any]:
    """An item as the rules read it (``item.<inner>``; None when not answered or wrong)."""
    return {
        answer.field.id: answer_from_json(answer.field, answer.value)
        if answer.error is None and answer.counts
        else None
        for answer in item
    }


def item_json(item: list[Answer]) -> dict[str, Any]:
    return {
        answer.field.id: json_of(answer)
        for answer in item
        if answer.counts and answer.error is None
    }


def json_of(answer: Answer) -> Any:
    """The answer as JSON; a group's is made from its items until it has been checked."""
    if isinstance(answer.field, GroupField) and answer.value is None:
        return [item_json(item) for item in answer.items]
    return answer.value


def reads_item(one: AnyField) -> bool:
    return bool(one.condition and re.search(r"\bitem\.", one.condition))


def forget(answer: Answer) -> None:
    """A hidden field's input is ignored: nothing it says is wrong."""
    answer.error, answer.errors = None, {}
    for item in answer.items:
        for inner in item:
            forget(inner)


def walk(value: Any, path: list[str]) -> Any:
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value
