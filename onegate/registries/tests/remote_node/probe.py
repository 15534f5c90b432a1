"""Commands run against the second node's own database, in a process of their own.

``python -m onegate.registries.tests.remote_node.probe <command>`` with the node's environment:

* ``seed``: a small family, a visitor with the ICAO specimen passport; prints their identifiers.
* ``answers``: reads ``[[question, wire arguments], …]`` on stdin, asks the node's *local* adapter
  each question, prints the wire answers (what the remote adapter must get back).
* ``access``: prints the node's access records and registry-API audit events, for the checks.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onegate.registries.tests.remote_node.settings")
django.setup()

from django.db import transaction  # noqa: E402
from stdnum.th import pin  # noqa: E402

from onegate.audit.constants import RegistryAction  # noqa: E402
from onegate.audit.models import AuditEvent  # noqa: E402
from onegate.registries.adapters import wire  # noqa: E402
from onegate.registries.adapters.base import AccessContext, RegistryError  # noqa: E402
from onegate.registries.adapters.local import LocalAdapter  # noqa: E402
from onegate.registries.constants import AccessorKind  # noqa: E402
from onegate.registries.models import (  # noqa: E402
    AccessRecord,
    Address,
    District,
    FamilyLink,
    NationalIdCard,
    Person,
    PersonIdentifier,
    Province,
    ResidenceStatus,
    SubDistrict,
    TravelDocument,
)
from onegate.registries.search import name_key  # noqa: E402

# The ICAO Doc 9303 Part 4 specimen passport (tests/data/remote/SOURCES.md).
SPECIMEN = json.loads(
    (
        Path(__file__).resolve().parent.parent / "data" / "remote" / "icao_td3_specimen.json"
    ).read_text(encoding="utf-8")
)
LASER_CODE = "JT0123456789"
PROBE_ACCESS = AccessContext(
    kind=AccessorKind.STAFF,
    accessor_id="probe",
    accessor_label="Test probe",
    organisation="Test probe",
    purpose="Compare the local answers with the remote ones",
    channel="probe",
)


def national_id(stem: str) -> str:
    return stem + pin.calc_check_digit(stem)


def person(**fields: Any) -> Person:
    fields.setdefault("given_key", name_key(fields["given_name_latin"]))
    fields.setdefault("family_key", name_key(fields.get("family_name_latin", "")))
    return Person.objects.create(**fields)


def sub_district() -> SubDistrict:
    found = SubDistrict.objects.filter(code="100101").first()
    if found:
        return found
    province, _ = Province.objects.get_or_create(
        code="10", defaults={"name_th": "กรุงเทพมหานคร", "name_en": "Bangkok"}
    )
    district, _ = District.objects.get_or_create(
        code="1001", defaults={"province": province, "name_th": "พระนคร", "name_en": "Phra Nakhon"}
    )
    created, _ = SubDistrict.objects.get_or_create(
        code="100101",
        defaults={
            "district": district,
            "name_th": "พระบรมมหาราชวัง",
            "name_en": "Phra Borom Maha Ratchawang",
            "postcode": "10200",
        },
    )
    return created


@transaction.atomic
def seed() -> dict[str, str]:
    father = person(
        national_id=national_id("110170012345"),
        given_name_th="สมชาย", family_name_th="ใจดี",
        given_name_latin="Somchai", family_name_latin="Jaidee",
        date_of_birth=dt.date(1980, 5, 1), sex="M", nationality="THA",
    )  # fmt: skip
    mother = person(
        national_id=national_id("110170054321"),
        given_name_th="มาลี", family_name_th="ใจดี",
        given_name_latin="Malee", family_name_latin="Jaidee",
        date_of_birth=dt.date(1983, 9, 12), sex="F", nationality="THA",
    )  # fmt: skip
    child = person(
        national_id=national_id("110170099887"),
        given_name_th="กันยา", family_name_th="ใจดี",
        given_name_latin="Kanya", family_name_latin="Jaidee",
        date_of_birth=dt.date(2015, 3, 3), sex="F", nationality="THA",
    )  # fmt: skip
    for parent in (father, mother):
        FamilyLink.objects.create(
            adult=parent, child=child, kind="parent", source="birth_registration",
            valid_from=child.date_of_birth,
        )  # fmt: skip
    for someone in (father, mother, child):
        ResidenceStatus.objects.create(
            person=someone, kind="citizen", valid_from=someone.date_of_birth
        )
    NationalIdCard.objects.create(
        person=father,
        laser_code=LASER_CODE,
        issued_on=dt.date(2022, 1, 10),
        expires_on=dt.date(2031, 5, 1),
    )
    place = sub_district()
    Address.objects.create(
        person=father, kind="thai", house_number="9", road="Na Phra Lan",
        sub_district=place, postcode=place.postcode,
        valid_from=dt.date(2001, 1, 1), valid_until=dt.date(2019, 12, 31),
    )  # fmt: skip
    Address.objects.create(
        person=father, kind="thai", house_number="12/3", moo="4", soi="Soi 5",
        road="Maha Rat", sub_district=place, postcode=place.postcode,
        valid_from=dt.date(2020, 1, 1),
    )  # fmt: skip
    visitor = seed_visitor()
    return {
        "father": str(father.pk),
        "father_national_id": father.national_id or "",
        "laser_code": LASER_CODE,
        "mother": str(mother.pk),
        "child": str(child.pk),
        "visitor": str(visitor.pk),
        "passport": SPECIMEN["document_number"],
        "passport_state": SPECIMEN["issuing_state"],
        "visitor_identifier": SPECIMEN["personal_number"],
    }


def seed_visitor() -> Person:
    visitor = person(
        given_name_latin="Anna Maria", family_name_latin="Eriksson",
        date_of_birth=dt.date(1974, 8, 12), sex="F", nationality=SPECIMEN["nationality"],
    )  # fmt: skip
    TravelDocument.objects.create(
        person=visitor, document_type="P", number=SPECIMEN["document_number"],
        issuing_state=SPECIMEN["issuing_state"], nationality=SPECIMEN["nationality"],
        family_name="ERIKSSON", given_names="ANNA MARIA", date_of_birth=visitor.date_of_birth,
        sex="F", issued_on=dt.date(2002, 4, 16), expires_on=dt.date(2012, 4, 15),
        mrz=SPECIMEN["mrz"],
    )  # fmt: skip
    PersonIdentifier.objects.create(
        person=visitor, scheme="national_id", issuing_state=SPECIMEN["issuing_state"],
        value=SPECIMEN["personal_number"],
    )  # fmt: skip
    ResidenceStatus.objects.create(
        person=visitor, kind="visitor", valid_from=dt.date(2024, 1, 5),
        valid_until=dt.date(2099, 1, 1),
    )  # fmt: skip
    Address.objects.create(
        person=visitor, kind="international", lines="Storgatan 1", city="Stockholm",
        country="SWE", valid_from=dt.date(2010, 1, 1),
    )  # fmt: skip
    return visitor


def answers(questions: list[list[Any]]) -> list[Any]:
    results = []
    for name, arguments in questions:
        try:
            answer = getattr(LocalAdapter(), name)(
                **wire.arguments_from_wire(name, arguments), access=PROBE_ACCESS
            )
        except RegistryError as error:
            results.append({"error": type(error).__name__})
            continue
        results.append({"answer": wire.answer_to_wire(name, answer)})
    return results


def access() -> dict[str, Any]:
    records = AccessRecord.objects.filter(channel="remote").order_by("created_at")
    events = AuditEvent.objects.filter(action=RegistryAction.REMOTE_QUERY_ANSWERED)
    return {
        "records": [
            {
                "person": str(record.person_id),
                "accessor_kind": record.accessor_kind,
                "accessor_id": record.accessor_id,
                "accessor_label": record.accessor_label,
                "organisation": record.organisation,
                "on_behalf_of": record.on_behalf_of,
                "purpose": record.purpose,
                "facts": record.facts,
            }
            for record in records
        ],
        "answered": [
            {"node": event.subject_id, "payload": event.payload, "purpose": event.purpose}
            for event in events
        ],
    }


def main(command: str) -> None:
    if command == "seed":
        result: Any = seed()
    elif command == "answers":
        result = answers(json.load(sys.stdin))
    elif command == "access":
        result = access()
    else:
        raise SystemExit(f"unknown command {command!r}")
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
