"""The properties every form.io input shares, mapped onto a OneGate field.

* ``key`` → ``id`` (lower snake case, unique; a rename is reported),
* ``label`` → ``label`` in "en", the same text copied to "th" (the importer cannot translate;
  one report line per form says so), HTML tags removed,
* ``description`` (or else ``tooltip``) → ``hint``,
* ``validate.required`` → ``required``,
* ``validate.pattern`` → a validation rule ``value.matches('^(?:…)$')`` (form.io anchors
  the pattern to the whole value; CEL's RE2 does not, so the importer does) with
  ``validate.customMessage`` as its message, or a standard one. JavaScript-only regex features
  (look-around, back references) have no RE2 equivalent and are skipped,
* ``validate.custom`` / ``validate.json`` (JavaScript / JSONLogic validation), ``logic``
  (actions and triggers), ``calculateValue``, ``customConditional`` → skipped with the reason,
* ``defaultValue`` → reported only (OneGate does not pre-answer; prefill comes from registries),
* ``multiple: true`` on a single-value input → one value is asked, reported.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

_SPACES = re.compile(r"\s+")
_NO_RE2 = re.compile(r"\(\?<?[=!]|\\[1-9]")
PATTERN_MESSAGE = {"en": "Enter the answer in the right format", "th": "กรอกคำตอบในรูปแบบที่ถูกต้อง"}


def plain(value: Any) -> str:
    """Text without HTML tags and runs of white space; "" for anything but text or a number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return _SPACES.sub(" ", strip_tags(str(value))).strip()


def scalar(value: Any) -> str:
    """A form.io value (text, number, true/false) as text; "" for null, a list or an object."""
    return str(value) if isinstance(value, str | int | float) else ""


def finite(value: Any) -> float | None:
    """A form.io number setting (12, 12.5, "12") as a float; None when unset or not finite."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def text(value: str) -> dict[str, str]:
    """Form text in every language: copied, to be translated before publishing."""
    return {"en": value, "th": value}


def humanised(key: str) -> str:
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", key).replace("_", " ").strip()
    return words[:1].upper() + words[1:].lower() if words else key


def integer(value: Any) -> int | None:
    """A form.io number setting ("" or "12" or 12.0) as an int, None when unset."""
    number = finite(value)
    return int(number) if number is not None and number.is_integer() else None


def field_base(component: dict[str, Any], field_id: str, where: str, report: Any) -> dict[str, Any]:
    """id, label, hint and required of any input."""
    key = str(component["key"])
    label = plain(component.get("label")) or plain(component.get("legend"))
    if not label:
        label = humanised(key)
        report.changed(
            where, _("The component has no label; “%(label)s” is used.") % {"label": label}
        )
    # "type" is set by the mapper; placed here so it reads second in the file.
    field: dict[str, Any] = {"id": field_id, "type": component["type"], "label": text(label)}
    hint = plain(component.get("description")) or plain(component.get("tooltip"))
    if hint:
        field["hint"] = text(hint)
    field["required"] = bool(_validate(component).get("required"))
    return field


def setting(component: dict[str, Any], name: str) -> dict[str, Any]:
    """A component's settings object (``validate``, ``data``, ``fields``…), {} when absent."""
    value = component.get(name)
    return value if isinstance(value, dict) else {}


def _validate(component: dict[str, Any]) -> dict[str, Any]:
    return setting(component, "validate")


def length_limits(component: dict[str, Any], field: dict[str, Any]) -> None:
    validate = _validate(component)
    minimum, maximum = integer(validate.get("minLength")), integer(validate.get("maxLength"))
    if minimum is not None and minimum >= 0:
        field["min_length"] = minimum
    if maximum is not None and 1 <= maximum <= 10_000:
        field["max_length"] = maximum


def pattern_rule(component: dict[str, Any], field: dict[str, Any], where: str, report: Any) -> None:
    """``validate.pattern`` as a CEL ``matches()`` rule, when RE2 can run it."""
    validate = _validate(component)
    pattern = validate.get("pattern")
    if not isinstance(pattern, str) or not pattern:
        return
    if _NO_RE2.search(pattern):
        message = _(
            "The pattern “%(pattern)s” uses look-around or back references, which CEL "
            "regular expressions do not have; the check was not imported."
        )
        report.skipped(where, message % {"pattern": pattern})
        return
    anchored = "^(?:" + pattern + ")$"
    custom = plain(validate.get("customMessage"))
    field["validations"] = [
        {
            "rule": f"value.matches({cel_string(anchored)})",
            "message": text(custom) if custom else dict(PATTERN_MESSAGE),
        }
    ]
    report.changed(
        where, _("The pattern “%(pattern)s” becomes a validation rule.") % {"pattern": pattern}
    )


def cel_string(value: str) -> str:
    """A CEL string literal."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return f"'{escaped}'"


def unsupported_logic(component: dict[str, Any], where: str, report: Any) -> None:
    """Report the JavaScript and action logic no OneGate definition can hold."""
    validate = _validate(component)
    checks = (
        (validate.get("custom"), _("Custom JavaScript validation is not imported: %(code)s")),
        (validate.get("json"), _("JSONLogic validation is not imported: %(code)s")),
        (component.get("calculateValue"), _("A calculated value is not imported: %(code)s")),
        (component.get("customConditional"), _("A JavaScript condition is not imported: %(code)s")),
        (
            component.get("logic"),
            _("form.io logic (triggers and actions) is not imported: %(code)s"),
        ),
    )
    for code, message in checks:
        if code:
            report.skipped(where, message % {"code": _shown(code)})


def _shown(code: Any) -> str:
    shown = code if isinstance(code, str) else json.dumps(code, ensure_ascii=False)
    shown = _SPACES.sub(" ", shown).strip()  # one report line per item, even for code
    return shown if len(shown) <= 200 else shown[:199] + "…"


def default_reported(component: dict[str, Any], where: str, report: Any) -> None:
    value = component.get("defaultValue")
    meaningful = value not in (None, "", False, [], {}, "00/00/0000") and not (
        isinstance(value, dict) and not any(value.values())
    )
    if isinstance(value, list):
        meaningful = any(item not in (None, {}, "") for item in value)
    if meaningful:
        message = _(
            "The default answer %(value)s is not imported: OneGate does not answer for the "
            "person (use prefill from a registry instead)."
        )
        report.changed(where, message % {"value": _shown(value)})
