"""The way through an application: which pages are asked, in what order, and what is checked.

Given a compiled definition and what is shown (``journey_plan`` for rule inputs, ``journey_of``
for a stored application, where a page or field shown for any one of its people is shown), the
journey says which pages are shown now and, of those, which are *screens* (pages the person
answers one at a time). This is the one definition of a screen; the pages and the services
(``services.submission``) both use it:

* a page whose every visible field is prefilled from a registry is not a screen: its facts are
  shown on "check your answers", with where they come from;
* the last page, when it holds only declarations, is not a screen either: its statements are
  asked at the bottom of "check your answers", just before "Accept and send";
* a page with nothing visible on it is skipped.

Resuming goes to the first screen not answered yet, else to "check your answers". The rows of
"check your answers" are worked out here too (``check_sections``), each answer as the lines of
text a person reads. Everything here is pure: no database, no registry, no request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from babel.numbers import format_decimal
from django.utils.translation import gettext as _

from onegate.core.languages import format_date, format_number, pick
from onegate.definitions.language import (
    CompiledDefinition,
    EligibilityResult,
    RuleInputs,
    Visibility,
    eligibility_evaluate,
    visibility_evaluate,
)
from onegate.definitions.language.model import AnyField, GroupField, Page

if TYPE_CHECKING:
    from onegate.runner.facts import FactShown
    from onegate.runner.models import Application

__all__ = [
    "CHECK_SCREEN",
    "SENT_SCREEN",
    "START_SCREEN",
    "CheckRow",
    "CheckSection",
    "Journey",
    "answer_lines",
    "application_visibility",
    "check_sections",
    "eligibility_of_subjects",
    "journey_from_visibility",
    "journey_of",
    "journey_plan",
    "screens",
    "subjects_visibility",
    "visibility_union",
]

# The screens that are not pages of the definition, as ``screens`` names them.
START_SCREEN = "who-is-this-for"
CHECK_SCREEN = "check-answers"
SENT_SCREEN = "sent"


@dataclass(frozen=True)
class Journey:
    """The pages shown for these answers and facts, and how each is met."""

    pages: tuple[Page, ...]  # the pages shown now, in order
    screens: tuple[Page, ...]  # the pages asked one at a time
    facts_pages: tuple[Page, ...]  # every visible field prefilled: shown on check answers
    declaration_page: Page | None  # the last page, all declarations: asked on check answers
    visible_fields: frozenset[str]  # top-level fields shown now

    @property
    def screen_ids(self) -> list[str]:
        return [page.id for page in self.screens]

    def is_screen(self, page_id: str) -> bool:
        return any(page.id == page_id for page in self.screens)

    def fields_of(self, page: Page) -> list[AnyField]:
        """The page's fields shown now."""
        return [one for one in page.fields if one.id in self.visible_fields]

    def after(self, page_id: str) -> str | None:
        """The screen after ``page_id`` (None: "check your answers" comes next)."""
        ids = self.screen_ids
        if page_id in ids:
            following = ids[ids.index(page_id) + 1 :]
            return following[0] if following else None
        order = [page.id for page in self.pages]
        if page_id not in order:
            return self.resume(())
        later = {page.id for page in self.pages[order.index(page_id) + 1 :]}
        return next((one for one in ids if one in later), None)

    def before(self, page_id: str) -> str | None:
        """The screen before ``page_id`` (None: it is the first)."""
        ids = self.screen_ids
        if page_id not in ids:
            return ids[-1] if ids else None
        index = ids.index(page_id)
        return ids[index - 1] if index else None

    def resume(self, pages_done: Iterable[str]) -> str | None:
        """The first screen not answered yet; None when every one is (check answers next)."""
        done = set(pages_done)
        return next((one for one in self.screen_ids if one not in done), None)


def journey_plan(compiled: CompiledDefinition, inputs: RuleInputs) -> Journey:
    """The journey for these rule inputs (answers given so far, one person's facts)."""
    return journey_from_visibility(compiled, visibility_evaluate(compiled, inputs))


def journey_from_visibility(compiled: CompiledDefinition, visibility: Visibility) -> Journey:
    """The journey through the pages and fields ``visibility`` shows: which are screens, and
    which are met on "check your answers" instead (facts only; a last page of declarations)."""
    shown = [page for page in compiled.model.pages if page.id in visibility.pages]
    pages, screens, facts_pages = [], [], []
    declaration_page = None
    for index, page in enumerate(shown):
        visible = [one for one in page.fields if one.id in visibility.fields]
        asked = [one for one in visible if not one.prefill]
        if visible:
            pages.append(page)
        if not asked:
            if visible:
                facts_pages.append(page)
            continue
        if index == len(shown) - 1 and all(one.type == "declaration" for one in asked):
            declaration_page = page
            continue
        screens.append(page)
    return Journey(
        pages=tuple(pages),
        screens=tuple(screens),
        facts_pages=tuple(facts_pages),
        declaration_page=declaration_page,
        visible_fields=visibility.fields,
    )


def application_visibility(
    application: Application,
    compiled: CompiledDefinition,
    *,
    answers: Mapping[str, Any] | None = None,
) -> Visibility:
    """The pages and fields shown for a stored application: those shown for any one of the
    people it is for (a question shown for one child is asked once, for all of them).
    ``answers`` (JSON) stand in for the stored ones: answers about to be saved."""
    return visibility_union(subjects_visibility(application, compiled, answers=answers))


def subjects_visibility(
    application: Application,
    compiled: CompiledDefinition,
    *,
    answers: Mapping[str, Any] | None = None,
) -> list[tuple[RuleInputs, Visibility]]:
    """For each person the application is for, what the rules read and what that shows."""
    from onegate.runner.facts import application_inputs

    given = None if answers is None else dict(answers)
    found = []
    for subject in application.subjects or [{"person_id": ""}]:
        inputs = application_inputs(
            application, person_id=str(subject["person_id"]), answers=given, compiled=compiled
        )
        found.append((inputs, visibility_evaluate(compiled, inputs)))
    return found


def visibility_union(seen: Iterable[tuple[RuleInputs, Visibility]]) -> Visibility:
    """What is shown for any one of them (see ``application_visibility``)."""
    pages: set[str] = set()
    fields: set[str] = set()
    for _inputs, visibility in seen:
        pages |= visibility.pages
        fields |= visibility.fields
    return Visibility(frozenset(pages), frozenset(fields))


def journey_of(application: Application, compiled: CompiledDefinition) -> Journey:
    """The journey of a stored application (its answers, and the facts of everyone on it)."""
    return journey_from_visibility(compiled, application_visibility(application, compiled))


def chooses_whom(compiled: CompiledDefinition) -> bool:
    """Whether a person may be asked whom the application is for (not only themselves)."""
    applicants = compiled.model.applicants
    return applicants.child or applicants.delegated


def screens(compiled: CompiledDefinition, application: Application) -> list[str]:
    """Every screen a person meets after signing in, in order: "who is this for" (when the
    service may be for someone else), each question screen, check answers and the confirmation.

    Counted with the application as it is: answers given so far decide which pages are shown.
    """
    names = [START_SCREEN] if chooses_whom(compiled) else []
    return [*names, *journey_of(application, compiled).screen_ids, CHECK_SCREEN, SENT_SCREEN]


def eligibility_of_subjects(
    compiled: CompiledDefinition, application: Application
) -> list[tuple[dict[str, Any], EligibilityResult]]:
    """Each subject of the application with the eligibility rules' verdict on them."""
    from onegate.runner.facts import application_inputs

    return [
        (
            subject,
            eligibility_evaluate(
                compiled,
                application_inputs(
                    application, person_id=str(subject["person_id"]), compiled=compiled
                ),
            ),
        )
        for subject in application.subjects
    ]


# --- check your answers ----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckRow:
    """One line of "check your answers": a question and its answer, or a fact and its source."""

    field_id: str
    key: str
    lines: list[str]  # the answer as lines of text
    change_page: str | None = None  # the page to change it on; None for a prefilled fact
    source: str = ""  # "From the population register, updated 3 May 2026"
    correction_url: str = ""  # where "Is this wrong?" leads


@dataclass(frozen=True)
class CheckSection:
    """The rows of one page (one per subject for a page of facts about several people)."""

    page_id: str
    title: str
    rows: list[CheckRow] = field(default_factory=list)


Prefilled = Callable[[AnyField], Sequence[tuple[str, "FactShown"]]]


def check_sections(
    compiled: CompiledDefinition,
    journey: Journey,
    answers: Mapping[str, Any],
    prefilled: Prefilled,
    *,
    language: str,
    person_names: Mapping[str, str] | None = None,
) -> list[CheckSection]:
    """The sections of "check your answers": the facts pages first (what government already
    knows), then each screen's answers with a link to change them.

    ``answers`` by field id (JSON or Python values); ``prefilled(field)`` gives each subject's
    name and the fact shown for a prefilled field; ``person_names`` names the people a person
    field can hold.
    """
    names = person_names or {}
    sections: list[CheckSection] = []
    for page in journey.facts_pages:
        sections += _facts_sections(journey, page, prefilled, language, names)
    for page in journey.screens:
        rows: list[CheckRow] = []
        for one in journey.fields_of(page):
            if one.prefill:
                rows += _fact_rows(one, prefilled(one), language, names, several_labels=True)
            else:
                rows.append(
                    CheckRow(
                        field_id=one.id,
                        key=pick(one.label, language),
                        lines=answer_lines(one, answers.get(one.id), language, names),
                        change_page=page.id,
                    )
                )
        sections.append(CheckSection(page.id, pick(page.title, language), rows))
    return sections


def _facts_sections(
    journey: Journey,
    page: Page,
    prefilled: Prefilled,
    language: str,
    names: Mapping[str, str],
) -> list[CheckSection]:
    """A page of facts: one section, or one per subject when it is about several people."""
    facts = {one.id: list(prefilled(one)) for one in journey.fields_of(page)}
    subjects = list(dict.fromkeys(name for shown in facts.values() for name, _fact in shown))
    title = pick(page.title, language)
    if len(subjects) <= 1:
        rows = [
            row
            for one in journey.fields_of(page)
            for row in _fact_rows(one, facts[one.id], language, names)
        ]
        return [CheckSection(page.id, title, rows)]
    return [
        CheckSection(
            page.id,
            f"{title}: {subject}",
            [
                row
                for one in journey.fields_of(page)
                for row in _fact_rows(
                    one, [item for item in facts[one.id] if item[0] == subject], language, names
                )
            ],
        )
        for subject in subjects
    ]


def _fact_rows(
    one: AnyField,
    shown: Sequence[tuple[str, FactShown]],
    language: str,
    names: Mapping[str, str],
    *,
    several_labels: bool = False,
) -> list[CheckRow]:
    label = pick(one.label, language)
    rows = []
    for subject, fact in shown:
        key = f"{label} ({subject})" if several_labels and len(shown) > 1 else label
        rows.append(
            CheckRow(
                field_id=one.id,
                key=key,
                lines=answer_lines(one, fact.value, language, names, missing=_("Not on record")),
                source=fact_source(fact, language),
                correction_url=fact.correction_url,
            )
        )
    return rows


def fact_source(fact: FactShown, language: str) -> str:
    """Where a prefilled value comes from, as the page says it."""
    if fact.as_of is not None:
        return _("From %(register)s, updated %(date)s") % {
            "register": fact.register,
            "date": format_date(fact.as_of, language),
        }
    return _("From %(register)s") % {"register": fact.register}


# --- an answer as text --------------------------------------------------------------------------


def answer_lines(
    one: AnyField,
    value: Any,
    language: str,
    person_names: Mapping[str, str] | None = None,
    *,
    missing: str | None = None,
) -> list[str]:
    """An answer as the lines a person reads on "check your answers" (never empty)."""
    if value is None or value == "" or value == [] or value == {}:
        return [missing or _("Not answered")]
    if isinstance(one, GroupField):
        return _group_lines(one, value, language, person_names or {})
    if one.type == "person":
        return [(person_names or {}).get(str(value), _("Someone on the register"))]
    if one.type in ("radios", "select", "checkboxes"):
        labels = {option.value: pick(option.label, language) for option in one.options}
        chosen = value if isinstance(value, list) else [value]
        return [labels.get(str(item), str(item)) for item in chosen]
    shown = _SHOWN.get(one.type)
    if shown is not None:
        return shown(value, language)
    if isinstance(value, Mapping):  # a name record from the register
        return [_name_of(value, language)]
    return [str(value)]


def _date_lines(value: Any, language: str) -> list[str]:
    day = _as_day(value)
    return [format_date(day, language) if day else str(value)]


def _file_lines(value: Any, language: str) -> list[str]:
    names = [str(item.get("name", "")) for item in value if isinstance(item, Mapping)]
    return names or [_("No file")]


def _text_lines(value: Any, language: str) -> list[str]:
    return [line for line in str(value).splitlines() if line.strip()] or [str(value)]


_SHOWN: dict[str, Callable[[Any, str], list[str]]] = {
    "yes_no": lambda value, language: [_("Yes") if value else _("No")],
    "declaration": lambda value, language: [_("Confirmed") if value else _("Not confirmed")],
    "date": _date_lines,
    "number": lambda value, language: [_number(value, language)],
    "money": lambda value, language: [f"฿{_money(value, language)}"],
    "thai_id": lambda value, language: [_thai_id(str(value))],
    "long_text": _text_lines,
    "address": lambda value, language: _address_lines(value, language),
    "file": _file_lines,
    "phone": lambda value, language: [_phone_lines(value)],
}


def _phone_lines(value: Any) -> str:
    """A phone number as its question shows it: national for a Thai one."""
    # Imported when needed: the fields package uses this module as well.
    from onegate.runner.fields import phone_shown

    return phone_shown(value)


def _as_day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _number(value: Any, language: str) -> str:
    try:
        return format_number(int(value), language)
    except (TypeError, ValueError):
        return str(value)


def _money(value: Any, language: str) -> str:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    if not amount % 1:
        return format_number(int(amount), language)
    return format_decimal(amount, format="#,##0.00", locale=language)


def _thai_id(digits: str) -> str:
    """A national ID number as printed on the card: 1-2345-67890-12-3."""
    if len(digits) != 13 or not digits.isdigit():
        return digits
    return f"{digits[0]}-{digits[1:5]}-{digits[5:10]}-{digits[10:12]}-{digits[12]}"


def _address_lines(value: Any, language: str) -> list[str]:
    """An address as the house register writes it (abroad: its lines, then the country's name),
    in the page's language: as the question pages show a prefilled one."""
    # Imported when needed: the fields package uses this module as well.
    from onegate.runner.fields import address_answer_lines

    return address_answer_lines(value, language) or [_("Not answered")]


def _name_of(value: Mapping[str, Any], language: str) -> str:
    thai = " ".join(str(value.get(key) or "") for key in ("given_th", "family_th")).strip()
    latin = " ".join(str(value.get(key) or "") for key in ("given_latin", "family_latin")).strip()
    if language == "th":
        return thai or latin
    return latin or thai or ", ".join(str(item) for item in value.values() if item)


def _group_lines(
    group: GroupField, value: Any, language: str, person_names: Mapping[str, str]
) -> list[str]:
    items = value if isinstance(value, list) else []
    if not items:
        return [_("None added")]
    item_label = pick(group.item_label, language)
    lines = []
    for number, item in enumerate(items, start=1):
        lines.append(f"{item_label} {number}")
        for inner in group.fields:
            answer = item.get(inner.id) if isinstance(item, Mapping) else None
            if answer is None or answer in ("", []):
                continue
            text = "; ".join(answer_lines(inner, answer, language, person_names))
            lines.append(f"{pick(inner.label, language)}: {text}")
    return lines
