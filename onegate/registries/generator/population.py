"""One chunk of the synthetic population: households drafted and turned into rows.

A chunk is ``plan.people`` consecutive people (the last household is cut short if it does not
fit) drawn from a random stream seeded by the run's seed and the chunk's first index, so a chunk
can be rebuilt on its own, in any process, and always comes out the same: that is what makes the
generator deterministic (the same seed gives the same rows and UUIDs) and lets chunks be drafted
in parallel. Only ``created_at``/``updated_at`` (the time of the run) differ between two runs.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass
from functools import cache

from onegate.registries.constants import ResidenceKind
from onegate.registries.generator import documents, numbering
from onegate.registries.generator.addresses import (
    Gazetteer,
    abroad_address_fields,
    thai_address,
    thai_address_fields,
)
from onegate.registries.generator.documents import day
from onegate.registries.generator.households import draft_household
from onegate.registries.generator.people import YEAR, Draft, Drafter, Household, Link
from onegate.registries.generator.rows import ChunkRows
from onegate.registries.models import (
    Address,
    ArrivalRecord,
    FamilyLink,
    NationalIdCard,
    Person,
    ResidenceStatus,
    TravelDocument,
)
from onegate.registries.search import name_key

# People born from 1984 registered in time get category 1; earlier registrations category 3.
_CATEGORY_ONE_FROM = dt.date(1984, 1, 1).toordinal()
LATE_REGISTRATION_SHARE = 0.03  # category 2: born from 1984 but registered late
PREVIOUS_ADDRESS_SHARE = 0.35  # of adults who moved in as adults: their previous Thai address
VISITORS_STILL_HERE_SHARE = 0.75


@dataclass(frozen=True)
class ChunkPlan:
    """Which people a chunk drafts: ``people`` of them from global index ``first_index``."""

    seed: int
    first_index: int
    people: int
    today: dt.date
    now: dt.datetime  # created_at and updated_at of every row


@cache
def _key(name: str) -> str:
    return name_key(name)


def chunk_rows(plan: ChunkPlan, gazetteer: Gazetteer) -> ChunkRows:
    """The rows of one chunk (a pure function of the plan and the sub-districts)."""
    return _ChunkBuilder(plan, gazetteer).build()


class _ChunkBuilder:
    def __init__(self, plan: ChunkPlan, gazetteer: Gazetteer) -> None:
        # Not for security: a reproducible stream is the point (same seed, same population).
        self.rng = random.Random(f"onegate-population:{plan.seed}:{plan.first_index}")  # noqa: S311
        self.plan = plan
        self.gazetteer = gazetteer
        self.today = plan.today.toordinal()
        self.drafter = Drafter(self.rng, self.today)
        self.rows = ChunkRows()
        self.now = plan.now

    def build(self) -> ChunkRows:
        kept = 0
        while kept < self.plan.people:
            household = draft_household(self.drafter)
            _fit(household, self.plan.people - kept)
            for person in household.members:
                person.index = self.plan.first_index + kept
                kept += 1
            self._register(household)
        return self.rows

    def _id(self) -> uuid.UUID:
        return self.drafter.new_id()

    # --- a household's rows --------------------------------------------------------------------

    def _register(self, household: Household) -> None:
        if household.abroad:
            household.arrived = self._visitors_trip(household)
            home = abroad_address_fields(self.rng, household.members[0].nationality)
            office = ""
        else:
            place = self.gazetteer.pick(self.rng)
            home = thai_address_fields(thai_address(self.rng, place))
            office = place.district
        moved_in = self._moved_in(household)
        for person in household.members:
            person.national_id = self._national_id(person, office)
            self._person(person)
            self._addresses(person, household, home, moved_in)
            self._residence(person, household)
            if person.citizen:
                self._cards(person)
            self._passport(person, household)
        for link in household.links:
            self._link(link)

    def _moved_in(self, household: Household) -> int:
        if household.abroad:  # visitors' homes abroad
            return self.today - self.drafter.years(0.5, 20)
        if household.arrived is not None:
            return min(self.today, household.arrived + self.rng.randint(0, 30))
        return self.today - self.drafter.years(0, 30)

    def _visitors_trip(self, household: Household) -> int:
        """When visitors arrived (most are still here; the others have left again)."""
        stay = documents.visitor_stay(household.members[0])
        if self.rng.random() < VISITORS_STILL_HERE_SHARE:
            return self.today - self.rng.randint(0, stay - 1)
        arrived = self.today - self.rng.randint(stay + 1, 700)
        household.departed = arrived + self.rng.randint(2, stay - 1)
        return arrived

    def _national_id(self, person: Draft, office: str) -> str | None:
        if person.citizen:
            if person.born < _CATEGORY_ONE_FROM:
                category = "3"
            else:
                category = "2" if self.rng.random() < LATE_REGISTRATION_SHARE else "1"
        elif person.residence == ResidenceKind.PERMANENT_RESIDENT.value:
            category = "8"
        else:
            return None
        return numbering.national_id(category=category, office=office, index=person.index)

    def _person(self, person: Draft) -> None:
        self.rows.add(
            Person,
            (
                person.id,
                self.now,
                self.now,
                person.national_id,
                person.given_th,
                person.family_th,
                person.given_latin,
                person.family_latin,
                _key(person.given_latin),
                _key(person.family_latin),
                day(person.born),
                person.sex,
                person.nationality,
                day(person.died) if person.died is not None else None,
            ),
        )

    def _address(
        self, person: Draft, fields: tuple[str | None, ...], since: int, until: int | None
    ) -> None:
        valid_until = day(until) if until is not None else None
        row = (self._id(), self.now, self.now, person.id, *fields, day(since), valid_until)
        self.rows.add(Address, row)

    def _addresses(
        self, person: Draft, household: Household, home: tuple[str | None, ...], moved_in: int
    ) -> None:
        since = max(person.born, moved_in)
        if person.died is not None:
            since = min(since, person.died)
        self._address(person, home, since, person.died)
        if household.abroad:
            return
        if household.arrived is not None:  # where they lived before coming to Thailand
            before = max(person.born, household.arrived - self.drafter.years(1, 20))
            if before < household.arrived:
                fields = abroad_address_fields(self.rng, person.nationality)
                self._address(person, fields, before, household.arrived - 1)
            return
        adult_then = moved_in - person.born >= 19 * YEAR
        if adult_then and self.rng.random() < PREVIOUS_ADDRESS_SHARE:
            place = self.gazetteer.pick(self.rng)
            fields = thai_address_fields(thai_address(self.rng, place))
            before = max(person.born + int(18 * YEAR), moved_in - self.drafter.years(1, 15))
            self._address(person, fields, before, moved_in - 1)

    def _residence(self, person: Draft, household: Household) -> None:
        history = documents.residence_history(self.rng, person, self.today, household.arrived)
        for status in history:
            until = day(status.valid_until) if status.valid_until is not None else None
            row = (
                self._id(),
                self.now,
                self.now,
                person.id,
                status.kind,
                status.visa_type,
                day(status.valid_from),
                until,
                "",
            )
            self.rows.add(ResidenceStatus, row)
        person.visa_until = history[-1].valid_until

    def _cards(self, person: Draft) -> None:
        letters = documents.card_letters(self.rng)
        for number, card in enumerate(documents.id_cards(self.rng, person, self.today)):
            laser = numbering.laser_code(letters=letters, index=person.index, card=number)
            expires = day(card.expires) if card.expires is not None else None
            row = (
                self._id(),
                self.now,
                self.now,
                person.id,
                laser,
                day(card.issued),
                expires,
                card.status,
            )
            self.rows.add(NationalIdCard, row)

    def _passport(self, person: Draft, household: Household) -> None:
        if person.citizen:
            if documents.wants_thai_passport(self.rng, person, self.today):
                self._thai_passport(person)
            return
        if household.abroad:
            arrived = household.arrived if household.arrived is not None else self.today
            issued = documents.valid_issue(self.rng, person, arrived)
            document_id = self._document(
                person, documents.passport(self.rng, person, issued=issued)
            )
            self._arrival(person, document_id, arrived, household.departed)
            return
        self._resident_passport(person, household)

    def _thai_passport(self, person: Draft) -> None:
        on = person.died if person.died is not None else self.today
        issued = None
        if self.rng.random() < documents.PASSPORT_EXPIRED_SHARE:
            issued = documents.expired_issue(self.rng, person, on)
        if issued is None:
            issued = documents.valid_issue(self.rng, person, on)
        self._document(person, documents.passport(self.rng, person, issued=issued))

    def _resident_passport(self, person: Draft, household: Household) -> None:
        arrived = household.arrived if household.arrived is not None else self.today
        issued = None
        if self.rng.random() < documents.FOREIGN_EXPIRED_SHARE:
            issued = documents.expired_issue(self.rng, person, self.today)
        if issued is not None:
            expires = documents.passport_expiry(person, person.nationality, issued)
            if max(arrived, issued) >= min(self.today, expires):  # no entry on it was possible
                issued = None
        if issued is None:
            issued = documents.valid_issue(self.rng, person, self.today)
        passport = documents.passport(self.rng, person, issued=issued)
        document_id = self._document(person, passport)
        latest_entry = self.rng.randint(max(arrived, issued), min(self.today, passport.expires - 1))
        self._arrival(person, document_id, latest_entry, None)

    def _document(self, person: Draft, passport: documents.Passport) -> uuid.UUID:
        document_id = self._id()
        mrz = documents.passport_mrz(person, passport)
        row = (
            document_id,
            self.now,
            self.now,
            person.id,
            documents.DOCUMENT_TYPE,
            passport.number,
            passport.issuing_state,
            person.nationality,
            person.family_latin,
            person.given_latin,
            day(person.born),
            person.sex,
            day(passport.issued),
            day(passport.expires),
            mrz,
            passport.status,
        )
        self.rows.add(TravelDocument, row)
        return document_id

    def _arrival(
        self, person: Draft, document_id: uuid.UUID, arrived: int, departed: int | None
    ) -> None:
        permitted: int | None
        if person.residence == ResidenceKind.VISITOR.value:
            permitted = arrived + documents.visitor_stay(person)
        else:
            permitted = person.visa_until
        row = (
            self._id(),
            self.now,
            self.now,
            person.id,
            document_id,
            day(arrived),
            documents.port_of_entry(self.rng, person.nationality),
            day(permitted) if permitted is not None else None,
            day(departed) if departed is not None else None,
        )
        self.rows.add(ArrivalRecord, row)

    def _link(self, link: Link) -> None:
        row = (
            self._id(),
            self.now,
            self.now,
            link.adult.id,
            link.child.id,
            link.kind,
            link.source,
            link.reference,
            day(link.since),
            None,
        )
        self.rows.add(FamilyLink, row)


def _fit(household: Household, room: int) -> None:
    """Cut a household to ``room`` people (children go first: they are listed last)."""
    if len(household.members) <= room:
        return
    household.members = household.members[:room]
    kept = {id(person) for person in household.members}
    household.links = [
        link for link in household.links if id(link.adult) in kept and id(link.child) in kept
    ]
