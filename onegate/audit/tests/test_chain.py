"""The hash chain's arithmetic, checked against the published definition written out by hand."""

from __future__ import annotations

import datetime
import hashlib
import uuid

from onegate.audit.chain import canonical_json, event_content, event_row_hash
from onegate.audit.constants import GENESIS_HASH, ActorType
from onegate.audit.models import AuditEvent

BANGKOK = datetime.timezone(datetime.timedelta(hours=7))


def make_event() -> AuditEvent:
    return AuditEvent(
        id=uuid.UUID("12345678-1234-5678-1234-567812345678"),
        created_at=datetime.datetime(2025, 1, 2, 10, 0, 0, 5, tzinfo=BANGKOK),
        actor_type=ActorType.USER,
        actor_id="42",
        on_behalf_of_id="43",
        action="cases.case_viewed",
        subject_type="cases.case",
        subject_id="C-1",
        purpose="ตรวจสอบ",
        payload={"b": 1, "a": ["x", {"d": None, "c": 1.5}]},
    )


def test_canonical_json_sorts_keys_drops_whitespace_and_keeps_utf8():
    assert canonical_json({"b": "ข", "a": [1, {"z": 0, "y": True}]}) == (
        '{"a":[1,{"y":true,"z":0}],"b":"ข"}'
    )


def test_content_renders_the_timestamp_in_utc_with_microseconds():
    content = event_content(make_event())
    assert content["created_at"] == "2025-01-02T03:00:00.000005+00:00"
    assert content["id"] == "12345678-1234-5678-1234-567812345678"
    assert set(content) == {
        "id",
        "created_at",
        "actor_type",
        "actor_id",
        "on_behalf_of_id",
        "action",
        "subject_type",
        "subject_id",
        "purpose",
        "payload",
    }


def test_row_hash_is_sha256_of_previous_hash_and_canonical_content():
    expected_text = (
        GENESIS_HASH + '{"action":"cases.case_viewed","actor_id":"42","actor_type":"user",'
        '"created_at":"2025-01-02T03:00:00.000005+00:00",'
        '"id":"12345678-1234-5678-1234-567812345678","on_behalf_of_id":"43",'
        '"payload":{"a":["x",{"c":1.5,"d":null}],"b":1},"purpose":"ตรวจสอบ",'
        '"subject_id":"C-1","subject_type":"cases.case"}'
    )
    expected = hashlib.sha256(expected_text.encode("utf-8")).hexdigest()
    assert event_row_hash(make_event(), previous_hash=GENESIS_HASH) == expected


def test_the_hash_depends_on_the_previous_link_and_on_every_content_field():
    event = make_event()
    original = event_row_hash(event, previous_hash=GENESIS_HASH)
    assert event_row_hash(event, previous_hash="f" * 64) != original
    event.purpose = "something else"
    assert event_row_hash(event, previous_hash=GENESIS_HASH) != original
