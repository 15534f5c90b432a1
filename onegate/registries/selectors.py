"""Reads for the person about themselves: "who looked at my data", newest first, exportable.

The person's own page (with the Identity issue) calls ``access_log_for`` with the registry person
linked to the signed-in account; nobody else's key gets there. Exports carry exactly what the
page shows, in CSV (for a spreadsheet) or JSON (for a machine).

``address_is_current`` is a read for other modules recording a move (no personal data leaves it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from onegate.registries.addresses import ValidAddress
from onegate.registries.models import AccessRecord, Address
from onegate.registries.services.addresses import _same_place

EXPORT_FIELDS = (
    "when",
    "who",
    "kind",
    "organisation",
    "on_behalf_of",
    "purpose",
    "facts",
    "channel",
)


@dataclass(frozen=True)
class AccessLogFilter:
    """Narrow the log: by organisation, by kind of reader, by period (dates inclusive)."""

    organisation: str = ""
    kind: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def access_log_for(
    *, person_id: str, filters: AccessLogFilter | None = None
) -> QuerySet[AccessRecord]:
    """The access records about one person, newest first (the caller has checked it is them)."""
    records = AccessRecord.objects.filter(person_id=person_id).order_by("-created_at", "-id")
    filters = filters or AccessLogFilter()
    if filters.organisation:
        records = records.filter(organisation=filters.organisation)
    if filters.kind:
        records = records.filter(accessor_kind=filters.kind)
    if filters.since:
        records = records.filter(created_at__date__gte=filters.since)
    if filters.until:
        records = records.filter(created_at__date__lte=filters.until)
    return records


def _row(record: AccessRecord) -> dict[str, object]:
    return {
        "when": timezone.localtime(record.created_at).isoformat(),
        "who": record.accessor_label,
        "kind": record.accessor_kind,
        "organisation": record.organisation,
        "on_behalf_of": record.on_behalf_of,
        "purpose": record.purpose,
        "facts": list(record.facts),
        "channel": record.channel,
    }


def access_log_json(records: QuerySet[AccessRecord]) -> str:
    return json.dumps(
        {"access_records": [_row(r) for r in records.iterator()]}, ensure_ascii=False, indent=2
    )


def access_log_csv(records: QuerySet[AccessRecord]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for record in records.iterator():
        row = _row(record)
        row["facts"] = " ".join(row["facts"])  # type: ignore[arg-type]
        writer.writerow({key: _safe_cell(value) for key, value in row.items()})
    return out.getvalue()


def _safe_cell(value: object) -> object:
    """Stop a spreadsheet from running a cell as a formula (CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def address_is_current(*, person_id: str, address: ValidAddress) -> bool:
    """Whether ``address`` is already the person's current address (the same place, as
    ``services.addresses.address_change_report`` compares it). A caller recording a move that
    may have been reported another way first asks this: the report refuses a date not after the
    current address began before it looks at the place, the order a person's own form wants."""
    current = Address.objects.filter(person_id=person_id, valid_until__isnull=True).first()
    return current is not None and _same_place(current, address)
