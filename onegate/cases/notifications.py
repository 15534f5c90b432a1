"""The messages a case sends: decided (approved, refused), referred to an officer, information
needed, withdrawn, review received.

A service definition may write its own texts for approved, refused, referred and information
requested (``notifications.<event>``); they are sent as written, under the event
``cases.<event>:<service>``. Otherwise the generic text registered here is sent. Every message
goes, like the runner's, to the application's account or (an application made at a centre for
someone without one) to whoever acts for the person who applied; each reader gets it in their
own language. Messages are written to notify's outbox in the case's transaction, so they go out
only if the change commits, and once per case and event (``reference``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from onegate.cases.models import Case, InformationRequest
from onegate.core.languages import SUPPORTED, format_date, pick
from onegate.definitions.language import NOTIFICATION_PLACEHOLDERS, CompiledDefinition
from onegate.definitions.language.model import NotificationEvent
from onegate.notify.models import Message
from onegate.notify.services import message_send
from onegate.notify.templates import MessageTemplate, message_template_register
from onegate.runner.notifications import names_text

__all__ = [
    "APPROVED",
    "INFORMATION_REQUESTED",
    "REFERRED",
    "REFUSED",
    "REVIEW_RECEIVED",
    "WITHDRAWN",
    "decision_message",
    "information_requested_message",
    "referred_message",
    "review_received_message",
    "withdrawn_message",
]

APPROVED = "cases.approved"
REFUSED = "cases.refused"
REFERRED = "cases.referred"
INFORMATION_REQUESTED = "cases.information_requested"
WITHDRAWN = "cases.withdrawn"
REVIEW_RECEIVED = "cases.review_received"

P = NotificationEvent
TEMPLATES: dict[str, dict[str, Any]] = {
    APPROVED: {
        "placeholders": NOTIFICATION_PLACEHOLDERS[P.APPROVED],
        "subject": {
            "en": "Your application is approved: {service}",
            "th": "คำขอของคุณได้รับอนุมัติแล้ว: {service}",
        },
        "body": {
            "en": (
                "Your application “{service}” for {name} ({reference}) was approved on "
                "{decided_on}.\n\nSign in to your account to see the decision and what happens "
                "next."
            ),
            "th": (
                "คำขอ “{service}” สำหรับ{name} (เลขที่อ้างอิง {reference}) ได้รับอนุมัติแล้ว "
                "เมื่อวันที่ {decided_on}\n\nโปรดเข้าสู่ระบบเพื่อดูผลการพิจารณาและขั้นตอนต่อไป"
            ),
        },
        "sms": {
            "en": "Your application {reference} ({service}) is approved.",
            "th": "คำขอ {reference} ({service}) ได้รับอนุมัติแล้ว",
        },
    },
    REFUSED: {
        "placeholders": NOTIFICATION_PLACEHOLDERS[P.REFUSED],
        "subject": {
            "en": "Your application was not approved: {service}",
            "th": "คำขอของคุณไม่ได้รับอนุมัติ: {service}",
        },
        "body": {
            "en": (
                "We could not approve your application “{service}” for {name} ({reference}) "
                "on {decided_on}.\n\n{reason}\n\nSign in to your account to read the decision "
                "notice and to ask for a review if you think the decision is wrong."
            ),
            "th": (
                "เราไม่สามารถอนุมัติคำขอ “{service}” สำหรับ{name} (เลขที่อ้างอิง {reference}) "
                "เมื่อวันที่ {decided_on}\n\n{reason}\n\nโปรดเข้าสู่ระบบเพื่ออ่านหนังสือแจ้งผล"
                "การพิจารณา และขอให้ทบทวนคำวินิจฉัยหากคุณเห็นว่าไม่ถูกต้อง"
            ),
        },
    },
    REFERRED: {
        "placeholders": NOTIFICATION_PLACEHOLDERS[P.REFERRED],
        "subject": {
            "en": "An officer will look at your application: {service}",
            "th": "เจ้าหน้าที่จะพิจารณาคำขอของคุณ: {service}",
        },
        "body": {
            "en": (
                "An officer needs to look at your application “{service}” for {name} "
                "({reference}). We will tell you the decision by {decide_by}."
            ),
            "th": (
                "เจ้าหน้าที่จำเป็นต้องพิจารณาคำขอ “{service}” สำหรับ{name} "
                "(เลขที่อ้างอิง {reference}) เราจะแจ้งผลการพิจารณาภายในวันที่ {decide_by}"
            ),
        },
    },
    INFORMATION_REQUESTED: {
        "placeholders": NOTIFICATION_PLACEHOLDERS[P.INFORMATION_REQUESTED],
        "subject": {
            "en": "We need more information: {service}",
            "th": "เราต้องการข้อมูลเพิ่มเติม: {service}",
        },
        "body": {
            "en": (
                "To decide on your application “{service}” for {name} ({reference}), an "
                "officer asks:\n\n{reason}\n\nSign in to your account and answer by "
                "{respond_by}."
            ),
            "th": (
                "เพื่อพิจารณาคำขอ “{service}” สำหรับ{name} (เลขที่อ้างอิง {reference}) "
                "เจ้าหน้าที่ขอข้อมูลเพิ่มเติมดังนี้\n\n{reason}\n\nโปรดเข้าสู่ระบบและตอบกลับ"
                "ภายในวันที่ {respond_by}"
            ),
        },
        "sms": {
            "en": "We need more information about {reference}. Please answer by {respond_by}.",
            "th": "ต้องการข้อมูลเพิ่มเติมสำหรับคำขอ {reference} โปรดตอบภายใน {respond_by}",
        },
    },
    WITHDRAWN: {
        "placeholders": ("reference", "service", "name", "withdrawn_on"),
        "subject": {
            "en": "Your application is withdrawn: {service}",
            "th": "คำขอของคุณถูกถอนแล้ว: {service}",
        },
        "body": {
            "en": (
                "Your application “{service}” for {name} ({reference}) was withdrawn on "
                "{withdrawn_on}. Nothing more will be done with it."
            ),
            "th": (
                "คำขอ “{service}” สำหรับ{name} (เลขที่อ้างอิง {reference}) ถูกถอนแล้ว "
                "เมื่อวันที่ {withdrawn_on} และจะไม่มีการดำเนินการใด ๆ กับคำขอนี้อีก"
            ),
        },
    },
    REVIEW_RECEIVED: {
        "placeholders": ("reference", "service", "name", "decide_by"),
        "subject": {
            "en": "We have your request for a review: {service}",
            "th": "เราได้รับคำขอให้ทบทวนคำวินิจฉัยของคุณแล้ว: {service}",
        },
        "body": {
            "en": (
                "We have your request for a review of the decision on “{service}” for {name}. "
                "A different officer will look at it again (reference {reference}) and we "
                "will tell you the decision by {decide_by}."
            ),
            "th": (
                "เราได้รับคำขอให้ทบทวนคำวินิจฉัยเรื่อง “{service}” สำหรับ{name} แล้ว "
                "เจ้าหน้าที่อีกท่านหนึ่งจะพิจารณาใหม่ (เลขที่อ้างอิง {reference}) "
                "และจะแจ้งผลภายในวันที่ {decide_by}"
            ),
        },
    },
}

# The definition's own text, where it may write one, for each generic event.
OWN_TEXT = {
    APPROVED: P.APPROVED,
    REFUSED: P.REFUSED,
    REFERRED: P.REFERRED,
    INFORMATION_REQUESTED: P.INFORMATION_REQUESTED,
}


def register() -> None:
    """Register the generic case templates with notify (run when this module is imported)."""
    for event, template in TEMPLATES.items():
        message_template_register(event=event, inbox=True, **template)


def _each_language(make: Callable[[str], str]) -> dict[str, str]:
    return {language: make(language) for language in SUPPORTED}


def _date_text(day: dt.date | dt.datetime) -> dict[str, str]:
    return _each_language(lambda language: format_date(day, language))


def _template(compiled: CompiledDefinition, generic: str) -> tuple[str, MessageTemplate | None]:
    """The definition's own text for ``generic`` (with its outbox event name), if it has one."""
    own = OWN_TEXT.get(generic)
    text = compiled.model.notifications.get(own) if own else None
    if text is None:
        return generic, None
    event = f"{generic}:{compiled.model.service}"
    return event, MessageTemplate(
        event=event,
        placeholders=NOTIFICATION_PLACEHOLDERS[own],  # type: ignore[index]
        subject=dict(text.subject),
        body=dict(text.body),
        sms=dict(text.sms or {}),
    )


def _send(
    case: Case, compiled: CompiledDefinition, generic: str, extra: dict[str, Any], key: str = ""
) -> list[Message]:
    event, template = _template(compiled, generic)
    context = {
        "reference": case.reference,
        "service": dict(compiled.model.title),
        "name": names_text([{"names": case.subject_names}]),
        **extra,
    }
    recipients: dict[str, Any] = (
        {"to_user": case.user} if case.user_id is not None
        else {"about_person_id": case.applicant_person_id}
    )  # fmt: skip
    return message_send(
        event=event,
        template=template,
        context=context,
        reference=f"{case.reference}:{key or generic}",
        **recipients,
    )


def _valid_until(case: Case, compiled: CompiledDefinition) -> dict[str, str] | str:
    issues = compiled.model.issues
    if issues is None or case.decided_at is None:
        return ""
    last_day = issues.last_valid_day(timezone.localdate(case.decided_at))
    return _date_text(last_day) if last_day is not None else ""


def decision_message(*, case: Case, compiled: CompiledDefinition) -> list[Message]:
    """Tell the person the decision (approved or refused), with the reasons when refused."""
    decided_on = _date_text(case.decided_at or timezone.now())
    if case.status == "approved":
        extra = {"decided_on": decided_on, "valid_until": _valid_until(case, compiled)}
        return _send(case, compiled, APPROVED, extra)
    reason = case.decision_reason or {}
    extra = {"decided_on": decided_on, "reason": _each_language(lambda lang: pick(reason, lang))}
    return _send(case, compiled, REFUSED, extra)


def referred_message(*, case: Case, compiled: CompiledDefinition) -> list[Message]:
    """Tell the person an officer will decide, and by when."""
    return _send(case, compiled, REFERRED, {"decide_by": _date_text(case.sla_due_on)})


def information_requested_message(
    *, case: Case, compiled: CompiledDefinition, request: InformationRequest
) -> list[Message]:
    """Ask the person the officer's question (as written), with the day to answer by."""
    extra = {"reason": request.question, "respond_by": _date_text(request.respond_by)}
    return _send(case, compiled, INFORMATION_REQUESTED, extra, key=f"request:{request.pk}")


def withdrawn_message(*, case: Case, compiled: CompiledDefinition) -> list[Message]:
    return _send(case, compiled, WITHDRAWN, {"withdrawn_on": _date_text(timezone.now())})


def review_received_message(*, case: Case, compiled: CompiledDefinition) -> list[Message]:
    return _send(case, compiled, REVIEW_RECEIVED, {"decide_by": _date_text(case.sla_due_on)})


register()
