"""A booking's life: booked, rescheduled, cancelled, checked in or not come, reminded.

Concurrency: a booking takes a place in a slot only while holding the slot's row lock
(``select_for_update``), after counting the bookings that hold places against the capacity; the
database refuses a count over capacity (``Slot`` check constraint) and a second booked
appointment for the same person and service (``Booking`` partial unique constraint), so a race
that got past the code would still fail. Locks are taken in one order everywhere: the booking,
then its slots by id, so two changes never wait on each other in a circle.

Who may act: the person, or someone ``acting.may_act_for`` lets act for them for that service,
checked here again whatever the page showed; staff at the centre (``staff_can``) for check-in
and no-shows. A refusal to show or change a booking is audited (``booking_refusal_record``)
in a transaction of its own, so the record stays when the request ends in a 404.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.appointments import notifications
from onegate.appointments.constants import HOLDING_STATES, BookingStatus
from onegate.appointments.models import Booking, BookingChange, Slot
from onegate.appointments.references import reference_new
from onegate.appointments.visits import visit_requirement
from onegate.audit.constants import AppointmentAction
from onegate.audit.services import audit_record
from onegate.identity.acting import acting_option
from onegate.identity.permissions import StaffPermission, staff_can

__all__ = [
    "BookingRefused",
    "booking_cancel",
    "booking_check_in",
    "booking_create",
    "booking_mark_no_show",
    "booking_refusal_record",
    "booking_reminders_send",
    "booking_reschedule",
]

SUBJECT = "appointments.booking"


class BookingRefused(Exception):
    """A booking or change that cannot be made; ``message`` says why in the reader's words."""

    MESSAGES = {
        "past": _("This time has passed. Choose a later time."),
        "full": _("Someone else has just booked the last place at this time. Choose another time."),
        "closed": _("The centre is not taking bookings at this time. Choose another time."),
        "not_needed": _("This service does not need a visit, so there is nothing to book."),
        "not_offered": _("This centre does not offer this service. Choose another centre."),
        "already": _(
            "There is already an appointment for this service. Change that appointment instead "
            "of booking another."
        ),
        "not_allowed": _("You cannot book or change appointments for this person."),
        "not_changeable": _("This appointment can no longer be changed."),
        "same_slot": _("The appointment is already at this time."),
        "not_today": _("Only appointments today can be checked in."),
        "not_started": _("You can mark someone as not come only after their time has started."),
    }

    def __init__(self, code: str) -> None:
        self.code = code
        self.message = self.MESSAGES[code]
        super().__init__(code)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _check_bookable(slot: Slot, now: dt.datetime) -> None:
    """Refuse a slot nobody can book now (the capacity is checked under the lock)."""
    if visit_requirement(slot.service_slug) is None:
        raise BookingRefused("not_needed")
    if slot.starts_at <= now:
        raise BookingRefused("past")
    if not slot.is_open or not slot.centre.is_active:
        raise BookingRefused("closed")
    if slot.service_slug not in (slot.centre.service_slugs or []):
        raise BookingRefused("not_offered")


def _take_place(slot: Slot) -> None:
    """Count the places held in the locked ``slot`` and take one, or refuse: full."""
    taken = Booking.objects.filter(slot=slot, status__in=HOLDING_STATES).count()
    if taken >= slot.capacity:
        raise BookingRefused("full")
    slot.booked = taken + 1
    slot.save(update_fields=["booked"])


def _give_back_place(slot: Slot) -> None:
    """Give back the place a booking held in the locked ``slot``."""
    slot.booked = Booking.objects.filter(slot=slot, status__in=HOLDING_STATES).count()
    slot.save(update_fields=["booked"])


def _record_change(
    booking: Booking,
    *,
    actor: Any,
    at: dt.datetime,
    from_status: str,
    from_slot: Slot | None,
    reason: str = "",
) -> None:
    BookingChange.objects.create(
        booking=booking,
        at=at,
        from_status=from_status,
        to_status=booking.status,
        from_slot=from_slot,
        to_slot=booking.slot,
        actor=actor,
        reason=reason[:200],
    )


def _payload(booking: Booking, **extra: Any) -> dict[str, Any]:
    return {
        "reference": booking.reference,
        "person_id": str(booking.person_id),
        "service": booking.service_slug,
        "centre": str(booking.slot.centre_id),
        "slot": str(booking.slot_id),
        "starts_at": booking.slot.starts_at.isoformat(),
        **extra,
    }


def booking_refusal_record(
    *, actor: Any, reference: str, action: str, person_id: str | None = None
) -> None:
    """Audit a refused look at (or change to) a booking, in its own committed transaction."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AppointmentAction.REFUSED,
            subject_type=SUBJECT,
            subject_id=reference or "-",
            purpose="Booking refused to someone who may not act for its person",
            payload={"action": action, "person_id": person_id or ""},
        )


def _allowed(actor: Any, person_id: str, service_slug: str) -> Any:
    """The acting option that lets ``actor`` book for ``person_id`` (``service_slug``), or a
    refusal, audited."""
    option = acting_option(actor, person_id)
    if option is None or not option.covers(service_slug):
        booking_refusal_record(actor=actor, reference="", action="book", person_id=person_id)
        raise BookingRefused("not_allowed")
    return option


def booking_create(
    *, actor: Any, person_id: str, slot_id: uuid.UUID | str, now: dt.datetime | None = None
) -> Booking:
    """Book ``slot_id`` for ``person_id``: ``actor`` is the person or someone acting for them."""
    at = _now(now)
    slot = Slot.objects.select_related("centre").get(pk=slot_id)
    option = _allowed(actor, str(person_id), slot.service_slug)
    _check_bookable(slot, at)
    try:
        with transaction.atomic():
            slot = Slot.objects.select_for_update().select_related("centre").get(pk=slot.pk)
            _check_bookable(slot, at)
            _take_place(slot)
            booking = Booking.objects.create(
                reference=reference_new(),
                person_id=person_id,
                person_name_en=option.names.get("en", ""),
                person_name_th=option.names.get("th", ""),
                booked_by=actor,
                slot=slot,
                service_slug=slot.service_slug,
            )
            _record_change(booking, actor=actor, at=at, from_status="", from_slot=None)
            audit_record(
                actor=actor,
                action=AppointmentAction.BOOKED,
                subject_type=SUBJECT,
                subject_id=booking.reference,
                purpose="Appointment booked at a service centre",
                payload=_payload(booking, for_self=option.is_self),
            )
            notifications.booking_message(event=notifications.BOOKED, booking=booking, actor=actor)
            return booking
    except IntegrityError as error:
        # The constraints caught what the checks could not see: another request booked the same
        # person for this service (or took the last place) in the same instant.
        raise BookingRefused(_integrity_code(error)) from error


def _integrity_code(error: IntegrityError) -> str:
    return "full" if "overbooked" in str(error) else "already"


def _locked_booking(booking_id: uuid.UUID) -> Booking:
    return Booking.objects.select_for_update().get(pk=booking_id)


def _lock_slots(*slot_ids: uuid.UUID) -> dict[uuid.UUID, Slot]:
    """Lock slots in id order (the one order every service uses)."""
    # The database takes the row locks in the order it reads the rows, so the query is ordered.
    slots = Slot.objects.select_for_update().select_related("centre")
    locked = {slot.pk: slot for slot in slots.filter(pk__in=set(slot_ids)).order_by("pk")}
    return locked


def _check_may_change(actor: Any, booking: Booking, action: str) -> None:
    option = acting_option(actor, str(booking.person_id))
    if option is None or not option.covers(booking.service_slug):
        booking_refusal_record(
            actor=actor,
            reference=booking.reference,
            action=action,
            person_id=str(booking.person_id),
        )
        raise Booking.DoesNotExist(booking.reference)


def booking_reschedule(
    *, actor: Any, booking: Booking, slot_id: uuid.UUID | str, now: dt.datetime | None = None
) -> Booking:
    """Move ``booking`` to another slot of the same service (any centre offering it).

    A booking whose centre closed or moved (``moved``) is booked again this way. Someone who may
    not act for the booking's person gets ``Booking.DoesNotExist`` (a 404), audited.
    """
    at = _now(now)
    _check_may_change(actor, booking, "reschedule")
    target = Slot.objects.select_related("centre").get(pk=slot_id)
    try:
        with transaction.atomic():
            locked = _locked_booking(booking.pk)
            slots = _lock_slots(locked.slot_id, target.pk)
            old_slot, new_slot = slots[locked.slot_id], slots[target.pk]
            _check_reschedule(locked, new_slot, at)
            from_status = locked.status
            if from_status in HOLDING_STATES:
                locked.status = BookingStatus.CANCELLED  # not holding while it is counted
                locked.save(update_fields=["status"])
                _give_back_place(old_slot)
            _take_place(new_slot)
            locked.slot, locked.status = new_slot, BookingStatus.BOOKED
            locked.reminded_at = None
            locked.save(update_fields=["slot", "status", "reminded_at", "updated_at"])
            _record_change(locked, actor=actor, at=at, from_status=from_status, from_slot=old_slot)
            audit_record(
                actor=actor,
                action=AppointmentAction.RESCHEDULED,
                subject_type=SUBJECT,
                subject_id=locked.reference,
                purpose="Appointment moved to another time",
                payload=_payload(locked, from_slot=str(old_slot.pk), from_status=from_status),
            )
            notifications.booking_message(
                event=notifications.RESCHEDULED, booking=locked, actor=actor
            )
            return locked
    except IntegrityError as error:
        raise BookingRefused(_integrity_code(error)) from error


def _check_reschedule(booking: Booking, slot: Slot, at: dt.datetime) -> None:
    if booking.status not in (BookingStatus.BOOKED, BookingStatus.MOVED):
        raise BookingRefused("not_changeable")
    if booking.status == BookingStatus.BOOKED and booking.slot.starts_at <= at:
        raise BookingRefused("not_changeable")
    if slot.service_slug != booking.service_slug:
        raise BookingRefused("not_offered")
    if slot.pk == booking.slot_id and booking.status == BookingStatus.BOOKED:
        raise BookingRefused("same_slot")
    _check_bookable(slot, at)


def booking_cancel(
    *, actor: Any, booking: Booking, reason: str = "", now: dt.datetime | None = None
) -> Booking:
    """Cancel ``booking``, giving its place back. Someone who may not act for its person gets
    ``Booking.DoesNotExist`` (a 404), audited."""
    at = _now(now)
    _check_may_change(actor, booking, "cancel")
    with transaction.atomic():
        locked = _locked_booking(booking.pk)
        slot = _lock_slots(locked.slot_id)[locked.slot_id]
        if locked.status not in (BookingStatus.BOOKED, BookingStatus.MOVED):
            raise BookingRefused("not_changeable")
        if locked.status == BookingStatus.BOOKED and slot.starts_at <= at:
            raise BookingRefused("not_changeable")
        from_status = locked.status
        locked.status = BookingStatus.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        _give_back_place(slot)
        _record_change(
            locked, actor=actor, at=at, from_status=from_status, from_slot=slot, reason=reason
        )
        audit_record(
            actor=actor,
            action=AppointmentAction.CANCELLED,
            subject_type=SUBJECT,
            subject_id=locked.reference,
            purpose="Appointment cancelled",
            payload=_payload(locked, from_status=from_status),
        )
        notifications.booking_message(event=notifications.CANCELLED, booking=locked, actor=actor)
        return locked


def _staff_transition(
    *, actor: Any, booking: Booking, to: BookingStatus, at: dt.datetime
) -> tuple[Booking, str]:
    """Lock, check the officer works at the booking's centre and the booking is still booked,
    then set ``to``; the caller audits."""
    locked = Booking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
    if not staff_can(actor, StaffPermission.CHECK_IN, centre_id=locked.slot.centre_id):
        raise Booking.DoesNotExist(locked.reference)
    if locked.status != BookingStatus.BOOKED:
        raise BookingRefused("not_changeable")
    from_status = locked.status
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    _record_change(locked, actor=actor, at=at, from_status=from_status, from_slot=locked.slot)
    return locked, from_status


def booking_check_in(*, actor: Any, booking: Booking, now: dt.datetime | None = None) -> Booking:
    """The person has arrived: a centre officer marks it, on the day of the appointment."""
    at = _now(now)
    with transaction.atomic():
        if timezone.localtime(booking.slot.starts_at).date() != timezone.localtime(at).date():
            raise BookingRefused("not_today")
        locked, from_status = _staff_transition(
            actor=actor, booking=booking, to=BookingStatus.CHECKED_IN, at=at
        )
        audit_record(
            actor=actor,
            action=AppointmentAction.CHECKED_IN,
            subject_type=SUBJECT,
            subject_id=locked.reference,
            purpose="Person arrived for their appointment",
            payload=_payload(locked, from_status=from_status),
        )
        return locked


def booking_mark_no_show(
    *, actor: Any, booking: Booking, now: dt.datetime | None = None
) -> Booking:
    """The person did not come: a centre officer marks it once their time has started."""
    at = _now(now)
    with transaction.atomic():
        if booking.slot.starts_at > at:
            raise BookingRefused("not_started")
        locked, from_status = _staff_transition(
            actor=actor, booking=booking, to=BookingStatus.NO_SHOW, at=at
        )
        audit_record(
            actor=actor,
            action=AppointmentAction.NO_SHOW,
            subject_type=SUBJECT,
            subject_id=locked.reference,
            purpose="Person did not come to their appointment",
            payload=_payload(locked, from_status=from_status),
        )
        return locked


def booking_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send the day-before reminder of every booked appointment tomorrow not yet reminded.

    Each booking is its own transaction, locked with SKIP LOCKED (PostgreSQL) so two schedulers
    never remind the same person twice; ``reminded_at`` is set with the message's outbox row.
    """
    at = _now(now)
    tomorrow = timezone.localtime(at).date() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time()))
    due = Booking.objects.filter(
        status=BookingStatus.BOOKED,
        reminded_at__isnull=True,
        slot__starts_at__gte=start,
        slot__starts_at__lt=start + dt.timedelta(days=1),
    )
    sent = 0
    for booking_id in list(due.values_list("pk", flat=True)):
        sent += _remind(booking_id, at)
    return sent


def _remind(booking_id: uuid.UUID, at: dt.datetime) -> int:
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(skip_locked=True)
            .filter(pk=booking_id, status=BookingStatus.BOOKED, reminded_at__isnull=True)
            .select_related("slot__centre")
            .first()
        )
        if booking is None:
            return 0
        booking.reminded_at = at
        booking.save(update_fields=["reminded_at"])
        notifications.booking_message(event=notifications.REMINDER, booking=booking)
        audit_record(
            actor=None,
            action=AppointmentAction.REMINDED,
            subject_type=SUBJECT,
            subject_id=booking.reference,
            purpose="Day-before reminder of an appointment",
            payload=_payload(booking),
        )
        return 1
