"""The hash chain's arithmetic: a row's canonical form and the SHA-256 link that covers it.

``row_hash = sha256(previous_hash + canonical_json(content))`` where the content is the row's own
fields (``models.CONTENT_FIELDS``) and canonical JSON has sorted keys, no whitespace and raw
UTF-8 (``ensure_ascii=False``). The sequencer and the verifier both call ``event_row_hash`` on rows
read back from the database, so what is hashed is exactly what is stored.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from onegate.audit.models import CONTENT_FIELDS, AuditEvent


def canonical_json(value: Any) -> str:
    """The one text form of a JSON value: sorted keys, no whitespace, no ASCII escaping."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def event_content(event: AuditEvent) -> dict[str, Any]:
    """The fields of an event that its hash covers, as JSON values."""
    content: dict[str, Any] = {name: getattr(event, name) for name in CONTENT_FIELDS}
    content["id"] = str(event.id)
    content["created_at"] = event.created_at.astimezone(datetime.UTC).isoformat(
        timespec="microseconds"
    )
    return content


def event_row_hash(event: AuditEvent, *, previous_hash: str) -> str:
    """The hex SHA-256 linking ``event`` to the row before it."""
    text = previous_hash + canonical_json(event_content(event))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
