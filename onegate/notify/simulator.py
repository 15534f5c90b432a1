"""A local SMS gateway for the demo and the tests, speaking the contract in docs/notify.md.

Served at ``/notify-sim/sms/`` only when ``NOTIFY_SMS_SIMULATOR`` is on (local and test settings);
otherwise the URL is a 404. Each accepted text is written to ``NOTIFY_SMS_SIMULATOR_DIR`` as
``<idempotency key>.json`` (the demo's "phone"); a repeat of a key is answered as the first time
and written nowhere. To let tests and the demo see failures, a number ending in 0000 gets a 503
(try again later); a number that is not a valid phone number gets a 400.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import phonenumbers
from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")
UNAVAILABLE_SUFFIX = "0000"


def _problem(status: int, error: str) -> JsonResponse:
    return JsonResponse({"error": error}, status=status)


def _valid(number: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return False


def _authorised(request: HttpRequest) -> bool:
    token = getattr(settings, "NOTIFY_SMS_GATEWAY_TOKEN", "")
    return not token or request.headers.get("Authorization") == f"Bearer {token}"


def _store(key: str, record: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Write the text once per key; (what was stored, whether it was a repeat)."""
    folder = Path(settings.NOTIFY_SMS_SIMULATOR_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key}.json"
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return json.loads(path.read_text(encoding="utf-8")), True
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(record, out, ensure_ascii=False)
    return record, False


@csrf_exempt
@require_POST
def sms_gateway(request: HttpRequest) -> JsonResponse:
    if not getattr(settings, "NOTIFY_SMS_SIMULATOR", False):
        raise Http404("the SMS gateway simulator is off")
    if not _authorised(request):
        return _problem(401, "unauthorised")
    key = request.headers.get("Idempotency-Key", "")
    try:
        payload = json.loads(request.body)
    except ValueError:
        return _problem(400, "not_json")
    if not KEY_PATTERN.match(key) or not isinstance(payload, dict):
        return _problem(400, "bad_request")
    number, body = str(payload.get("to", "")), str(payload.get("body", ""))
    if not _valid(number) or not body:
        return _problem(400, "invalid_number" if body else "empty_body")
    if number.endswith(UNAVAILABLE_SUFFIX):
        return _problem(503, "unavailable")
    record = {
        "id": f"sim-{key}",
        "to": number,
        "body": body,
        "received_at": timezone.now().isoformat(),
    }
    stored, repeat = _store(key, record)
    return JsonResponse({"id": stored["id"], "duplicate": repeat}, status=200 if repeat else 201)
