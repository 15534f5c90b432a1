"""Registry facts in an application: read with provenance, kept per person, shown, given to rules.

A definition names the facts it reads under short aliases (``facts: {name: person.name}``).
``facts_read`` resolves them for each person the application is for (the child, for a parent's
application for a child) through ``registries.prefill``, with an access context that puts each
read on that person's access log, and keeps, per alias, the value (``codec`` JSON), the fact's
name, its registers, how current it is and the agency that keeps it. Pages then show a prefilled
field's value with where it came from (``prefilled_value``; the page showing it adds where to say
it is wrong, ``fields.correction_url``), and rules read the same values (``application_inputs``):
a prefilled field is never an answer the person could change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from onegate.definitions.language import CompiledDefinition, RuleInputs
from onegate.definitions.language.model import GroupField
from onegate.definitions.selectors import definition_version_compiled
from onegate.registries.adapters import AccessContext
from onegate.registries.prefill import REGISTER_NAMES, REGISTER_OWNERS, prefill_resolve
from onegate.registries.services.corrections import FACT_REGISTERS
from onegate.runner.codec import answers_from_json, value_decode, value_encode
from onegate.runner.constants import AppliesAs
from onegate.runner.models import Application

__all__ = [
    "FactShown",
    "application_inputs",
    "facts_of",
    "facts_read",
    "prefilled_value",
    "rules_applicant",
]

# How the rules name the person applying (``RuleInputs.applicant``), from ``applies_as``.
RULES_APPLICANT = {
    AppliesAs.SELF: "self",
    AppliesAs.CHILD: "child",
    AppliesAs.WARD: "child",
    AppliesAs.DELEGATION: "delegated",
}


@dataclass(frozen=True)
class FactShown:
    """A prefilled value as the page shows it, with where it came from."""

    value: Any  # Python value (date, str, dict …); None when the register has none
    register: str  # translated register name, e.g. "the population register"
    as_of: dt.datetime | None
    agency: str  # the agency that keeps it: a correction goes there
    correction_url: str  # where "Is this wrong?" leads ("" when there is no such page yet)


def _registers_of(fact: str, provenance: tuple[Any, ...]) -> list[str]:
    found = list(dict.fromkeys(p.registry for p in provenance))
    return found or [FACT_REGISTERS.get(fact, "population")]


def _entry(fact: str, resolved: Any) -> dict[str, Any]:
    registers = _registers_of(fact, resolved.provenance)
    as_of = resolved.as_of
    return {
        "value": value_encode(resolved.value),
        "source": fact,
        "registers": registers,
        "as_of": as_of.isoformat() if as_of else None,
        "agency": REGISTER_OWNERS.get(registers[0], resolved.owning_agency),
    }


def facts_read(
    *,
    compiled: CompiledDefinition,
    subjects: list[dict[str, Any]],
    access_for: Callable[[dict[str, Any]], AccessContext],
) -> dict[str, dict[str, Any]]:
    """``Application.facts`` for these subjects: every alias of the definition, per person.

    Each person's facts are resolved in one go (the person record is read once), with the
    access context ``access_for(subject)`` gives, so the reads are on their access log.
    """
    aliases: Mapping[str, str] = compiled.model.facts
    if not aliases:
        return {str(subject["person_id"]): {} for subject in subjects}
    found: dict[str, dict[str, Any]] = {}
    for subject in subjects:
        person_id = str(subject["person_id"])
        resolved = prefill_resolve(
            person_id=person_id, facts=aliases.values(), access=access_for(subject)
        )
        found[person_id] = {alias: _entry(fact, resolved[fact]) for alias, fact in aliases.items()}
    return found


def facts_of(application: Application, person_id: str) -> dict[str, Any]:
    """The person's facts in this application, alias -> Python value (None when not known)."""
    kept = (application.facts or {}).get(str(person_id)) or {}
    return {alias: value_decode(entry.get("value")) for alias, entry in kept.items()}


def _walk(value: Any, path: list[str]) -> Any:
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _entry_of(application: Application, alias: str, person_id: str) -> dict[str, Any] | None:
    found = ((application.facts or {}).get(str(person_id)) or {}).get(alias)
    return found if isinstance(found, dict) else None


def _prefilled_only(application: Application, field: Any, person_id: str) -> Any:
    """The value alone (what rules read): no source, no link."""
    alias, *path = field.prefill.split(".")
    entry = _entry_of(application, alias, person_id)
    return None if entry is None else _walk(value_decode(entry.get("value")), path)


def prefilled_value(application: Application, field: Any, person_id: str) -> FactShown | None:
    """The value a field with ``prefill: alias.path`` shows for the person, with its source;
    None for a field that is not prefilled."""
    if not getattr(field, "prefill", None):
        return None
    entry = _entry_of(application, field.prefill.split(".")[0], person_id)
    if entry is None:
        return FactShown(value=None, register="", as_of=None, agency="", correction_url="")
    registers = entry.get("registers") or ["population"]
    as_of = entry.get("as_of")
    return FactShown(
        value=_prefilled_only(application, field, person_id),
        register=str(REGISTER_NAMES.get(registers[0], "")),
        as_of=dt.datetime.fromisoformat(as_of) if as_of else None,
        agency=str(entry.get("agency") or ""),
        # Where to come back to after saying it is wrong depends on the page showing it:
        # that page fills it in (``fields.correction_url``).
        correction_url="",
    )


def rules_applicant(application: Application) -> str:
    """``RuleInputs.applicant`` for the application: "self", "child" or "delegated"."""
    return RULES_APPLICANT.get(AppliesAs(application.applies_as), "self")


def _prefilled_fields(compiled: CompiledDefinition) -> list[Any]:
    """Top-level fields bound to a fact (inner fields of groups are asked, not prefilled)."""
    return [
        field
        for _page, field in compiled.model.all_fields()
        if field.prefill and not isinstance(field, GroupField)
    ]


def application_inputs(
    application: Application,
    *,
    person_id: str | None = None,
    answers: dict[str, Any] | None = None,
    compiled: CompiledDefinition | None = None,
) -> RuleInputs:
    """What rules read for one person of the application (the first by default): the answers
    (JSON decoded), each prefilled field's value from that person's facts, and the facts."""
    compiled = compiled or definition_version_compiled(version_id=application.definition_version_id)
    subjects = application.subjects or []
    who = str(person_id or (subjects[0]["person_id"] if subjects else ""))
    given = application.answers if answers is None else answers
    values = answers_from_json(compiled, given or {})
    for field in _prefilled_fields(compiled):
        values[field.id] = _prefilled_only(application, field, who)
    return RuleInputs(
        answers=values, facts=facts_of(application, who), applicant=rules_applicant(application)
    )
