"""Drafting the people of the synthetic population: names, birth dates, nationality, children.

``Drafter`` draws everything from one seeded random stream, so the same seed drafts the same
people. Dates are proleptic ordinals (``date.toordinal``) until rows are made: arithmetic on
integers is what a million people need. Children are born to a mother aged 18 to 42, one to six
years apart, and at least 16 years after each other parent's birth.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from onegate.registries.constants import LinkKind, ResidenceKind, Sex
from onegate.registries.generator.names import (
    FOREIGN_NAMES,
    THAI_FAMILY,
    THAI_FEMALE_MODERN,
    THAI_FEMALE_TRADITIONAL,
    THAI_MALE_MODERN,
    THAI_MALE_TRADITIONAL,
    foreign_family_name,
    romanise,
)

YEAR = 365.2425


@dataclass(slots=True)
class Draft:
    """A person being drafted; ``index`` (their place in the population) is set when kept."""

    id: uuid.UUID
    sex: str
    born: int
    nationality: str
    residence: str  # ResidenceKind
    given_th: str = ""
    family_th: str = ""
    given_latin: str = ""
    family_latin: str = ""
    visa_type: str = ""
    died: int | None = None
    national_id: str | None = None
    visa_until: int | None = None  # the end of their current residence status
    index: int = -1

    @property
    def citizen(self) -> bool:
        return self.residence == ResidenceKind.CITIZEN.value


@dataclass(slots=True)
class Link:
    adult: Draft
    child: Draft
    kind: str  # LinkKind
    source: str  # LinkSource
    since: int
    reference: str = ""


@dataclass(slots=True)
class Household:
    """People sharing an address; ``arrived`` is when a foreign household came to Thailand."""

    members: list[Draft] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    arrived: int | None = None
    departed: int | None = None  # visitors who have left again
    abroad: bool = False  # visitors: their address is their home abroad


class Drafter:
    """Drafts people and households from one seeded random stream, relative to ``today``."""

    def __init__(self, rng: random.Random, today: int) -> None:
        self.rng = rng
        self.today = today

    # --- dates ---------------------------------------------------------------------------------

    def born_aged(self, low: float, high: float) -> int:
        """A birth date for someone between ``low`` and ``high`` years old today."""
        return self.today - self.rng.randint(int(low * YEAR), int((high + 1) * YEAR) - 1)

    def years(self, low: float, high: float) -> int:
        """A span of days between ``low`` and ``high`` years."""
        return self.rng.randint(int(low * YEAR), int(high * YEAR))

    # --- people --------------------------------------------------------------------------------

    def new_id(self) -> uuid.UUID:
        """A random (version 4) UUID from the seeded stream: the same seed, the same UUIDs."""
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def thai(self, sex: str, born: int, family_th: str) -> Draft:
        given = self._thai_given(sex, born)
        return Draft(
            id=self.new_id(),
            sex=sex,
            born=born,
            nationality="THA",
            residence=ResidenceKind.CITIZEN.value,
            given_th=given,
            family_th=family_th,
            given_latin=romanise(given),
            family_latin=romanise(family_th),
        )

    def _thai_given(self, sex: str, born: int) -> str:
        # Born before 1975: mostly traditional names; after 2000: mostly modern ones.
        year = dt.date.fromordinal(born).year
        modern_share = min(0.9, max(0.05, (year - 1975) * 0.034))
        modern = self.rng.random() < modern_share
        if sex == Sex.MALE.value:
            names = THAI_MALE_MODERN if modern else THAI_MALE_TRADITIONAL
        else:
            names = THAI_FEMALE_MODERN if modern else THAI_FEMALE_TRADITIONAL
        return names[self.rng.randrange(len(names))]

    def thai_family_name(self) -> str:
        return THAI_FAMILY[self.rng.randrange(len(THAI_FAMILY))]

    def foreigner(
        self, sex: str, born: int, nationality: str, family: str, residence: str, visa: str = ""
    ) -> Draft:
        male, female, _families = FOREIGN_NAMES[nationality]
        given = self.rng.choice(female if sex == Sex.FEMALE.value else male)
        family = foreign_family_name(nationality, family, female=sex == Sex.FEMALE.value)
        return Draft(
            id=self.new_id(),
            sex=sex,
            born=born,
            nationality=nationality,
            residence=residence,
            given_latin=given,
            family_latin=family,
            visa_type=visa,
        )

    def foreign_family_name(self, nationality: str) -> str:
        families = FOREIGN_NAMES[nationality][2]
        return self.rng.choice(families) if families else ""

    def nationality(self, mix: tuple[tuple[str, ...], tuple[float, ...]]) -> str:
        codes, cumulative = mix
        return self.rng.choices(codes, cum_weights=cumulative)[0]

    def sex(self, female_share: float = 0.5) -> str:
        return Sex.FEMALE.value if self.rng.random() < female_share else Sex.MALE.value

    # --- children ------------------------------------------------------------------------------

    def children(
        self,
        household: Household,
        parents: list[Draft],
        count: int,
        make: Callable[[int], Draft],
        source: str,
    ) -> list[Draft]:
        """Add up to ``count`` children of ``parents`` (the mother first), linked to each parent.

        Fewer are made when the mother is too young for more, or the next birth would be after
        today or after she turns 42.
        """
        mother, others = parents[0], parents[1:]
        born = mother.born + self.years(18, 34)
        for parent in others:
            born = max(born, parent.born + int(16 * YEAR) + 1)
        last = min(self.today, mother.born + int(43 * YEAR) - 1)
        made: list[Draft] = []
        while len(made) < count and born <= last:
            child = make(born)
            made.append(child)
            household.members.append(child)
            for parent in parents:
                household.links.append(Link(parent, child, LinkKind.PARENT.value, source, born))
            born += self.years(1, 6)
        return made

    def child_count(self) -> int:
        return self.rng.choices((1, 2, 3, 4), cum_weights=(38, 78, 95, 100))[0]
