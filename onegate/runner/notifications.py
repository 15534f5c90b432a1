"""The messages the runner sends: "we have your application" and "your draft will be deleted".

A service definition may write its own texts (``notifications.submitted`` and
``notifications.draft_expiring``); they are sent as they are, under the event
``runner.<event>:<service>``. A service without its own text gets the generic one registered
here. Both kinds take the same placeholders (``NOTIFICATION_PLACEHOLDERS``), each given in
every language so each reader gets dates and names in their own (Thai dates in the Buddhist Era).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext

from onegate.core.languages import SUPPORTED, format_date, pick
from onegate.definitions.language import (
    NOTIFICATION_PLACEHOLDERS,
    CompiledDefinition,
    add_working_days,
)
from onegate.definitions.language.model import NotificationEvent
from onegate.notify.models import Message
from onegate.notify.services import message_send
from onegate.notify.templates import MessageTemplate, message_template_register

__all__ = [
    "DRAFT_EXPIRING",
    "SUBMITTED",
    "decide_by",
    "draft_expiring_message",
    "register",
    "submitted_message",
]

SUBMITTED = "runner.submitted"
DRAFT_EXPIRING = "runner.draft_expiring"

TEMPLATES: dict[str, dict[str, Any]] = {
    SUBMITTED: {
        "placeholders": NOTIFICATION_PLACEHOLDERS[NotificationEvent.SUBMITTED],
        "subject": {
            "en": "We have your application: {service}",
            "th": "เราได้รับคำขอของคุณแล้ว: {service}",
        },
        "body": {
            "en": (
                "We received the application “{service}” for {name} on {submitted_on}.\n\n"
                "Your reference is {reference}. Use it if you contact us about this "
                "application.\n\nWe will tell you the decision by {decide_by}."
            ),
            "th": (
                "เราได้รับคำขอ “{service}” สำหรับ{name} เมื่อวันที่ {submitted_on} แล้ว\n\n"
                "เลขที่อ้างอิงของคุณคือ {reference} โปรดแจ้งเลขนี้เมื่อติดต่อเราเกี่ยวกับคำขอนี้\n\n"
                "เราจะแจ้งผลการพิจารณาภายในวันที่ {decide_by}"
            ),
        },
        "sms": {
            "en": "We have your application {reference} ({service}). Decision by {decide_by}.",
            "th": "ได้รับคำขอ {reference} ({service}) แล้ว แจ้งผลภายใน {decide_by}",
        },
    },
    DRAFT_EXPIRING: {
        "placeholders": NOTIFICATION_PLACEHOLDERS[NotificationEvent.DRAFT_EXPIRING],
        "subject": {
            "en": "Your unfinished application will be deleted on {expires_on}",
            "th": "คำขอที่ยังกรอกไม่เสร็จของคุณจะถูกลบในวันที่ {expires_on}",
        },
        "body": {
            "en": (
                "You started the application “{service}” for {name} but have not sent it.\n\n"
                "If you do not send it, we will delete it and your answers on {expires_on}. "
                "Sign in and go to your applications to carry on where you left off."
            ),
            "th": (
                "คุณเริ่มกรอกคำขอ “{service}” สำหรับ{name} ไว้แต่ยังไม่ได้ส่ง\n\n"
                "หากไม่ส่งคำขอ เราจะลบคำขอและคำตอบของคุณในวันที่ {expires_on} "
                "โปรดเข้าสู่ระบบแล้วไปที่คำขอของคุณเพื่อกรอกต่อจากที่ค้างไว้"
            ),
        },
    },
}


def register() -> None:
    """Register the generic runner templates with notify (run when this module is imported)."""
    for event, template in TEMPLATES.items():
        message_template_register(event=event, inbox=True, **template)


def _each_language(make: Callable[[str], Any]) -> dict[str, str]:
    texts = {}
    for language in SUPPORTED:
        with translation.override(language):
            texts[language] = str(make(language))
    return texts


def names_text(subjects: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The people an application is for, as one phrase per language ("A, B and C")."""

    def joined(language: str) -> str:
        names = [pick(subject.get("names") or {}, language) for subject in subjects]
        if len(names) < 2:
            return names[0] if names else ""
        return gettext("%(first)s and %(last)s") % {
            "first": ", ".join(names[:-1]),
            "last": names[-1],
        }

    return _each_language(joined)


def decide_by(submitted_at: dt.datetime, working_days: int) -> dt.date:
    """The day a decision is due: that many Thai working days after the day it was sent."""
    return add_working_days(timezone.localdate(submitted_at), working_days).date()


def _template(compiled: CompiledDefinition, event: NotificationEvent, generic: str) -> Any:
    """The definition's own text for ``event`` as a template, with its outbox event name."""
    text = compiled.model.notifications.get(event)
    if text is None:
        return generic, None
    own = f"{generic}:{compiled.model.service}"
    return own, MessageTemplate(
        event=own,
        placeholders=NOTIFICATION_PLACEHOLDERS[event],
        subject=dict(text.subject),
        body=dict(text.body),
        sms=dict(text.sms or {}),
    )


def _recipients(application: Any) -> dict[str, Any]:
    """The application's account; without one (started at a centre for someone with no
    account), whoever acts for the person applying, their own account first."""
    if application.user_id is not None:
        return {"to_user": application.user}
    return {"about_person_id": application.applicant_person_id}


def submitted_message(
    *, application: Any, compiled: CompiledDefinition, actor: Any
) -> list[Message]:
    """Tell the person applying that the application was received, with its reference."""
    event, template = _template(compiled, NotificationEvent.SUBMITTED, SUBMITTED)
    due = decide_by(application.submitted_at, compiled.model.sla_working_days)
    context = {
        "reference": application.reference,
        "service": dict(compiled.model.title),
        "name": names_text(application.subjects),
        "submitted_on": _each_language(lambda lang: format_date(application.submitted_at, lang)),
        "decide_by": _each_language(lambda lang: format_date(due, lang)),
    }
    return message_send(
        event=event,
        template=template,
        context=context,
        actor=actor,
        reference=application.reference,
        **_recipients(application),
    )


def draft_expiring_message(*, application: Any, compiled: CompiledDefinition) -> list[Message]:
    """Remind the person that their unfinished application will be deleted, and when."""
    event, template = _template(compiled, NotificationEvent.DRAFT_EXPIRING, DRAFT_EXPIRING)
    expires = application.expires_at
    context = {
        "service": dict(compiled.model.title),
        "name": names_text(application.subjects),
        "expires_on": _each_language(lambda lang: format_date(expires, lang)),
    }
    return message_send(
        event=event,
        template=template,
        context=context,
        # Once per expiry date: a draft saved again (a later expiry) may be reminded again.
        reference=f"{application.pk}:{expires.date().isoformat()}",
        **_recipients(application),
    )


register()
