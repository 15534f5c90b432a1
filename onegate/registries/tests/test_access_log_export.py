"""The person's "who looked at my data" list: newest first, filters, CSV and JSON exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.utils import timezone

from onegate.registries.adapters.local import LocalAdapter
from onegate.registries.models import AccessRecord
from onegate.registries.selectors import (
    AccessLogFilter,
    access_log_csv,
    access_log_for,
    access_log_json,
)

from .registry_fixtures import staff_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads(family):
    adapter = LocalAdapter()
    adapter.person_get(person_id=str(family.parent.pk), access=staff_context(purpose="First look"))
    clinic = staff_context(purpose='=HYPERLINK("http://evil")')
    clinic = type(clinic)(**{**clinic.__dict__, "organisation": "health", "kind": "agency_system"})
    adapter.current_address(person_id=str(family.parent.pk), access=clinic)
    AccessRecord.objects.filter(purpose="First look").update(
        created_at=timezone.now() - dt.timedelta(days=40)
    )
    return family


def test_newest_first_and_filterable(reads):
    records = list(access_log_for(person_id=reads.parent.pk))
    assert [r.organisation for r in records] == ["health", "civil-registration"]
    only_health = access_log_for(
        person_id=reads.parent.pk, filters=AccessLogFilter(organisation="health")
    )
    assert [r.organisation for r in only_health] == ["health"]
    recent = access_log_for(
        person_id=reads.parent.pk,
        filters=AccessLogFilter(since=timezone.localdate() - dt.timedelta(days=7)),
    )
    assert len(recent) == 1
    assert not access_log_for(person_id=reads.child.pk).exists()


def test_json_export_names_who_why_and_what(reads):
    data = json.loads(access_log_json(access_log_for(person_id=reads.parent.pk)))
    first = data["access_records"][0]
    assert first["organisation"] == "health"
    assert first["facts"] == ["person.address"]
    assert first["kind"] == "agency_system"


def test_csv_export_is_a_spreadsheet_that_cannot_run_formulas(reads):
    rows = list(
        csv.DictReader(io.StringIO(access_log_csv(access_log_for(person_id=reads.parent.pk))))
    )
    assert [row["organisation"] for row in rows] == ["health", "civil-registration"]
    assert rows[0]["purpose"].startswith("'=")
    assert rows[1]["facts"].split() == sorted(rows[1]["facts"].split())
