"""Writes to service centres: details and address, opening hours with exceptions, and moves.

Only staff with ``identity.manage_service_centres`` in the agency that runs the centre (its
administrators) may change it; ``actor=None`` is the platform (the demo loader). Addresses are
checked by the registries' ``address_validate``, the same rules a person's address meets, and
the services offered must be in the catalogue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import IdentityAction
from onegate.audit.services import audit_record
from onegate.catalogue.selectors import catalogue_current
from onegate.identity.models.organisations import OpeningException, OpeningHours, ServiceCentre
from onegate.identity.permissions import StaffPermission
from onegate.identity.staff_rules import Actor, actor_require, agency_check
from onegate.registries.addresses import AddressInput, address_validate

__all__ = [
    "ExceptionDay",
    "HoursPeriod",
    "service_centre_hours_set",
    "service_centre_move",
    "service_centre_save",
]

MANAGE = StaffPermission.MANAGE_SERVICE_CENTRES


@dataclass(frozen=True)
class HoursPeriod:
    """Open on ``weekday`` (0 Monday … 6 Sunday) from ``opens`` until ``closes``."""

    weekday: int
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class ExceptionDay:
    """Other hours on one date: closed all day when ``opens`` and ``closes`` are None."""

    date: dt.date
    reason_en: str
    reason_th: str
    opens: dt.time | None = None
    closes: dt.time | None = None


def service_centre_save(
    *,
    actor: Actor,
    centre: ServiceCentre | None = None,
    slug: str,
    agency_slug: str,
    name_en: str,
    name_th: str,
    address: AddressInput,
    service_slugs: Sequence[str],
) -> ServiceCentre:
    """Create a centre (``centre=None``) or change one's details."""
    with transaction.atomic():
        if centre is not None:
            centre = ServiceCentre.objects.select_for_update().get(pk=centre.pk)
            actor_require(actor, MANAGE, centre.agency_slug)
        agency_check(agency_slug)
        actor_require(actor, MANAGE, agency_slug)
        names = (name_en, name_th)
        fields = _checked_fields(centre, slug, agency_slug, names, address, service_slugs)
        created = centre is None
        if centre is None:
            centre = ServiceCentre.objects.create(**fields)
            changed = sorted(fields)
        else:
            changed = sorted(
                name for name, value in fields.items() if getattr(centre, name) != value
            )
            for name in changed:
                setattr(centre, name, fields[name])
            centre.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action=IdentityAction.SERVICE_CENTRE_SAVED,
            subject_type="identity.servicecentre",
            subject_id=centre.pk,
            purpose="Service centre details saved",
            payload={"agency": agency_slug, "created": created, "changed": changed},
        )
        return centre


def _checked_fields(
    centre: ServiceCentre | None,
    slug: str,
    agency_slug: str,
    names_given: tuple[str, str],
    address: AddressInput,
    service_slugs: Sequence[str],
) -> dict:
    problems: dict[str, list[ValidationError]] = {}
    try:
        valid = address_validate(address=address)
    except ValidationError as error:
        problems.update(error.error_dict)
    names = {
        field: " ".join(given.split())
        for field, given in zip(("name_en", "name_th"), names_given, strict=True)
    }
    for field, value in names.items():
        if not value:
            problems[field] = [ValidationError(_("Enter the centre's name."), code="required")]
    clashing = ServiceCentre.objects.filter(slug=slug)
    if centre is not None:
        clashing = clashing.exclude(pk=centre.pk)
    if not slug or clashing.exists():
        message = _("Choose a web address name that no other centre uses.")
        problems["slug"] = [ValidationError(message, code="slug_taken")]
    catalogue = catalogue_current()
    unknown = sorted(s for s in service_slugs if catalogue.service(s) is None)
    if unknown:
        message = _("These are not services in the catalogue: %(slugs)s")
        problems["service_slugs"] = [
            ValidationError(message, code="unknown_service", params={"slugs": ", ".join(unknown)})
        ]
    if problems:
        raise ValidationError(problems)
    return {
        "slug": slug,
        "agency_slug": agency_slug,
        **names,
        "address": asdict(valid),
        "service_slugs": sorted(set(service_slugs)),
    }


def service_centre_hours_set(
    *,
    actor: Actor,
    centre: ServiceCentre,
    weekly: Sequence[HoursPeriod],
    exceptions: Sequence[ExceptionDay],
) -> ServiceCentre:
    """Replace a centre's weekly opening hours and its exceptions (public holidays and such)."""
    with transaction.atomic():
        locked = ServiceCentre.objects.select_for_update().get(pk=centre.pk)
        actor_require(actor, MANAGE, locked.agency_slug)
        _check_hours(weekly, exceptions)
        locked.hours.all().delete()
        locked.exceptions.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(centre=locked, weekday=p.weekday, opens=p.opens, closes=p.closes)
            for p in weekly
        )
        OpeningException.objects.bulk_create(
            OpeningException(centre=locked, **asdict(day)) for day in exceptions
        )
        audit_record(
            actor=actor,
            action=IdentityAction.SERVICE_CENTRE_HOURS_CHANGED,
            subject_type="identity.servicecentre",
            subject_id=locked.pk,
            purpose="Service centre opening hours changed",
            payload={
                "weekly": [[p.weekday, f"{p.opens:%H:%M}", f"{p.closes:%H:%M}"] for p in weekly],
                "exceptions": [f"{day.date:%Y-%m-%d}" for day in exceptions],
            },
        )
        return locked


def _check_hours(weekly: Sequence[HoursPeriod], exceptions: Sequence[ExceptionDay]) -> None:
    problems: list[ValidationError] = []
    by_day: dict[int, list[HoursPeriod]] = {}
    for period in weekly:
        if not 0 <= period.weekday <= 6 or period.opens >= period.closes:
            message = _("Each opening time must be before its closing time.")
            problems.append(ValidationError(message, code="closes_before_opening"))
        by_day.setdefault(period.weekday, []).append(period)
    for periods in by_day.values():
        ordered = sorted(periods, key=lambda p: p.opens)
        if any(later.opens < earlier.closes for earlier, later in pairwise(ordered)):
            message = _("Opening times on the same day must not overlap.")
            problems.append(ValidationError(message, code="overlapping_hours"))
    exception_problems = _exception_problems(exceptions)
    found = {"hours": problems, "exceptions": exception_problems}
    if problems or exception_problems:
        raise ValidationError({field: errors for field, errors in found.items() if errors})


def _exception_problems(exceptions: Sequence[ExceptionDay]) -> list[ValidationError]:
    problems: list[ValidationError] = []
    dates = [day.date for day in exceptions]
    if len(dates) != len(set(dates)):
        message = _("Give each date once.")
        problems.append(ValidationError(message, code="duplicate_date"))
    for day in exceptions:
        open_part = (day.opens is None) != (day.closes is None)
        if open_part or (day.opens and day.closes and day.opens >= day.closes):
            message = _("On %(date)s, give both opening and closing times, or neither.")
            problems.append(
                ValidationError(message, code="bad_exception_hours", params={"date": day.date})
            )
        if not (day.reason_en.strip() and day.reason_th.strip()):
            message = _("On %(date)s, give the reason in English and in Thai.")
            problems.append(
                ValidationError(message, code="reason_required", params={"date": day.date})
            )
    return problems


def service_centre_move(*, actor: Actor, centre: ServiceCentre, to: ServiceCentre) -> ServiceCentre:
    """Close ``centre`` and point it at ``to``, so people who look for it are sent there."""
    with transaction.atomic():
        locked = ServiceCentre.objects.select_for_update().get(pk=centre.pk)
        actor_require(actor, MANAGE, locked.agency_slug)
        target = ServiceCentre.objects.get(pk=to.pk)
        if not locked.is_active:
            raise ValidationError(_("This centre has already closed or moved."), code="closed")
        if target.pk == locked.pk or not target.is_active:
            message = _("Choose an open centre other than this one.")
            raise ValidationError({"moved_to": ValidationError(message, code="bad_target")})
        locked.is_active, locked.moved_to = False, target
        locked.save(update_fields=["is_active", "moved_to", "updated_at"])
        audit_record(
            actor=actor,
            action=IdentityAction.SERVICE_CENTRE_MOVED,
            subject_type="identity.servicecentre",
            subject_id=locked.pk,
            purpose="Service centre moved",
            payload={"agency": locked.agency_slug, "moved_to": str(target.pk)},
        )
        return locked
