"""Prefill with provenance: named facts about a person, resolved from the registries for a form.

Services (the runner, later) ask for facts by name — ``person.name``, ``person.children``,
``person.address``, ``person.passport`` … — and get each value with where it came from, how
current it is and which agency owns it, so the page can show "From the population register,
updated 3 March 2026" and offer "This is wrong?" (a correction request to that agency).
Registry facts are never editable in a form. Every read goes through the adapter, so every
prefill done for someone else is on that person's access log.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.registries.adapters import AccessContext, Answer, Provenance, RegistryAdapter, registry
from onegate.registries.adapters.base import InvalidQuestion

# Which agency keeps each register: correction requests go there.
REGISTER_OWNERS = {
    "population": "civil-registration",
    "addresses": "civil-registration",
    "id_cards": "civil-registration",
    "residence": "immigration",
    "travel_documents": "immigration",
}

REGISTER_NAMES = {
    "population": _("the population register"),
    "addresses": _("the house register"),
    "id_cards": _("the ID card register"),
    "residence": _("the immigration register"),
    "travel_documents": _("the travel document register"),
}


@dataclass(frozen=True)
class PrefilledFact:
    """A fact's value for a form with its provenance (``value`` None: the register has none)."""

    name: str
    value: Any
    provenance: tuple[Provenance, ...]
    editable: bool = False

    @property
    def owning_agency(self) -> str:
        first = self.provenance[0].registry if self.provenance else "population"
        return REGISTER_OWNERS.get(first, "civil-registration")

    @property
    def as_of(self) -> dt.datetime | None:
        return max((p.as_of for p in self.provenance), default=None)


@dataclass
class _Reads:
    """One resolution's reads, so asking for five facts about a person reads the person once."""

    adapter: RegistryAdapter
    person_id: str
    access: AccessContext
    cache: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, read: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = read()
        return self.cache[key]

    def person(self) -> Answer | None:
        return self.once(
            "person", lambda: self.adapter.person_get(person_id=self.person_id, access=self.access)
        )


Resolver = Callable[[_Reads], tuple[Any, tuple[Provenance, ...]]]
_FACTS: dict[str, Resolver] = {}


def prefill_fact(name: str) -> Callable[[Resolver], Resolver]:
    """Register the resolver of a named fact."""

    def decorate(resolver: Resolver) -> Resolver:
        _FACTS[name] = resolver
        return resolver

    return decorate


def prefill_fact_names() -> list[str]:
    """Every fact a service definition may bind a field to."""
    return sorted(_FACTS)


def prefill_resolve(
    *, person_id: str, facts: Iterable[str], access: AccessContext
) -> dict[str, PrefilledFact]:
    """Resolve the named facts about a person, each with its provenance."""
    names = list(dict.fromkeys(facts))
    unknown = [name for name in names if name not in _FACTS]
    if unknown:
        raise InvalidQuestion(_("Unknown prefill fact: %(names)s") % {"names": ", ".join(unknown)})
    reads = _Reads(adapter=registry(), person_id=str(person_id), access=access)
    resolved = {}
    for name in names:
        value, provenance = _FACTS[name](reads)
        resolved[name] = PrefilledFact(name=name, value=value, provenance=provenance)
    return resolved


def _from_person(attribute: Callable[[Any], Any]) -> Resolver:
    def resolve(reads: _Reads) -> tuple[Any, tuple[Provenance, ...]]:
        answer = reads.person()
        if answer is None:
            return None, ()
        return attribute(answer.value), (answer.provenance,)

    return resolve


def _name(person: Any) -> dict[str, str]:
    return {
        "given_th": person.given_name_th,
        "family_th": person.family_name_th,
        "given_latin": person.given_name_latin,
        "family_latin": person.family_name_latin,
    }


prefill_fact("person.name")(_from_person(_name))
prefill_fact("person.date_of_birth")(_from_person(lambda p: p.date_of_birth))
prefill_fact("person.sex")(_from_person(lambda p: p.sex))
prefill_fact("person.nationality")(_from_person(lambda p: p.nationality))
prefill_fact("person.national_id")(_from_person(lambda p: p.national_id))


def _family_value(answers: list[Answer]) -> tuple[Any, tuple[Provenance, ...]]:
    value = [
        {
            "id": a.value.person.id,
            "name": _name(a.value.person),
            "date_of_birth": a.value.person.date_of_birth,
            "relationship": a.value.kind,
        }
        for a in answers
    ]
    return value, tuple(a.provenance for a in answers)


@prefill_fact("person.children")
def _children(reads: _Reads) -> tuple[Any, tuple[Provenance, ...]]:
    return _family_value(reads.adapter.children_of(person_id=reads.person_id, access=reads.access))


@prefill_fact("person.guardians")
def _guardians(reads: _Reads) -> tuple[Any, tuple[Provenance, ...]]:
    return _family_value(reads.adapter.guardians_of(person_id=reads.person_id, access=reads.access))


@prefill_fact("person.address")
def _address(reads: _Reads) -> tuple[Any, tuple[Provenance, ...]]:
    answer = reads.adapter.current_address(person_id=reads.person_id, access=reads.access)
    return (
        (None, ()) if answer is None else (dataclasses.asdict(answer.value), (answer.provenance,))
    )


def _documents(reads: _Reads) -> list[Answer]:
    return reads.once(
        "documents",
        lambda: reads.adapter.travel_documents_of(person_id=reads.person_id, access=reads.access),
    )


@prefill_fact("person.travel_documents")
def _travel_documents(reads: _Reads) -> tuple[Any, tuple[Provenance, ...]]:
    answers = _documents(reads)
    return [dataclasses.asdict(a.value) for a in answers], tuple(a.provenance for a in answers)


@prefill_fact("person.passport")
def _passport(reads: _Reads) -> tuple[Any, tuple[Provenance, ...]]:
    """The person's valid passport that expires last (None if they hold none)."""
    today = timezone.localdate()
    usable = [
        a
        for a in _documents(reads)
        if a.value.document_type == "P"
        and a.value.status == "valid"
        and a.value.expires_on >= today
    ]
    if not usable:
        return None, ()
    best = max(usable, key=lambda a: a.value.expires_on)
    return dataclasses.asdict(best.value), (best.provenance,)


@prefill_fact("person.residence")
def _residence(reads: _Reads) -> tuple[Any, tuple[Provenance, ...]]:
    answer = reads.adapter.residence_on(
        person_id=reads.person_id, on=timezone.localdate(), access=reads.access
    )
    return (
        (None, ()) if answer is None else (dataclasses.asdict(answer.value), (answer.provenance,))
    )
