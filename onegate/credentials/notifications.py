"""The messages an entitlement sends its holder: granted, suspended, reinstated, revoked, and
a new credential after one was reported lost.

Each goes to the account that applied (``case.user``) and to everyone the messages module finds
for the holder (their own account, a parent or guardian acting for a child), each in their own
language. They are written to notify's outbox inside the change's transaction, so they go out
only if the change commits, and once per entitlement and event (``reference``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from onegate.core.languages import SUPPORTED, format_date
from onegate.credentials.models import Entitlement
from onegate.notify.models import Message
from onegate.notify.services import message_send
from onegate.notify.templates import message_template_register

__all__ = [
    "ISSUED",
    "LOST_REISSUED",
    "REINSTATED",
    "REVOKED",
    "SUSPENDED",
    "entitlement_message",
    "register",
]

ISSUED = "credentials.issued"
SUSPENDED = "credentials.suspended"
REINSTATED = "credentials.reinstated"
REVOKED = "credentials.revoked"
LOST_REISSUED = "credentials.lost_reissued"

PLACEHOLDERS = ("reference", "entitlement", "name", "valid_until", "reason", "on")

TEMPLATES: dict[str, dict[str, Any]] = {
    ISSUED: {
        "subject": {
            "en": "You have been granted: {entitlement}",
            "th": "คุณได้รับสิทธิ์แล้ว: {entitlement}",
        },
        "body": {
            "en": (
                "{entitlement} for {name} (reference {reference}) was granted on {on}. "
                "{valid_until}\n\nIt is linked to the documents it was granted for, "
                "so there is nothing to print. Sign in to your account to see it or to get a "
                "digital copy with a QR code."
            ),
            "th": (
                "{entitlement} สำหรับ{name} (เลขที่อ้างอิง {reference}) ได้รับอนุมัติเมื่อวันที่ "
                "{on} {valid_until}\n\nสิทธิ์นี้ผูกกับเอกสารที่ใช้ยื่นขอ จึงไม่ต้อง"
                "พิมพ์เอกสารใด ๆ โปรดเข้าสู่ระบบเพื่อดูรายละเอียดหรือรับสำเนาดิจิทัลพร้อมคิวอาร์โค้ด"
            ),
        },
    },
    SUSPENDED: {
        "subject": {
            "en": "Your {entitlement} is suspended",
            "th": "{entitlement} ของคุณถูกระงับชั่วคราว",
        },
        "body": {
            "en": (
                "{entitlement} for {name} (reference {reference}) was suspended on {on}. "
                "Until it is reinstated it will not be accepted.\n\nThe reason given:\n{reason}"
            ),
            "th": (
                "{entitlement} สำหรับ{name} (เลขที่อ้างอิง {reference}) ถูกระงับชั่วคราวเมื่อวันที่ "
                "{on} และจะใช้ไม่ได้จนกว่าจะได้รับการคืนสิทธิ์\n\nเหตุผล:\n{reason}"
            ),
        },
    },
    REINSTATED: {
        "subject": {
            "en": "Your {entitlement} is valid again",
            "th": "{entitlement} ของคุณกลับมาใช้ได้แล้ว",
        },
        "body": {
            "en": (
                "{entitlement} for {name} (reference {reference}) was reinstated on {on} and can "
                "be used again.\n\nThe reason given:\n{reason}"
            ),
            "th": (
                "{entitlement} สำหรับ{name} (เลขที่อ้างอิง {reference}) ได้รับการคืนสิทธิ์เมื่อวันที่ "
                "{on} และใช้ได้อีกครั้ง\n\nเหตุผล:\n{reason}"
            ),
        },
    },
    REVOKED: {
        "subject": {
            "en": "Your {entitlement} is revoked",
            "th": "{entitlement} ของคุณถูกเพิกถอน",
        },
        "body": {
            "en": (
                "{entitlement} for {name} (reference {reference}) was revoked on {on}. It can "
                "no longer be used.\n\nThe reason given:\n{reason}\n\nSign in to your account "
                "to see what happened."
            ),
            "th": (
                "{entitlement} สำหรับ{name} (เลขที่อ้างอิง {reference}) ถูกเพิกถอนเมื่อวันที่ {on} "
                "และใช้ไม่ได้อีกต่อไป\n\nเหตุผล:\n{reason}\n\nโปรดเข้าสู่ระบบเพื่อดูรายละเอียด"
            ),
        },
    },
    LOST_REISSUED: {
        "subject": {
            "en": "We have made you a new digital copy: {entitlement}",
            "th": "เราได้ออกสำเนาดิจิทัลใหม่ให้คุณแล้ว: {entitlement}",
        },
        "body": {
            "en": (
                "On {on} the digital copy of {entitlement} for {name} (reference {reference}) "
                "was reported lost. The old copy no longer works; the entitlement itself is "
                "still valid.\n\nSign in to your account to get the new copy."
            ),
            "th": (
                "เมื่อวันที่ {on} มีการแจ้งว่าสำเนาดิจิทัลของ{entitlement} สำหรับ{name} "
                "(เลขที่อ้างอิง {reference}) สูญหาย สำเนาเดิมใช้ไม่ได้แล้ว แต่สิทธิ์ยังคงใช้ได้"
                "\n\nโปรดเข้าสู่ระบบเพื่อรับสำเนาใหม่"
            ),
        },
    },
}


def register() -> None:
    """Register the templates with notify (``apps.ready``)."""
    for event, template in TEMPLATES.items():
        message_template_register(event=event, placeholders=PLACEHOLDERS, inbox=True, **template)


def _dates(day: dt.date | dt.datetime) -> dict[str, str]:
    return {language: format_date(day, language) for language in SUPPORTED}


def _validity(entitlement: Entitlement) -> dict[str, str]:
    """A sentence saying until when it is valid (in each language)."""
    if entitlement.valid_until is None:
        return {"en": "It has no end date.", "th": "สิทธิ์นี้ไม่มีวันสิ้นสุด"}
    day = _dates(entitlement.valid_until)
    return {"en": f"It is valid until {day['en']}.", "th": f"มีผลถึงวันที่ {day['th']}"}


def entitlement_message(
    *, entitlement: Entitlement, event: str, reason: str = "", key: str = ""
) -> list[Message]:
    """Tell the holder (and whoever applied for them) ``event`` about ``entitlement``; call inside
    the change's transaction. ``key`` tells apart two messages of one event (two suspensions)."""
    from django.utils import timezone

    case = entitlement.case
    context: dict[str, Any] = {
        "reference": entitlement.reference,
        "entitlement": dict(entitlement.title),
        "name": dict(entitlement.holder_names),
        "valid_until": _validity(entitlement),
        "reason": reason,
        "on": _dates(timezone.now()),
    }
    return message_send(
        event=event,
        context=context,
        to_user=case.user if case.user_id is not None else None,
        about_person_id=str(entitlement.holder_id),
        reference=f"{entitlement.reference}:{key or event}",
    )
