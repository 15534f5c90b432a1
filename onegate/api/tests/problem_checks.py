"""The RFC 9457 checks every API error response must pass, written out as code.

``PROBLEM_MEMBERS`` restates the members of the RFC's JSON Schema (problem.schema.json, draft
2020-12); ``schema_violations`` applies that subset of JSON Schema (object type, member types,
integer bounds, the uri-reference format). ``test_problem_checks`` compares it with the shared
copy of the schema and its examples when that is at hand.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from django.utils import translation

from onegate.api.constants import ABOUT_BLANK, PROBLEM_CONTENT_TYPE
from onegate.api.problems import reason_phrase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

PROBLEM_MEMBERS: dict[str, dict[str, Any]] = {
    "type": {"type": "string", "format": "uri-reference"},
    "title": {"type": "string"},
    "status": {"type": "integer", "minimum": 100, "maximum": 599},
    "detail": {"type": "string"},
    "instance": {"type": "string", "format": "uri-reference"},
}

# RFC 3986: no spaces, controls or characters outside the URI set, and whole %XX escapes.
URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# What a leaked traceback or server internals would look like in a response.
INTERNALS = ("Traceback", 'File "', "site-packages", "/srv/", "password", "Error:")


def _json_type_ok(value: Any, json_type: str) -> bool:
    if json_type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return {"string": str, "object": dict}[json_type] is type(value)


def is_uri_reference(value: str) -> bool:
    if not URI_REFERENCE.fullmatch(value):
        return False
    first = value.split("/", 1)[0]
    # A colon before the first slash means a scheme, which must be well formed.
    return ":" not in first or bool(SCHEME.match(first))


def schema_violations(body: Any, members: dict[str, dict[str, Any]] = PROBLEM_MEMBERS) -> list[str]:
    """What in ``body`` breaks the problem schema; empty when it is a valid problem document."""
    if not isinstance(body, dict):
        return ["not a JSON object"]
    problems = []
    for name, rule in members.items():
        if name not in body:
            continue  # RFC 9457 makes every member optional
        value = body[name]
        if not _json_type_ok(value, rule["type"]):
            problems.append(f"{name} is not a JSON {rule['type']}")
            continue
        if "minimum" in rule and not rule["minimum"] <= value <= rule["maximum"]:
            problems.append(f"{name} is out of range")
        if rule.get("format") == "uri-reference" and not is_uri_reference(value):
            problems.append(f"{name} is not a URI reference")
    return problems


def checklist_violations(http_status: int, body: Any) -> list[str]:
    """The schema, plus the rules the schema cannot state (status agrees, about:blank title)."""
    problems = schema_violations(body)
    if problems:
        return problems
    if "status" in body and body["status"] != http_status:
        problems.append("status member differs from the HTTP status")
    about_blank = body.get("type", ABOUT_BLANK) == ABOUT_BLANK
    if about_blank and "title" in body and body["title"] != reason_phrase(http_status):
        problems.append("an about:blank title must be the reason phrase")
    return problems


def assert_problem(response: TestResponse, status: int, *, language: str = "en") -> dict[str, Any]:
    """``response`` is an OneGate problem: every checklist rule, plus OneGate's required members."""
    assert response.status_code == status
    assert response["Content-Type"].split(";")[0] == PROBLEM_CONTENT_TYPE
    text = response.content.decode()
    body = json.loads(text)
    with translation.override(language):
        assert checklist_violations(status, body) == []
    # OneGate's profile: these members are always there (RFC 9457 itself requires none).
    assert {"type", "title", "status", "detail", "instance"} <= body.keys()
    assert body["instance"].startswith("urn:uuid:")
    for internal in INTERNALS:
        assert internal not in text, internal
    return body
