"""Households of the synthetic population: who lives together, and how they are related.

A household is drafted whole (two parents and their children, three generations under one roof,
grandparents raising grandchildren under a guardianship order, a family that has just arrived on
work visas, two tourists) so its members' ages, names, nationalities and links agree: Thai
children carry their father's family name and are linked to their parents by birth registration,
a newly arrived family's links rest on foreign birth certificates, a Myanmar worker has a single
name. About 90% of people are Thai citizens; ``FOREIGN_HOUSEHOLD_SHARE`` is set for that, since
foreign households are smaller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from onegate.registries.constants import LinkKind, LinkSource, ResidenceKind, Sex
from onegate.registries.generator.people import YEAR, Draft, Drafter, Household, Link

FOREIGN_HOUSEHOLD_SHARE = 0.185

VISA_BUSINESS = "Non-Immigrant B"
VISA_LABOUR = "Non-Immigrant L-A"
VISA_DEPENDANT = "Non-Immigrant O"
VISA_RETIREMENT = "Non-Immigrant O-A"
VISA_STUDENT = "Non-Immigrant ED"

# Workers from neighbouring countries come under the labour agreements (L-A visas).
_LABOUR_AGREEMENT = frozenset({"MMR", "LAO", "KHM"})

Mix = tuple[tuple[str, ...], tuple[float, ...]]


def _mix(**weights: float) -> Mix:
    total, cumulative = 0.0, []
    for weight in weights.values():
        total += weight
        cumulative.append(total)
    return tuple(weights), tuple(cumulative)


# Nationalities by kind of foreign household (relative weights).
VISITORS = _mix(
    CHN=22, RUS=12, IND=10, KOR=9, GBR=8, USA=8, DEU=7, JPN=6, FRA=5, AUS=5, LAO=4, VNM=4
)
WORKERS = _mix(MMR=45, KHM=18, LAO=12, CHN=7, JPN=5, IND=4, GBR=3, USA=3, KOR=3)
FAMILIES = _mix(MMR=30, CHN=12, JPN=12, KHM=10, LAO=8, GBR=8, USA=8, IND=6, KOR=6)
RETIREES = _mix(GBR=25, USA=20, DEU=20, AUS=10, FRA=10, JPN=10, RUS=5)
STUDENTS = _mix(CHN=40, MMR=15, LAO=10, KHM=10, VNM=10, KOR=5, JPN=5, IND=5)
PERMANENT = _mix(CHN=30, IND=20, GBR=10, USA=10, MMR=10, JPN=10, DEU=10)

DEATH_SHARE_OVER_70 = 0.05  # of people over 70 in the register, the share who have died


def draft_household(d: Drafter) -> Household:
    """One household, of a kind drawn with the weights below."""
    kinds, cumulative = _FOREIGN if d.rng.random() < FOREIGN_HOUSEHOLD_SHARE else _THAI
    household: Household = d.rng.choices(kinds, cum_weights=cumulative)[0](d)
    return household


# --- Thai households --------------------------------------------------------------------------


def _couple(d: Drafter, h: Household, low: float, high: float) -> tuple[Draft, Draft]:
    """A wife and her husband (in that order); she takes his family name seven times in ten."""
    family = d.thai_family_name()
    wife_born = d.born_aged(low, high)
    husband_born = min(
        wife_born - d.rng.randint(int(-2 * YEAR), int(7 * YEAR)), d.today - int(low * YEAR)
    )
    wife_family = family if d.rng.random() < 0.7 else d.thai_family_name()
    wife, husband = (
        d.thai(Sex.FEMALE.value, wife_born, wife_family),
        d.thai(Sex.MALE.value, husband_born, family),
    )
    h.members += [wife, husband]
    return wife, husband


def _thai_children(
    d: Drafter, h: Household, parents: list[Draft], family: str, count: int
) -> list[Draft]:
    def make(born: int) -> Draft:
        return d.thai(d.sex(), born, family)

    return d.children(h, parents, count, make, LinkSource.BIRTH_REGISTRATION.value)


def _elderly_deaths(d: Drafter, h: Household) -> None:
    for person in h.members:
        age_days = d.today - person.born
        if age_days > 70 * YEAR and d.rng.random() < DEATH_SHARE_OVER_70:
            person.died = d.today - d.rng.randint(0, min(int(5 * YEAR), int(age_days - 70 * YEAR)))


def nuclear_family(d: Drafter) -> Household:
    h = Household()
    mother, father = _couple(d, h, 22, 60)
    _thai_children(d, h, [mother, father], father.family_th, d.child_count())
    return h


def single_parent(d: Drafter) -> Household:
    h = Household()
    parent = d.thai(d.sex(0.75), d.born_aged(22, 60), d.thai_family_name())
    h.members.append(parent)
    _thai_children(d, h, [parent], parent.family_th, d.child_count())
    return h


def couple(d: Drafter) -> Household:
    h = Household()
    _couple(d, h, 25, 85)
    _elderly_deaths(d, h)
    return h


def single(d: Drafter) -> Household:
    h = Household(members=[d.thai(d.sex(), d.born_aged(18, 90), d.thai_family_name())])
    _elderly_deaths(d, h)
    return h


def three_generations(d: Drafter) -> Household:
    """Grandparents, their grown child with a spouse, and grandchildren."""
    h = Household()
    grandmother, grandfather = _couple(d, h, 55, 85)
    grandparents = [grandmother, grandfather]
    if d.rng.random() < 0.3:  # widowed: only the grandmother is on the house registration
        h.members.remove(grandfather)
        grandparents = [grandmother]
    grown = _thai_children(
        d,
        h,
        grandparents,
        grandmother.family_th if len(grandparents) == 1 else grandfather.family_th,
        1,
    )
    if grown and d.today - grown[0].born >= 22 * YEAR:
        _with_spouse_and_children(d, h, grown[0])
    _elderly_deaths(d, h)
    return h


def _with_spouse_and_children(d: Drafter, h: Household, grown: Draft) -> None:
    spouse_sex = Sex.MALE.value if grown.sex == Sex.FEMALE.value else Sex.FEMALE.value
    spouse_born = grown.born + d.rng.randint(int(-4 * YEAR), int(4 * YEAR))
    spouse_born = min(spouse_born, d.today - int(20 * YEAR))
    if spouse_sex == Sex.MALE.value:
        spouse = d.thai(spouse_sex, spouse_born, d.thai_family_name())
        mother, father = grown, spouse
    else:
        spouse = d.thai(spouse_sex, spouse_born, grown.family_th)
        mother, father = spouse, grown
    h.members.append(spouse)
    _thai_children(d, h, [mother, father], father.family_th, d.rng.randint(1, 2))


def grandparents_as_guardians(d: Drafter) -> Household:
    """Grandchildren whose parents work elsewhere, in their grandparents' care by court order."""
    h = Household()
    guardians = list(_couple(d, h, 55, 80))
    if d.rng.random() < 0.4:
        h.members.remove(guardians[1])
        guardians = guardians[:1]
    family = guardians[-1].family_th if d.rng.random() < 0.5 else d.thai_family_name()
    for _ in range(d.rng.randint(1, 2)):
        child = d.thai(d.sex(), d.born_aged(1, 16), family)
        h.members.append(child)
        since = child.born + d.rng.randint(180, max(181, d.today - child.born))
        # Thai court cases are numbered within the Buddhist Era year (CE + 543).
        case_year = dt.date.fromordinal(since).year + 543
        reference = f"Court order {d.rng.randint(100, 9999)}/{case_year}"
        for guardian in guardians:
            h.links.append(
                Link(
                    guardian,
                    child,
                    LinkKind.GUARDIAN.value,
                    LinkSource.COURT_ORDER.value,
                    since,
                    reference,
                )
            )
    return h


# --- foreign households -----------------------------------------------------------------------


def _arrival(d: Drafter, h: Household, low: float, high: float) -> None:
    """When the household came: between ``low`` and ``high`` years ago, but after the youngest
    was born and once every adult was 18."""
    arrived = d.today - d.years(low, high)
    youngest = max(person.born for person in h.members)
    adults = [person.born for person in h.members if d.today - person.born >= 18 * YEAR]
    floor = max([youngest + 30, *(born + int(18 * YEAR) for born in adults)])
    h.arrived = min(d.today - 1, max(arrived, floor))


def visitors(d: Drafter) -> Household:
    nationality = d.nationality(VISITORS)
    h = Household(abroad=True)
    family = d.foreign_family_name(nationality)
    first = d.foreigner(
        d.sex(), d.born_aged(20, 75), nationality, family, ResidenceKind.VISITOR.value
    )
    h.members.append(first)
    if d.rng.random() < 0.45:  # travelling as a couple
        sex = Sex.MALE.value if first.sex == Sex.FEMALE.value else Sex.FEMALE.value
        born = first.born + d.rng.randint(int(-5 * YEAR), int(5 * YEAR))
        born = min(born, d.today - int(20 * YEAR))
        h.members.append(d.foreigner(sex, born, nationality, family, ResidenceKind.VISITOR.value))
    return h


def worker(d: Drafter) -> Household:
    nationality = d.nationality(WORKERS)
    visa = VISA_LABOUR if nationality in _LABOUR_AGREEMENT else VISA_BUSINESS
    family = d.foreign_family_name(nationality)
    person = d.foreigner(
        d.sex(0.4), d.born_aged(20, 50), nationality, family, ResidenceKind.VISA_HOLDER.value, visa
    )
    h = Household(members=[person])
    _arrival(d, h, 0.1, 6)
    return h


def arrived_family(d: Drafter) -> Household:
    """A worker with their children (and usually a spouse) on dependants' visas."""
    nationality = d.nationality(FAMILIES)
    principal_visa = VISA_LABOUR if nationality in _LABOUR_AGREEMENT else VISA_BUSINESS
    family = d.foreign_family_name(nationality)
    holder = ResidenceKind.VISA_HOLDER.value
    h = Household()
    mother_works = d.rng.random() < 0.3
    mother = d.foreigner(
        Sex.FEMALE.value,
        d.born_aged(26, 48),
        nationality,
        family,
        holder,
        principal_visa if mother_works else VISA_DEPENDANT,
    )
    parents = [mother]
    single_mother = mother_works and d.rng.random() < 0.3
    if not single_mother:
        born = min(
            mother.born - d.rng.randint(int(-2 * YEAR), int(6 * YEAR)), d.today - int(26 * YEAR)
        )
        visa = VISA_DEPENDANT if mother_works else principal_visa
        parents.append(d.foreigner(Sex.MALE.value, born, nationality, family, holder, visa))
    h.members += parents

    def make(born: int) -> Draft:
        return d.foreigner(d.sex(), born, nationality, family, holder, VISA_DEPENDANT)

    d.children(h, parents, d.rng.randint(1, 3), make, LinkSource.FOREIGN_BIRTH_CERTIFICATE.value)
    _arrival(d, h, 0.05, 5)
    return h


def retirees(d: Drafter) -> Household:
    nationality = d.nationality(RETIREES)
    family = d.foreign_family_name(nationality)
    holder = ResidenceKind.VISA_HOLDER.value
    first = d.foreigner(
        d.sex(0.3), d.born_aged(55, 80), nationality, family, holder, VISA_RETIREMENT
    )
    h = Household(members=[first])
    if d.rng.random() < 0.35:
        sex = Sex.MALE.value if first.sex == Sex.FEMALE.value else Sex.FEMALE.value
        born = first.born + d.rng.randint(int(-6 * YEAR), int(6 * YEAR))
        h.members.append(d.foreigner(sex, born, nationality, family, holder, VISA_RETIREMENT))
    _arrival(d, h, 0.2, 10)
    return h


def student(d: Drafter) -> Household:
    nationality = d.nationality(STUDENTS)
    family = d.foreign_family_name(nationality)
    person = d.foreigner(
        d.sex(),
        d.born_aged(18, 28),
        nationality,
        family,
        ResidenceKind.VISA_HOLDER.value,
        VISA_STUDENT,
    )
    h = Household(members=[person])
    _arrival(d, h, 0.1, 4)
    return h


def permanent_residents(d: Drafter) -> Household:
    nationality = d.nationality(PERMANENT)
    family = d.foreign_family_name(nationality)
    resident = ResidenceKind.PERMANENT_RESIDENT.value
    first = d.foreigner(d.sex(), d.born_aged(35, 75), nationality, family, resident)
    h = Household(members=[first])
    if d.rng.random() < 0.4:
        sex = Sex.MALE.value if first.sex == Sex.FEMALE.value else Sex.FEMALE.value
        born = min(
            first.born + d.rng.randint(int(-5 * YEAR), int(5 * YEAR)), d.today - int(35 * YEAR)
        )
        h.members.append(d.foreigner(sex, born, nationality, family, resident))
    _arrival(d, h, 10, 30)
    return h


Kind = Callable[[Drafter], Household]


def _kinds(**weights: float) -> tuple[tuple[Kind, ...], tuple[float, ...]]:
    builders = {kind.__name__: kind for kind in _ALL}
    names, cumulative = _mix(**weights)
    return tuple(builders[name] for name in names), cumulative


_ALL: tuple[Kind, ...] = (
    nuclear_family,
    single_parent,
    couple,
    single,
    three_generations,
    grandparents_as_guardians,
    visitors,
    worker,
    arrived_family,
    retirees,
    student,
    permanent_residents,
)
# Relative weights of household kinds (of households, not people).
_THAI = _kinds(
    nuclear_family=36,
    single_parent=10,
    couple=18,
    single=20,
    three_generations=10,
    grandparents_as_guardians=6,
)
_FOREIGN = _kinds(
    visitors=40, worker=30, arrived_family=10, retirees=8, student=6, permanent_residents=6
)
