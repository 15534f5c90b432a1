"""The messages appointments sends through notify: booked, rescheduled, cancelled, the reminder
the day before, and "your centre closed that day" / "your centre moved" with a link to rebook.

Templates are registered when this module is imported (notify's ``discover_templates`` and this
app's ``ready`` both import it). ``booking_message`` builds the placeholders of one booking in
both languages, so each person reads the date in their own (Thai dates in the Buddhist Era).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from onegate.core.languages import SUPPORTED, format_datetime
from onegate.notify.services import message_send
from onegate.notify.templates import message_template_register

BOOKED = "appointments.booked"
RESCHEDULED = "appointments.rescheduled"
CANCELLED = "appointments.cancelled"
REMINDER = "appointments.reminder"
CENTRE_CLOSED = "appointments.centre_closed"
CENTRE_MOVED = "appointments.centre_moved"

BOOKING_FIELDS = ("name", "service", "centre", "address", "when", "reference", "link")

TEMPLATES: dict[str, dict[str, Any]] = {
    BOOKED: {
        "placeholders": BOOKING_FIELDS,
        "subject": {
            "en": "Appointment booked: {service}, {when}",
            "th": "จองนัดหมายแล้ว: {service} {when}",
        },
        "body": {
            "en": (
                "{name} has an appointment for {service} at {centre}, {address}, on {when}.\n\n"
                "Reference: {reference}\n\nTo change or cancel it, or to add it to your "
                "calendar: {link}"
            ),
            "th": (
                "{name} มีนัดหมายเรื่อง{service} ที่{centre} {address} วันที่ {when}\n\n"
                "หมายเลขอ้างอิง: {reference}\n\nเปลี่ยนเวลา ยกเลิก หรือเพิ่มลงในปฏิทินได้ที่ {link}"
            ),
        },
        "sms": {
            "en": "Appointment {reference}: {service}, {centre}, {when}.",
            "th": "นัดหมาย {reference}: {service} {centre} {when}",
        },
    },
    RESCHEDULED: {
        "placeholders": BOOKING_FIELDS,
        "subject": {
            "en": "Appointment moved to {when}",
            "th": "เปลี่ยนเวลานัดหมายเป็น {when} แล้ว",
        },
        "body": {
            "en": (
                "The appointment of {name} for {service} is now at {centre}, {address}, on "
                "{when}.\n\nReference: {reference}\n\nSee it, or change it again: {link}"
            ),
            "th": (
                "นัดหมายของ{name} เรื่อง{service} เปลี่ยนเป็นที่{centre} {address} "
                "วันที่ {when}\n\nหมายเลขอ้างอิง: {reference}\n\nดูหรือเปลี่ยนอีกครั้งได้ที่ {link}"
            ),
        },
        "sms": {
            "en": "Appointment {reference} moved: {centre}, {when}.",
            "th": "นัดหมาย {reference} เปลี่ยนเป็น {centre} {when}",
        },
    },
    CANCELLED: {
        "placeholders": BOOKING_FIELDS,
        "subject": {
            "en": "Appointment cancelled: {service}, {when}",
            "th": "ยกเลิกนัดหมายแล้ว: {service} {when}",
        },
        "body": {
            "en": (
                "The appointment of {name} for {service} at {centre} on {when} is cancelled.\n\n"
                "Reference: {reference}\n\nYou can book another time: {link}"
            ),
            "th": (
                "นัดหมายของ{name} เรื่อง{service} ที่{centre} วันที่ {when} ถูกยกเลิกแล้ว\n\n"
                "หมายเลขอ้างอิง: {reference}\n\nจองเวลาใหม่ได้ที่ {link}"
            ),
        },
    },
    REMINDER: {
        "placeholders": BOOKING_FIELDS,
        "subject": {
            "en": "Reminder: appointment tomorrow, {when}",
            "th": "เตือนความจำ: นัดหมายพรุ่งนี้ {when}",
        },
        "body": {
            "en": (
                "A reminder that {name} has an appointment for {service} tomorrow, {when}, at "
                "{centre}, {address}.\n\nBring this reference: {reference}\n\nIf you cannot "
                "come, please change or cancel it so someone else can have the time: {link}"
            ),
            "th": (
                "ขอเตือนว่า{name} มีนัดหมายเรื่อง{service} พรุ่งนี้ {when} ที่{centre} "
                "{address}\n\nโปรดแจ้งหมายเลขอ้างอิงนี้: {reference}\n\nหากมาไม่ได้ "
                "โปรดเปลี่ยนเวลาหรือยกเลิก เพื่อให้ผู้อื่นใช้เวลานี้ได้ที่ {link}"
            ),
        },
        "sms": {
            "en": "Reminder: {service} tomorrow {when} at {centre}. Ref {reference}",
            "th": "เตือน: {service} พรุ่งนี้ {when} ที่{centre} อ้างอิง {reference}",
        },
    },
    CENTRE_CLOSED: {
        "placeholders": (*BOOKING_FIELDS, "reason"),
        "subject": {
            "en": "Your appointment on {when} cannot go ahead: please choose a new time",
            "th": "นัดหมายวันที่ {when} ต้องเลื่อน โปรดเลือกเวลาใหม่",
        },
        "body": {
            "en": (
                "{centre} is closed on the day of the appointment of {name} for {service} "
                "({when}): {reason}.\n\nWe are sorry. Please choose a new time, at this centre "
                "or another: {link}\n\nReference: {reference}"
            ),
            "th": (
                "{centre} ปิดทำการในวันนัดหมายของ{name} เรื่อง{service} ({when}) "
                "เนื่องจาก{reason}\n\nขออภัยในความไม่สะดวก โปรดเลือกเวลาใหม่ที่ศูนย์นี้หรือศูนย์อื่นได้ที่ "
                "{link}\n\nหมายเลขอ้างอิง: {reference}"
            ),
        },
        "sms": {
            "en": "{centre} is closed on {when}. Please choose a new time: {link}",
            "th": "{centre} ปิดวันที่ {when} โปรดเลือกเวลาใหม่: {link}",
        },
    },
    CENTRE_MOVED: {
        "placeholders": (*BOOKING_FIELDS, "new_centre", "new_address"),
        "subject": {
            "en": "Your service centre has moved: please choose a new time",
            "th": "ศูนย์บริการย้ายที่ตั้งแล้ว โปรดเลือกเวลาใหม่",
        },
        "body": {
            "en": (
                "{centre} has moved. It is now {new_centre}, {new_address}.\n\nThe appointment "
                "of {name} for {service} on {when} needs a new time. Please choose one, at the "
                "new centre or another: {link}\n\nReference: {reference}"
            ),
            "th": (
                "{centre} ย้ายไปแล้ว ที่ตั้งใหม่คือ{new_centre} {new_address}\n\n"
                "นัดหมายของ{name} เรื่อง{service} วันที่ {when} ต้องเลือกเวลาใหม่ "
                "โปรดเลือกที่ศูนย์ใหม่หรือศูนย์อื่นได้ที่ {link}\n\nหมายเลขอ้างอิง: {reference}"
            ),
        },
        "sms": {
            "en": "{centre} has moved to {new_address}. Choose a new time: {link}",
            "th": "{centre} ย้ายไปที่ {new_address} โปรดเลือกเวลาใหม่: {link}",
        },
    },
}


def register() -> None:
    """Register every appointments template with notify (run when this module is imported)."""
    for event, template in TEMPLATES.items():
        message_template_register(event=event, inbox=True, **template)


def site_link(path: str) -> str:
    """An address people can open from a message: ``SITE_URL`` (the notify settings) + path."""
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"


def _in_each_language(make: Any) -> dict[str, str]:
    texts = {}
    for language in SUPPORTED:
        with translation.override(language):
            texts[language] = str(make(language))
    return texts


def booking_context(booking: Any, **extra: Any) -> dict[str, Any]:
    """The placeholders of ``booking``'s messages, each a text per language."""
    from onegate.appointments.selectors import centre_address_text, service_title

    slot, centre = booking.slot, booking.slot.centre
    names = {"en": booking.person_name_en, "th": booking.person_name_th or booking.person_name_en}
    with translation.override(settings.LANGUAGE_CODE):
        link = site_link(reverse("appointments:booking", kwargs={"reference": booking.reference}))
    context: dict[str, Any] = {
        "name": names,
        "service": _in_each_language(lambda lang: service_title(booking.service_slug, lang)),
        "centre": {"en": centre.name_en, "th": centre.name_th},
        "address": _in_each_language(lambda lang: centre_address_text(centre, lang)),
        "when": _in_each_language(lambda lang: format_datetime(slot.starts_at, lang)),
        "reference": booking.reference,
        "link": link,
    }
    context.update(extra)
    return context


def booking_message(
    *, event: str, booking: Any, actor: Any = None, extra: Mapping[str, Any] | None = None
) -> None:
    """Tell the booked person (and whoever acts for them) about ``booking``, inside the caller's
    transaction: the outbox row commits or rolls back with the change."""
    message_send(
        event=event,
        context=booking_context(booking, **(extra or {})),
        about_person_id=str(booking.person_id),
        actor=actor,
        # One message per event and step of the booking's life, however often a job retries.
        reference=f"{booking.reference}:{event}:{booking.changes.count()}",
    )


__all__ = [
    "BOOKED",
    "CANCELLED",
    "CENTRE_CLOSED",
    "CENTRE_MOVED",
    "REMINDER",
    "RESCHEDULED",
    "booking_context",
    "booking_message",
    "register",
    "site_link",
]


register()
