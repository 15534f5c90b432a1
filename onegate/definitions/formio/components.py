"""form.io input components mapped to OneGate field types, one mapper per form.io type.

Decisions (each reported when it changes or drops something):

* textfield → text; textarea → long_text (length limits kept).
* number → number (a whole number: form.io decimals are not kept, min/max rounded inwards);
  a number whose prefix or suffix is a currency (฿, $, €, £, THB, baht, บาท) and the form.io
  ``currency`` component → money (baht; another currency is reported).
* email → email; phoneNumber → phone (the input mask is dropped: OneGate checks numbers with
  phonenumbers).
* datetime and day → date; the time of day (``enableTime``) and any hidden day/month/year part
  are lost and reported. A time-only datetime has no OneGate type and is skipped.
* select with ``data.values`` → select (``multiple`` → checkboxes); options from a URL, a
  resource, JSON or custom code cannot be imported and a select without options is not valid,
  so such a select is skipped. radio → radios; selectboxes → checkboxes. Option values become
  identifiers; renames are reported (conditions use the new values).
* checkbox → yes_no, always required (unticked in form.io is "no"); a checkbox that must be
  ticked (``validate.required``) is a declaration the person confirms.
* file → file: ``fileMaxSize`` → ``max_size_mb`` (between 1 and 50), ``filePattern`` → ``accept``
  where it names PDF, JPEG or PNG, ``multiple`` → up to 10 files; ``storage`` is not used.
* address → address with scope "any" (form.io addresses come from a world-wide provider).
* survey (a grid: the same choices for several questions) → one radios question per row, ids
  ``<survey>_<question>``; a condition on the survey applies to each.
* Everything else is skipped with its own reason (see ``SKIP_REASONS``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onegate.definitions.formio.fields import (
    finite,
    integer,
    length_limits,
    pattern_rule,
    plain,
    scalar,
    setting,
    text,
)
from onegate.definitions.formio.limits import MAX_OPTIONS
from onegate.definitions.formio.naming import IdRegistry, identifier_from
from onegate.definitions.formio.report import ImportReport


@dataclass
class MapContext:
    where: str
    report: ImportReport
    options: dict[str, str] = field(default_factory=dict)  # form.io value → option id


Mapper = Callable[[dict[str, Any], dict[str, Any], MapContext], dict[str, Any] | None]
MAPPERS: dict[str, Mapper] = {}

SKIP_REASONS = {
    "htmlelement": gettext_lazy("Static text is not a question."),
    "content": gettext_lazy("Static text is not a question."),
    "button": gettext_lazy("The runner draws its own buttons."),
    "hidden": gettext_lazy("A hidden value is not a question; use a computed value instead."),
    "password": gettext_lazy("A service never asks for a password."),
    "signature": gettext_lazy(
        "OneGate has no signature field; a declaration the person confirms can replace it."
    ),
    "tags": gettext_lazy("Free tags have no OneGate type; use checkboxes with fixed options."),
    "container": gettext_lazy(
        "A container nests answers under its own key; OneGate answers are flat. Move its "
        "fields out of the container and import again."
    ),
    "form": gettext_lazy("A nested form refers to another form; import that form separately."),
    "time": gettext_lazy("A time of day on its own has no OneGate field type."),
    "sketchpad": gettext_lazy("A drawing has no OneGate field type."),
    "recaptcha": gettext_lazy("OneGate protects its forms itself; a captcha is not a question."),
    "url": gettext_lazy("A web address has no OneGate field type; use a text field."),
    "resource": gettext_lazy("Choices from a form.io resource cannot be imported."),
    "location": gettext_lazy("A map location has no OneGate field type."),
}
CURRENCY_MARKS = {"฿", "$", "€", "£", "thb", "baht", "บาท", "usd", "eur"}


def maps(*kinds: str) -> Callable[[Mapper], Mapper]:
    def register(mapper: Mapper) -> Mapper:
        for kind in kinds:
            MAPPERS[kind] = mapper
        return mapper

    return register


@maps("textfield", "textarea")
def text_field(component: dict[str, Any], base: dict[str, Any], ctx: MapContext) -> dict[str, Any]:
    base["type"] = "long_text" if component["type"] == "textarea" else "text"
    length_limits(component, base)
    pattern_rule(component, base, ctx.where, ctx.report)
    if component.get("inputMask"):
        ctx.report.changed(ctx.where, _("The input mask is not imported."))
    _one_value(component, ctx)
    return base


@maps("email", "phoneNumber")
def simple_field(
    component: dict[str, Any], base: dict[str, Any], ctx: MapContext
) -> dict[str, Any]:
    base["type"] = "email" if component["type"] == "email" else "phone"
    if component.get("inputMask") and base["type"] == "phone":
        ctx.report.changed(
            ctx.where, _("The input mask is not imported: phone numbers are checked by OneGate.")
        )
    _one_value(component, ctx)
    return base


@maps("number", "currency")
def number_field(
    component: dict[str, Any], base: dict[str, Any], ctx: MapContext
) -> dict[str, Any]:
    marks = {plain(component.get(name)).lower() for name in ("prefix", "suffix")}
    money = component["type"] == "currency" or bool(marks & CURRENCY_MARKS)
    base["type"] = "money" if money else "number"
    if money:
        currency = (plain(component.get("currency")) or "THB").upper()
        message = _("Asked as money in baht (form.io currency: %(currency)s).")
        ctx.report.changed(ctx.where, message % {"currency": currency})
    _number_limits(component, base, ctx, money=money)
    _one_value(component, ctx)
    return base


def _number_limits(
    component: dict[str, Any], base: dict[str, Any], ctx: MapContext, *, money: bool
) -> None:
    validate = setting(component, "validate")
    for name in ("min", "max"):
        value = finite(validate.get(name))
        if value is None:
            continue
        if money:
            base[name] = int(value) if value.is_integer() else round(value, 2)
            continue
        whole = int(value) if value.is_integer() else int(value) + (name == "min")
        base[name] = whole
    if not money and (component.get("requireDecimal") or integer(component.get("decimalLimit"))):
        ctx.report.changed(ctx.where, _("Decimals are not kept: a number is a whole number."))


@maps("datetime", "day")
def date_field(
    component: dict[str, Any], base: dict[str, Any], ctx: MapContext
) -> dict[str, Any] | None:
    if component["type"] == "datetime" and component.get("enableDate") is False:
        ctx.report.skipped(ctx.where, _("A time of day on its own has no OneGate field type."))
        return None
    base["type"] = "date"
    if component["type"] == "datetime" and component.get("enableTime", True):
        ctx.report.changed(ctx.where, _("Asked as a date: the time of day is not kept."))
    parts = setting(component, "fields")
    hidden = [name for name, part in parts.items() if isinstance(part, dict) and part.get("hide")]
    if hidden:
        message = _("Asked as a whole date: the hidden parts (%(parts)s) are asked too.")
        ctx.report.changed(ctx.where, message % {"parts": ", ".join(sorted(hidden))})
    return base


@maps("select", "radio", "selectboxes")
def choice_field(
    component: dict[str, Any], base: dict[str, Any], ctx: MapContext
) -> dict[str, Any] | None:
    values, problem = _choice_values(component)
    if problem:
        ctx.report.skipped(ctx.where, problem)
        return None
    options = _options(values, ctx)
    if not options:
        ctx.report.skipped(ctx.where, _("The question has no usable options."))
        return None
    kind = {"radio": "radios", "selectboxes": "checkboxes"}.get(component["type"], "select")
    if kind == "select" and component.get("multiple"):
        kind = "checkboxes"
        ctx.report.changed(ctx.where, _("A select with several answers becomes checkboxes."))
    base.update(type=kind, options=options)
    return base


def _choice_values(component: dict[str, Any]) -> tuple[list[Any], str]:
    if component["type"] != "select":
        values = component.get("values")
        return (values if isinstance(values, list) else []), ""
    source = component.get("dataSrc") or "values"
    if source != "values":
        message = _(
            "The options come from “%(source)s”, which cannot be imported, and a select "
            "without options is not valid; add the options by hand."
        )
        return [], message % {"source": source}
    data = setting(component, "data")
    values = data.get("values")
    return (values if isinstance(values, list) else []), ""


def _options(values: list[Any], ctx: MapContext) -> list[dict[str, Any]]:
    ids = IdRegistry()
    options: list[dict[str, Any]] = []
    for value in values:
        raw = scalar(value.get("value")) if isinstance(value, dict) else ""
        if not raw:
            continue
        if len(options) == MAX_OPTIONS:
            message = _("A question may have at most %(most)s options; the rest are left out.")
            ctx.report.skipped(ctx.where, message % {"most": MAX_OPTIONS})
            break
        option_id = ids.claim(raw, "option")
        label = plain(value.get("label")) or raw
        ctx.options[raw] = option_id
        options.append({"value": option_id, "label": text(label)})
        if option_id != raw:
            message = _("The option value “%(value)s” becomes “%(id)s”.")
            ctx.report.changed(ctx.where, message % {"value": raw, "id": option_id})
    return options


@maps("checkbox")
def checkbox_field(
    component: dict[str, Any], base: dict[str, Any], ctx: MapContext
) -> dict[str, Any]:
    if base["required"]:
        base.update(type="declaration", statement=dict(base["label"]))
        ctx.report.changed(
            ctx.where, _("A tick box that must be ticked becomes a declaration to confirm.")
        )
        return base
    base.update(type="yes_no", required=True)
    ctx.report.changed(
        ctx.where, _("A tick box becomes a yes/no question; the person answers yes or no.")
    )
    return base


@maps("address")
def address_field(
    component: dict[str, Any], base: dict[str, Any], ctx: MapContext
) -> dict[str, Any]:
    base.update(type="address", scope="any")
    message = _(
        "Asked with OneGate's own address field (Thai or international); the form.io "
        "address provider and its inner fields are not used."
    )
    ctx.report.changed(ctx.where, message)
    return base


def _one_value(component: dict[str, Any], ctx: MapContext) -> None:
    if component.get("multiple"):
        ctx.report.changed(ctx.where, _("Only one answer is asked, not several."))


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)b?\s*$", re.IGNORECASE)
_ACCEPT = {
    "pdf": "pdf", "application/pdf": "pdf", "jpg": "jpeg", "jpeg": "jpeg", "image/jpeg": "jpeg",
    "png": "png", "image/png": "png",
}  # fmt: skip


@maps("file")
def file_field(component: dict[str, Any], base: dict[str, Any], ctx: MapContext) -> dict[str, Any]:
    base["type"] = "file"
    _file_size(component, base, ctx)
    _file_accept(component, base, ctx)
    if component.get("multiple"):
        base["max_files"] = 10
        ctx.report.changed(ctx.where, _("Several files: up to 10."))
    if component.get("storage"):
        message = _("Files are kept by OneGate; the form.io storage “%(storage)s” is not used.")
        storage = plain(component["storage"]) or "?"
        ctx.report.changed(ctx.where, message % {"storage": storage})
    return base


def _file_size(component: dict[str, Any], base: dict[str, Any], ctx: MapContext) -> None:
    match = _SIZE.match(plain(component.get("fileMaxSize")))
    if not match:
        return
    factor = {"": 1 / 1024 / 1024, "k": 1 / 1024, "m": 1, "g": 1024}[match[2].lower()]
    megabytes = min(float(match[1]) * factor, 51.0)  # a long run of digits is infinity
    base["max_size_mb"] = min(max(int(megabytes + 0.999), 1), 50)
    if megabytes > 50:
        message = _("The largest file allowed is 50 MB, not %(size)s.")
        ctx.report.changed(ctx.where, message % {"size": component["fileMaxSize"]})


def _file_accept(component: dict[str, Any], base: dict[str, Any], ctx: MapContext) -> None:
    pattern = plain(component.get("filePattern")) or "*"
    if pattern in ("*", ""):
        return
    wanted = [part.strip().lower().lstrip(".*") for part in pattern.split(",") if part.strip()]
    accept = {_ACCEPT[name] for name in wanted if name in _ACCEPT}
    if "image/" in pattern.lower():
        accept |= {"jpeg", "png"}
    if accept:
        base["accept"] = sorted(accept)
    if not accept or len(accept) < len(wanted):
        message = _("Only PDF, JPEG and PNG files are accepted (form.io allowed “%(pattern)s”).")
        ctx.report.changed(ctx.where, message % {"pattern": pattern})


def survey_questions(
    component: dict[str, Any], base: dict[str, Any], ids: IdRegistry, ctx: MapContext
) -> list[dict[str, Any]]:
    """A survey's rows as radios questions sharing the survey's choices."""
    questions = component.get("questions")
    values = component.get("values")
    if not isinstance(questions, list) or not isinstance(values, list):
        return []
    fields = []
    for question in questions:
        value = scalar(question.get("value")) if isinstance(question, dict) else ""
        if not value:
            continue
        options = _options(values, MapContext(where=ctx.where, report=ImportReport()))
        label = plain(question.get("label")) or value
        field_id = ids.claim(f"{base['id']}_{identifier_from(value)}")
        fields.append({**base, "id": field_id, "type": "radios", "label": text(label)})
        fields[-1]["options"] = options
    return fields
