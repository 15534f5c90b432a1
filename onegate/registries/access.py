"""The access log behind "who looked at my data": checked and written with every registry read.

Adapters call ``access_check`` before answering and ``access_record_write`` in the same
transaction as the read, so a read without a purpose never happens and a read that happened is
always on record (for each person whose data was returned, except a person reading about
themselves). One audit record per read ties the access log into the tamper-evident audit chain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from onegate.audit.constants import RegistryAction
from onegate.audit.models import AuditEvent
from onegate.audit.services import audit_event_build
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
    records, event = access_records_build(
        access=access, question=question, person_ids=person_ids, facts=facts
    )
    if event is None:
        return 0
    AccessRecord.objects.bulk_create(records)
    with transaction.atomic(savepoint=False):
        event.save(force_insert=True)
    return len(records)


def access_records_build(
    *,
    access: AccessContext,
    question: str,
    person_ids: Iterable[str],
    facts: Iterable[str],
    at: dt.datetime | None = None,
) -> tuple[list[AccessRecord], AuditEvent | None]:
    """The access records and the audit event ``access_record_write`` writes, built but not
    saved (no event when nobody but the reader was read about): for a hot path that inserts
    them with its own row in one statement, in one transaction."""
    people = [
        pid for pid in dict.fromkeys(str(pid) for pid in person_ids) if not access.is_self(pid)
    ]
    if not people:
        return [], None
    fact_list = sorted(set(facts))
    now = at or timezone.now()
    records = [
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
    event = audit_event_build(
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
        at=now,
    )
    return records, event
