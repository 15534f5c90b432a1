"""The access log behind "who looked at my data": checked and written with every registry read.

Adapters call ``access_check`` before answering and ``access_record_write`` in the same
transaction as the read, so a read without a purpose never happens and a read that happened is
always on record (for each person whose data was returned, except a person reading about
themselves). One audit record per read ties the access log into the tamper-evident audit chain.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from onegate.audit.constants import RegistryAction
from onegate.audit.services import audit_record
from onegate.registries.adapters.base import AccessContext, PurposeRequired
from onegate.registries.models import AccessRecord

MAX_PURPOSE_LENGTH = AccessRecord._meta.get_field("purpose").max_length or 300


def access_check(access: AccessContext) -> None:
    """Refuse a read with no purpose or no accountable reader."""
    if not (access.purpose or "").strip():
        raise PurposeRequired()
    if len(access.purpose) > MAX_PURPOSE_LENGTH:
        raise PurposeRequired()
    if not (access.accessor_id and access.organisation):
        raise PurposeRequired()


def access_record_write(
    *, access: AccessContext, question: str, person_ids: Iterable[str], facts: Iterable[str]
) -> int:
    """Record that ``facts`` about each person were read; returns the number of records written."""
    people = [
        pid for pid in dict.fromkeys(str(pid) for pid in person_ids) if not access.is_self(pid)
    ]
    if not people:
        return 0
    fact_list = sorted(set(facts))
    now = timezone.now()
    AccessRecord.objects.bulk_create(
        [
            AccessRecord(
                person_id=person_id,
                created_at=now,
                accessor_kind=access.kind,
                accessor_id=access.accessor_id[:100],
                accessor_label=access.accessor_label[:200],
                organisation=access.organisation[:200],
                on_behalf_of=access.on_behalf_of[:200],
                purpose=access.purpose,
                facts=fact_list,
                channel=access.channel[:40],
            )
            for person_id in people
        ]
    )
    audit_record(
        actor=access.user,
        action=RegistryAction.DATA_READ,
        subject_type="registries.person",
        subject_id=people[0] if len(people) == 1 else f"{len(people)} people",
        purpose=access.purpose,
        payload={
            "question": question,
            "people": people,
            "facts": fact_list,
            "reader": {
                "kind": str(access.kind),
                "id": access.accessor_id,
                "organisation": access.organisation,
                "channel": access.channel,
            },
        },
    )
    return len(people)
