"""The local adapter: registry questions answered from this node's own tables (the default).

Each question runs in one transaction: check the reader's purpose, read, convert to typed
records with provenance, and write the access records for everyone whose data is returned.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.th import pin

from onegate.registries.access import access_check, access_record_write
from onegate.registries.adapters.base import (
    AccessContext,
    AddressRecord,
    Answer,
    DocumentOwnership,
    FamilyMember,
    InvalidQuestion,
    PersonRecord,
    Provenance,
    ResidenceRecord,
    TravelDocumentRecord,
)
from onegate.registries.adapters.registry import register_adapter
from onegate.registries.constants import (
    RESIDENT_KINDS,
    CardStatus,
    DocumentStatus,
    IdentifierScheme,
)
from onegate.registries.identifiers import country_code_normalise
from onegate.registries.models import (
    Address,
    FamilyLink,
    NationalIdCard,
    Person,
    PersonIdentifier,
    ResidenceStatus,
    TravelDocument,
)
from onegate.registries.search import people_matching

# What a returned person record reveals, in the access log's words.
PERSON_FACTS = (
    "person.name",
    "person.date_of_birth",
    "person.sex",
    "person.nationality",
    "person.national_id",
)
MAX_SEARCH_RESULTS = 50


def _node() -> str:
    return getattr(settings, "REGISTRY_NODE_ID", "") or "local"


def _provenance(
    registry: str,
    record: Person | TravelDocument | Address | ResidenceStatus | NationalIdCard | FamilyLink,
) -> Provenance:
    return Provenance(
        registry=registry, record=str(record.pk), as_of=record.updated_at, node=_node()
    )


def person_record(person: Person) -> PersonRecord:
    return PersonRecord(
        id=str(person.pk),
        national_id=person.national_id,
        given_name_th=person.given_name_th,
        family_name_th=person.family_name_th,
        given_name_latin=person.given_name_latin,
        family_name_latin=person.family_name_latin,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        nationality=person.nationality,
        date_of_death=person.date_of_death,
    )


def document_record(document: TravelDocument) -> TravelDocumentRecord:
    return TravelDocumentRecord(
        id=str(document.pk),
        person_id=str(document.person_id),
        document_type=document.document_type,
        number=document.number,
        issuing_state=document.issuing_state,
        nationality=document.nationality,
        family_name=document.family_name,
        given_names=document.given_names,
        date_of_birth=document.date_of_birth,
        sex=document.sex,
        issued_on=document.issued_on,
        expires_on=document.expires_on,
        status=document.status,
        mrz=document.mrz,
    )


def address_record(address: Address) -> AddressRecord:
    sub = address.sub_district
    district = sub.district if sub else None
    province = district.province if district else None
    return AddressRecord(
        id=str(address.pk),
        person_id=str(address.person_id),
        kind=address.kind,
        house_number=address.house_number,
        moo=address.moo,
        building=address.building,
        soi=address.soi,
        road=address.road,
        sub_district_code=sub.code if sub else "",
        sub_district={"en": sub.name_en, "th": sub.name_th} if sub else {},
        district={"en": district.name_en, "th": district.name_th} if district else {},
        province={"en": province.name_en, "th": province.name_th} if province else {},
        postcode=address.postcode,
        lines=address.lines,
        city=address.city,
        region=address.region,
        country=address.country,
        valid_from=address.valid_from,
    )


def _person_uuid(person_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(person_id))
    except ValueError:
        raise InvalidQuestion(_("This is not a registry person reference.")) from None


def _nothing(registry: str) -> Provenance:
    """Provenance of an answer that found no record: the register, as of now."""
    return Provenance(registry=registry, record="", as_of=timezone.now(), node=_node())


def _known_person(person_id: str) -> uuid.UUID | None:
    """The person's key if the register holds them; a question about nobody reads nothing."""
    pk = _person_uuid(person_id)
    return pk if Person.objects.filter(pk=pk).exists() else None


def _issuing_state(value: str) -> str:
    """The stored form of an issuing state as typed or printed (``D`` is stored as ``DEU``)."""
    try:
        return country_code_normalise((value or "").strip().upper(), allow_specimen=True)
    except ValidationError:
        raise InvalidQuestion(
            _("%(code)s is not a country code.") % {"code": (value or "")[:3]}
        ) from None


def _links_in_force(today: dt.date) -> Q:
    return Q(valid_from__lte=today) & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))


@register_adapter("local")
class LocalAdapter:
    """Answers from this node's registry tables."""

    name = "local"

    @transaction.atomic
    def person_get(self, *, person_id: str, access: AccessContext) -> Answer[PersonRecord] | None:
        access_check(access)
        person = Person.objects.filter(pk=_person_uuid(person_id)).first()
        return self._person_answer(person, access, question="person_get")

    @transaction.atomic
    def person_find(
        self, *, scheme: str, value: str, issuing_state: str = "", access: AccessContext
    ) -> Answer[PersonRecord] | None:
        access_check(access)
        return self._person_answer(
            self._find(scheme, value, issuing_state), access, question="person_find"
        )

    def _find(self, scheme: str, value: str, issuing_state: str) -> Person | None:
        value = (value or "").strip()
        if scheme == IdentifierScheme.NATIONAL_ID:
            try:
                number = pin.validate(value)
            except StdnumError:
                raise InvalidQuestion(_("Enter a valid 13-digit national ID number.")) from None
            return Person.objects.filter(national_id=number).first()
        if not (value and (issuing_state or "").strip()):
            raise InvalidQuestion(_("Give the document number and the state that issued it."))
        state = _issuing_state(issuing_state)
        if scheme == IdentifierScheme.TRAVEL_DOCUMENT:
            document = (
                TravelDocument.objects.select_related("person")
                .filter(number=value.upper(), issuing_state=state)
                .first()
            )
            return document.person if document else None
        if scheme == IdentifierScheme.FOREIGN_NATIONAL_ID:
            found = (
                PersonIdentifier.objects.select_related("person")
                .filter(scheme="national_id", issuing_state=state, value=value)
                .first()
            )
            return found.person if found else None
        raise InvalidQuestion(_("Unknown kind of identifier."))

    def _person_answer(
        self, person: Person | None, access: AccessContext, *, question: str
    ) -> Answer[PersonRecord] | None:
        if person is None:
            return None
        access_record_write(
            access=access, question=question, person_ids=[str(person.pk)], facts=PERSON_FACTS
        )
        return Answer(person_record(person), _provenance("population", person))

    @transaction.atomic
    def people_search(
        self,
        *,
        name: str,
        date_of_birth: dt.date | None = None,
        limit: int = 20,
        access: AccessContext,
    ) -> list[Answer[PersonRecord]]:
        access_check(access)
        people = people_matching(Person.objects.all(), name=name)
        if date_of_birth is not None:
            people = people.filter(date_of_birth=date_of_birth)
        # Ordered before the cut, so the first page is the same whoever asks, and complete.
        found = list(
            people.order_by("family_key", "given_key", "date_of_birth", "id")[
                : max(1, min(limit, MAX_SEARCH_RESULTS))
            ]
        )
        access_record_write(
            access=access,
            question="people_search",
            person_ids=[p.pk for p in found],
            facts=("person.name", "person.date_of_birth"),
        )
        return [Answer(person_record(p), _provenance("population", p)) for p in found]

    @transaction.atomic
    def children_of(self, *, person_id: str, access: AccessContext) -> list[Answer[FamilyMember]]:
        access_check(access)
        if _known_person(person_id) is None:
            return []
        links = FamilyLink.objects.select_related("child").filter(
            _links_in_force(timezone.localdate()), adult_id=_person_uuid(person_id)
        )
        return self._family(links, "child", person_id, access, question="children_of")

    @transaction.atomic
    def guardians_of(self, *, person_id: str, access: AccessContext) -> list[Answer[FamilyMember]]:
        access_check(access)
        if _known_person(person_id) is None:
            return []
        links = FamilyLink.objects.select_related("adult").filter(
            _links_in_force(timezone.localdate()), child_id=_person_uuid(person_id)
        )
        return self._family(links, "adult", person_id, access, question="guardians_of")

    def _family(
        self,
        links: Iterable[FamilyLink],
        side: str,
        person_id: str,
        access: AccessContext,
        *,
        question: str,
    ) -> list[Answer[FamilyMember]]:
        answers = []
        for link in sorted(links, key=lambda lk: getattr(lk, side).date_of_birth):
            relative: Person = getattr(link, side)
            member = FamilyMember(
                person=person_record(relative),
                kind=link.kind,
                source=link.source,
                valid_from=link.valid_from,
                valid_until=link.valid_until,
            )
            answers.append(Answer(member, _provenance("population", link)))
        fact = "person.children" if side == "child" else "person.guardians"
        access_record_write(access=access, question=question, person_ids=[person_id], facts=[fact])
        relatives = [answer.value.person.id for answer in answers]
        access_record_write(
            access=access, question=question, person_ids=relatives, facts=PERSON_FACTS
        )
        return answers

    @transaction.atomic
    def travel_documents_of(
        self, *, person_id: str, access: AccessContext
    ) -> list[Answer[TravelDocumentRecord]]:
        access_check(access)
        if _known_person(person_id) is None:
            return []
        documents = TravelDocument.objects.filter(person_id=_person_uuid(person_id)).order_by(
            "-expires_on"
        )
        answers = [
            Answer(document_record(d), _provenance("travel_documents", d)) for d in documents
        ]
        access_record_write(
            access=access,
            question="travel_documents_of",
            person_ids=[person_id],
            facts=["person.travel_documents"],
        )
        return answers

    @transaction.atomic
    def current_address(
        self, *, person_id: str, access: AccessContext
    ) -> Answer[AddressRecord] | None:
        access_check(access)
        if _known_person(person_id) is None:
            return None
        address = (
            Address.objects.select_related("sub_district__district__province")
            .filter(person_id=_person_uuid(person_id), valid_until__isnull=True)
            .first()
        )
        access_record_write(
            access=access,
            question="current_address",
            person_ids=[person_id],
            facts=["person.address"],
        )
        return (
            None
            if address is None
            else Answer(address_record(address), _provenance("addresses", address))
        )

    @transaction.atomic
    def residence_on(
        self, *, person_id: str, on: dt.date, access: AccessContext
    ) -> Answer[ResidenceRecord] | None:
        access_check(access)
        if _known_person(person_id) is None:
            return None
        status = (
            ResidenceStatus.objects.filter(_links_in_force(on), person_id=_person_uuid(person_id))
            .order_by("-valid_from")
            .first()
        )
        access_record_write(
            access=access,
            question="residence_on",
            person_ids=[person_id],
            facts=["person.residence"],
        )
        if status is None:
            return None
        record = ResidenceRecord(
            kind=status.kind,
            visa_type=status.visa_type,
            valid_from=status.valid_from,
            valid_until=status.valid_until,
            resident=status.kind in RESIDENT_KINDS,
        )
        return Answer(record, _provenance("residence", status))

    @transaction.atomic
    def document_belongs_to(
        self, *, person_id: str, number: str, issuing_state: str, access: AccessContext
    ) -> Answer[DocumentOwnership]:
        access_check(access)
        pk = _person_uuid(person_id)
        state = _issuing_state(issuing_state)
        person = Person.objects.filter(pk=pk).first()
        if person is None:
            # The same "no" as for someone else's document: the answer must not reveal who exists.
            return Answer(DocumentOwnership(belongs=False, valid=False), _nothing("population"))
        document = TravelDocument.objects.filter(
            person_id=pk, number=(number or "").strip().upper(), issuing_state=state
        ).first()
        access_record_write(
            access=access,
            question="document_belongs_to",
            person_ids=[str(pk)],
            facts=["person.travel_documents"],
        )
        if document is None:
            return Answer(
                DocumentOwnership(belongs=False, valid=False), _provenance("population", person)
            )
        valid = (
            document.status == DocumentStatus.VALID and document.expires_on >= timezone.localdate()
        )
        return Answer(
            DocumentOwnership(belongs=True, valid=valid), _provenance("travel_documents", document)
        )

    @transaction.atomic
    def id_card_matches(
        self, *, national_id: str, laser_code: str, access: AccessContext
    ) -> Answer[bool]:
        access_check(access)
        person = self._find(IdentifierScheme.NATIONAL_ID, national_id, "")
        code = "".join(ch for ch in (laser_code or "").upper() if ch.isalnum())
        if person is None:
            # The same "no" as for a wrong laser code: the answer must not reveal who exists.
            return Answer(False, _nothing("id_cards"))
        card = NationalIdCard.objects.filter(person=person, status=CardStatus.VALID).first()
        matches = bool(
            card
            and card.laser_code == code
            and (card.expires_on is None or card.expires_on >= timezone.localdate())
        )
        access_record_write(
            access=access,
            question="id_card_matches",
            person_ids=[str(person.pk)],
            facts=["person.id_card"],
        )
        return Answer(
            matches, _provenance("id_cards", card) if card else _provenance("population", person)
        )
