"""Forms for organisations, used by the agency administrator's pages and the Django admin.

The forms only read and shape what was typed; the rules (who may, which places fit together)
are the services', which raise ``ValidationError`` keyed by these forms' field names so the
message lands beside the right field (``apply_service_errors``).

Opening hours are edited as text, one weekday or one date per line, because a week of split
shifts plus a year of holidays is quicker to type and to read than dozens of time boxes:

    Mon 08:30-12:00 13:00-16:30
    2026-12-05 closed | Father's Day | วันพ่อแห่งชาติ
    2026-12-24 08:30-12:00 | Christmas Eve | วันคริสต์มาสอีฟ
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from onegate.identity.constants import StaffRole
from onegate.identity.models.accounts import User
from onegate.identity.models.organisations import ServiceCentre, Team, Weekday
from onegate.identity.services.service_centres import ExceptionDay, HoursPeriod

DAY_NAMES = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_PERIOD = re.compile(r"^([0-2]?\d):([0-5]\d)-([0-2]?\d):([0-5]\d)$")


def apply_service_errors(
    form: forms.BaseForm, error: ValidationError, renamed: dict[str, str] | None = None
) -> None:
    """Put a service's errors on the form: beside their fields, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = (renamed or {}).get(field, field)
        form.add_error(target if target in form.fields else None, errors)


class StaffGrantForm(forms.Form):
    """Give someone a role: who (by email address), what, and optionally which team or centre."""

    email = forms.EmailField(
        label=_("Their email address"),
        help_text=_("They must have a OneGate account with an authenticator app or a passkey."),
        error_messages={"required": _("Enter their email address")},
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=StaffRole.choices,
        error_messages={"required": _("Choose a role")},
    )
    team = forms.ModelChoiceField(
        label=_("Team (optional)"), queryset=Team.objects.none(), required=False
    )
    centre = forms.ModelChoiceField(
        label=_("Service centre (service-centre officers only)"),
        queryset=ServiceCentre.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, agency_slug: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency_slug = agency_slug
        self.fields["team"].queryset = Team.objects.filter(agency_slug=agency_slug)  # type: ignore[attr-defined]
        self.fields["centre"].queryset = ServiceCentre.objects.filter(  # type: ignore[attr-defined]
            agency_slug=agency_slug, is_active=True
        )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            raise ValidationError(
                _("No OneGate account uses this email address. Ask them to create one first."),
                code="no_account",
            )
        return user


def hours_parse(text: str) -> list[HoursPeriod]:
    """Weekly hours from lines like ``Mon 08:30-12:00 13:00-16:30``."""
    periods: list[HoursPeriod] = []
    for number, line in _lines(text):
        day, *parts = line.split()
        weekday = DAY_NAMES.get(day[:3].casefold())
        if weekday is None or not parts:
            raise _line_error(number, _("start with a day (Mon to Sun), then opening times"))
        periods.extend(HoursPeriod(weekday, *_period(part, number)) for part in parts)
    return periods


def exceptions_parse(text: str) -> list[ExceptionDay]:
    """Exception dates from lines like ``2026-12-05 closed | Father's Day | วันพ่อแห่งชาติ``."""
    days: list[ExceptionDay] = []
    for number, line in _lines(text):
        parts = [part.strip() for part in line.split("|")]
        when = parts[0].split()
        if len(parts) != 3 or len(when) != 2:
            raise _line_error(
                number, _("give the date, 'closed' or the hours, and the reason in both languages")
            )
        try:
            date = dt.date.fromisoformat(when[0])
        except ValueError:
            raise _line_error(number, _("write the date as year-month-day")) from None
        opens, closes = (None, None) if when[1].casefold() == "closed" else _period(when[1], number)
        days.append(ExceptionDay(date, parts[1], parts[2], opens, closes))
    return days


def hours_text(centre: ServiceCentre) -> str:
    """A centre's weekly hours written the way ``hours_parse`` reads them."""
    by_day: dict[int, list[str]] = {}
    for hours in centre.hours.all():
        by_day.setdefault(hours.weekday, []).append(f"{hours.opens:%H:%M}-{hours.closes:%H:%M}")
    names = {number: Weekday(number).name[:3].title() for number in range(7)}
    return "\n".join(f"{names[day]} {' '.join(parts)}" for day, parts in sorted(by_day.items()))


def exceptions_text(centre: ServiceCentre) -> str:
    """A centre's exception dates written the way ``exceptions_parse`` reads them."""
    lines = []
    for day in centre.exceptions.all():
        when = "closed" if day.closed_all_day else f"{day.opens:%H:%M}-{day.closes:%H:%M}"
        lines.append(f"{day.date:%Y-%m-%d} {when} | {day.reason_en} | {day.reason_th}")
    return "\n".join(lines)


def _lines(text: str) -> list[tuple[int, str]]:
    numbered = enumerate(text.splitlines(), start=1)
    return [(number, line.strip()) for number, line in numbered if line.strip()]


def _period(text: str, number: int) -> tuple[dt.time, dt.time]:
    match = _PERIOD.match(text)
    if not match:
        raise _line_error(number, _("write times as 08:30-16:30"))
    hour1, minute1, hour2, minute2 = (int(group) for group in match.groups())
    try:
        return dt.time(hour1, minute1), dt.time(hour2, minute2)
    except ValueError:
        raise _line_error(number, _("write times as 08:30-16:30")) from None


def _line_error(number: int, problem: Any) -> ValidationError:
    return ValidationError(
        _("Line %(number)s: %(problem)s."),
        code="bad_line",
        params={"number": number, "problem": problem},
    )
