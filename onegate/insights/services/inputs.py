"""A service owner's figures for a month: applications that came on paper or by phone, outside
OneGate, and what a paper and a digital transaction cost when it differs from the definition's
baseline. They make take-up and savings real figures rather than 100% by construction.

``service_inputs_save`` locks the month's row, checks who acts (the service's agency's
``EDIT_SERVICE``), the month, the figures and the form's ``lock_version`` (in that order, so
someone from another agency learns nothing else), saves and writes the audit record in one
transaction. A refusal raises ``InputsRefused`` and is noted on the audit log on its own (the
change's transaction rolled back).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onegate.audit.constants import InsightsAction
from onegate.audit.services import audit_record
from onegate.catalogue.selectors import catalogue_service_agency
from onegate.identity.permissions import StaffPermission, staff_can
from onegate.insights.models import ServicePeriodInput

__all__ = ["InputsRefused", "service_inputs_save"]

SUBJECT_TYPE = "insights.service_period_input"
EARLIEST_MONTH = dt.date(2000, 1, 1)
# More applications in a month than any service has; stops a typo of a few extra digits.
MOST_APPLICATIONS = 10_000_000
# The model keeps ten digits, two after the point.
MOST_BAHT = Decimal("99999999.99")
NOTE_MAX_CHARS = 2000


class InputsRefused(Exception):
    """Figures that cannot be saved: ``code`` (not_found, not_allowed, month, invalid, stale)
    for programs, ``message`` (translated) to show the person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def _messages() -> dict[str, str]:
    return {
        "not_found": _("There is no such service."),
        "not_allowed": _("You are not allowed to enter figures for this service."),
        "no_month": _("Enter the month, like 2026-11."),
        "future": _("The month cannot be in the future."),
        "too_early": _("The month must be January 2000 or later."),
        "count": _("Enter the number of applications as a whole number from 0 to 10,000,000."),
        "cost": _("Enter the cost in baht, from 0 to 99,999,999.99, or leave it empty."),
        "note": _("The note must be %(limit)s characters or fewer.") % {"limit": NOTE_MAX_CHARS},
        "stale": _(
            "Someone else saved figures for this month since you opened the page. Look at them "
            "again before you save."
        ),
    }


def _refused(code: str, message_key: str | None = None) -> InputsRefused:
    return InputsRefused(code, _messages()[message_key or code])


@contextmanager
def _refusals_recorded(actor: Any, service_slug: str, month: Any) -> Iterator[None]:
    """A refused save leaves a trace on the audit log (committed on its own), then goes on."""
    try:
        yield
    except InputsRefused as refusal:
        if actor is not None and getattr(actor, "is_authenticated", False):
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action=InsightsAction.INPUTS_REFUSED,
                    subject_type=SUBJECT_TYPE,
                    subject_id=_subject(service_slug, month),
                    purpose="Refuse a service owner's figures for a month",
                    payload={"service": str(service_slug)[:80], "code": refusal.code},
                )
        raise


def _subject(service_slug: str, month: Any) -> str:
    shown = f"{month:%Y-%m}" if isinstance(month, dt.date) else "-"
    return f"{str(service_slug)[:80]}/{shown}"


def _month_checked(month: Any) -> dt.date:
    """The first day of ``month``'s month: not before 2000, not after the current month."""
    if isinstance(month, dt.datetime):
        month = timezone.localdate(month) if timezone.is_aware(month) else month.date()
    if not isinstance(month, dt.date):
        raise _refused("month", "no_month")
    first = month.replace(day=1)
    if first < EARLIEST_MONTH:
        raise _refused("month", "too_early")
    if first > timezone.localdate().replace(day=1):
        raise _refused("month", "future")
    return first


def _count_checked(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refused("invalid", "count")
    if not 0 <= value <= MOST_APPLICATIONS:
        raise _refused("invalid", "count")
    return value


def _cost_checked(value: Any) -> Decimal | None:
    """A cost in baht with at most two decimals, or None (the definition's baseline)."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _refused("invalid", "cost") from None
    if not amount.is_finite() or amount < 0 or amount > MOST_BAHT or amount != round(amount, 2):
        raise _refused("invalid", "cost")
    return amount.quantize(Decimal("0.01"))


def _note_checked(note: Any) -> str:
    """The note without control characters (line breaks kept), at most NOTE_MAX_CHARS long."""
    text = "".join(
        char
        for char in str(note or "").replace("\r\n", "\n")
        if char in "\n\t" or unicodedata.category(char)[0] != "C"
    ).strip()
    if len(text) > NOTE_MAX_CHARS:
        raise _refused("invalid", "note")
    return text


def _locked_row(
    service_slug: str, month: dt.date, lock_version: int | None
) -> ServicePeriodInput | None:
    """The month's row, locked, when the form was drawn from it; None when there is none yet
    and the form was drawn from none; else the form is out of date."""
    row = (
        ServicePeriodInput.objects.select_for_update()
        .filter(service_slug=service_slug, month=month)
        .first()
    )
    try:
        drawn_from = None if lock_version is None else int(lock_version)
    except (TypeError, ValueError):
        raise _refused("stale") from None
    if (row.lock_version if row is not None else None) != drawn_from:
        raise _refused("stale")
    return row


def _snapshot(row: ServicePeriodInput | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "paper_applications": row.paper_applications,
        "phone_applications": row.phone_applications,
        "paper_cost": None if row.paper_cost is None else str(row.paper_cost),
        "digital_cost": None if row.digital_cost is None else str(row.digital_cost),
        "note": row.note,
    }


def _write(row: ServicePeriodInput, actor: Any, figures: dict[str, Any]) -> ServicePeriodInput:
    for name, value in figures.items():
        setattr(row, name, value)
    row.updated_by = actor
    if row.pk is None:
        try:  # two first saves at once: the unique month refuses the second
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            raise _refused("stale") from None
        return row
    row.lock_version += 1
    row.save(update_fields=[*figures, "updated_by", "lock_version", "updated_at"])
    return row


def service_inputs_save(
    *,
    actor: Any,
    service_slug: str,
    month: dt.date,
    paper_applications: int,
    phone_applications: int,
    paper_cost: Decimal | None,
    digital_cost: Decimal | None,
    note: str,
    lock_version: int | None,
) -> ServicePeriodInput:
    """Save the service's figures for ``month`` (any day of it): new when ``lock_version`` is
    None, else over the row the form was drawn from (``InputsRefused("stale")`` otherwise)."""
    with _refusals_recorded(actor, service_slug, month), transaction.atomic():
        agency = catalogue_service_agency(slug=str(service_slug))
        if agency is None:
            raise _refused("not_found")
        if not staff_can(actor, StaffPermission.EDIT_SERVICE, agency_slug=agency):
            raise _refused("not_allowed")
        first = _month_checked(month)
        figures = {
            "paper_applications": _count_checked(paper_applications),
            "phone_applications": _count_checked(phone_applications),
            "paper_cost": _cost_checked(paper_cost),
            "digital_cost": _cost_checked(digital_cost),
            "note": _note_checked(note),
        }
        row = _locked_row(service_slug, first, lock_version)
        before = _snapshot(row)
        row = _write(
            row or ServicePeriodInput(service_slug=service_slug, month=first), actor, figures
        )
        audit_record(
            actor=actor,
            action=InsightsAction.INPUTS_SAVED,
            subject_type=SUBJECT_TYPE,
            subject_id=_subject(service_slug, first),
            purpose="A service owner entered a month's paper and phone volumes and costs",
            payload={"service": service_slug, "before": before, "after": _snapshot(row)},
        )
    return row
