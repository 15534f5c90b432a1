"""Dates in three boxes (day, month, year; Thai digits and Buddhist Era years read too), stored as
"YYYY-MM-DD", then held to the field's first and last day (``not_before``/``not_after``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate.core.languages import format_date
from onegate.definitions.language import RuleInputs, date_bounds
from onegate.definitions.language.model import AnyField
from onegate.pages.dateinput import read_date
from onegate.runner.codec import answer_from_json
from onegate.runner.fields.base import Answer, Form, blank, field_kind

DATE_PARTS = ("day", "month", "year")


def _date_shown(_one: AnyField, value: Any, _form: Form) -> dict[str, str]:
    if not value:
        return dict.fromkeys(DATE_PARTS, "")
    year, month, day = str(value).split("-")
    return {"day": str(int(day)), "month": str(int(month)), "year": year}


def _date_bounds_error(answer: Answer, form: Form, inputs: RuleInputs, item: Any) -> None:
    """The error of a date outside the field's bounds (``not_before``/``not_after``)."""
    first, last = date_bounds(form.compiled, inputs, field_id=answer.field.id, item=item)
    day = answer_from_json(answer.field, answer.value)
    today = inputs.today or timezone.localdate()
    label = form.label(answer.field)
    if first is not None and day < first:
        if first == today:
            answer.error = _("“%(label)s” must be today or in the future") % {"label": label}
        else:
            message = _("“%(label)s” must be on or after %(date)s")
            answer.error = message % {"label": label, "date": format_date(first, form.language)}
    elif last is not None and day > last:
        if last == today:
            answer.error = _("“%(label)s” must be today or in the past") % {"label": label}
        else:
            message = _("“%(label)s” must be on or before %(date)s")
            answer.error = message % {"label": label, "date": format_date(last, form.language)}


@field_kind("date", show=_date_shown, first=lambda _one: "-day", bounds=_date_bounds_error)
def _read_date(one: Any, name: str, form: Form) -> Answer:
    raw = {part: form.text(f"{name}-{part}") for part in DATE_PARTS}
    try:
        day = read_date({f"date_{part}": raw[part] for part in DATE_PARTS}, "date", missing="")
    except ValidationError as error:
        if error.code == "required":
            return blank(one, raw, _("Enter a date for “%(label)s”"), form)
        return Answer(one, raw=raw, error=str(error.messages[0]))
    return Answer(one, value=day.isoformat(), raw=raw)
