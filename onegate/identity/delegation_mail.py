"""Emails telling both sides of a delegation what happened to it, each in their own language.

Sent through Django's email backend after the change commits (``services.delegations`` queues
them with ``transaction.on_commit``); the Messages issue moves them onto its outbox later. An
invitation to an address with no account yet goes out in the grantor's language, the best guess
we have for a family member or friend.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import SUPPORTED, format_date, pick
from onegate.identity.models import Delegation

logger = logging.getLogger(__name__)

OFFERED = "offered"
ACCEPTED = "accepted"
DECLINED = "declined"
REVOKED = "revoked"
EXPIRED = "expired"


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    side: str  # "grantor" or "delegate"


def _language(value: str | None) -> str:
    code = (value or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in SUPPORTED else settings.LANGUAGE_CODE


def recipients(delegation: Delegation) -> list[Recipient]:
    """The grantor's account and the delegate (their account, or the invited address)."""
    grantor = delegation.granted_by
    delegate = delegation.delegate_user
    return [
        Recipient(grantor.email, _language(grantor.preferred_language), "grantor"),
        Recipient(
            delegate.email if delegate else delegation.delegate_email,
            _language(delegate.preferred_language if delegate else grantor.preferred_language),
            "delegate",
        ),
    ]


def _names(delegation: Delegation) -> dict[str, str]:
    grantor = pick({"en": delegation.grantor_name_en, "th": delegation.grantor_name_th})
    delegate = pick({"en": delegation.delegate_name_en, "th": delegation.delegate_name_th})
    return {"grantor": grantor, "delegate": delegate or delegation.delegate_email}


def scope_text(delegation: Delegation) -> str:
    """The scope in words, in the active language."""
    if delegation.all_services:
        return gettext("for every service")
    catalogue = catalogue_current()
    titles = []
    for slug in delegation.service_slugs:
        service = catalogue.service(slug)
        titles.append(pick(service.title) if service else slug)
    return gettext("for these services: %(services)s") % {"services": ", ".join(titles)}


def _link(site_url: str) -> str:
    if not site_url:
        return ""
    return site_url.rstrip("/") + reverse("identity:delegations")


def _subject(event: str, side: str, names: dict[str, str]) -> str:
    subjects = {
        (OFFERED, "delegate"): gettext("%(grantor)s has asked you to act for them on OneGate"),
        (OFFERED, "grantor"): gettext("You asked %(delegate)s to act for you on OneGate"),
        (ACCEPTED, "delegate"): gettext("You can now act for %(grantor)s on OneGate"),
        (ACCEPTED, "grantor"): gettext("%(delegate)s can now act for you on OneGate"),
        (DECLINED, "delegate"): gettext("You declined to act for %(grantor)s"),
        (DECLINED, "grantor"): gettext("%(delegate)s declined to act for you"),
        (REVOKED, "delegate"): gettext("You can no longer act for %(grantor)s"),
        (REVOKED, "grantor"): gettext("%(delegate)s can no longer act for you"),
        (EXPIRED, "delegate"): gettext("Your permission to act for %(grantor)s has expired"),
        (EXPIRED, "grantor"): gettext("%(delegate)s's permission to act for you has expired"),
    }
    return subjects[(event, side)] % names


def _body(event: str, side: str, delegation: Delegation, names: dict[str, str]) -> str:
    values = {
        **names,
        "scope": scope_text(delegation),
        "until": format_date(delegation.valid_until),
    }
    lines = {
        (OFFERED, "delegate"): gettext(
            "%(grantor)s wants you to be able to act for them on OneGate, %(scope)s, until "
            "%(until)s. Nothing happens unless you accept. To accept or decline, sign in to "
            "OneGate (or create an account with this email address) and prove your identity."
        ),
        (OFFERED, "grantor"): gettext(
            "You asked %(delegate)s to act for you, %(scope)s, until %(until)s. We will email "
            "you when they accept or decline. You can withdraw the request at any time."
        ),
        (ACCEPTED, "delegate"): gettext(
            "You accepted: you can act for %(grantor)s, %(scope)s, until %(until)s."
        ),
        (ACCEPTED, "grantor"): gettext(
            "%(delegate)s accepted: they can act for you, %(scope)s, until %(until)s. You can "
            "end this at any time."
        ),
        (DECLINED, "delegate"): gettext("You declined to act for %(grantor)s."),
        (DECLINED, "grantor"): gettext("%(delegate)s declined to act for you."),
        (REVOKED, "delegate"): gettext(
            "The permission for %(delegate)s to act for %(grantor)s has been ended."
        ),
        (REVOKED, "grantor"): gettext(
            "The permission for %(delegate)s to act for %(grantor)s has been ended."
        ),
        (EXPIRED, "delegate"): gettext(
            "The permission for %(delegate)s to act for %(grantor)s ended on %(until)s."
        ),
        (EXPIRED, "grantor"): gettext(
            "The permission for %(delegate)s to act for %(grantor)s ended on %(until)s."
        ),
    }
    return lines[(event, side)] % values


def delegation_mail_send(*, delegation: Delegation, event: str, site_url: str = "") -> None:
    """Tell both sides about ``event``; a failing mail server is logged, never raised (the
    change itself has already happened)."""
    for recipient in recipients(delegation):
        with translation.override(recipient.language):
            names = _names(delegation)
            body = _body(event, recipient.side, delegation, names)
            link = _link(site_url)
            if link:
                body += "\n\n" + gettext("See your delegations: %(link)s") % {"link": link}
            subject = _subject(event, recipient.side, names)
        try:
            send_mail(subject, body, None, [recipient.email])
        except OSError as exc:  # SMTP down: the delegation page still shows the state
            logger.error("Delegation email not sent: %s", type(exc).__name__)
