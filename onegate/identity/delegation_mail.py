"""Messages telling both sides of a delegation what happened to it, each in their own language.

Written to notify's outbox (``notify.services.message_send``) in the transaction that changes the
delegation, so they leave if, and only if, the change commits; the templates are in
``identity.notifications``. An account gets the notice on the channels it chose; an invitation
to an address with no account yet is emailed in the grantor's language, the best guess we have
for a family member or friend.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import SUPPORTED, format_date, pick
from onegate.identity.models import Delegation
from onegate.identity.notifications import delegation_event
from onegate.notify.services import message_send

OFFERED = "offered"
ACCEPTED = "accepted"
DECLINED = "declined"
REVOKED = "revoked"
EXPIRED = "expired"


def _language(value: str | None) -> str:
    code = (value or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in SUPPORTED else settings.LANGUAGE_CODE


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


def _see_link(site_url: str) -> str:
    # The expiry job has no request to take the address from: the configured one then.
    site_url = site_url or getattr(settings, "SITE_URL", "")
    if not site_url:
        return ""
    link = site_url.rstrip("/") + reverse("identity:delegations")
    return "\n\n" + gettext("See your delegations: %(link)s") % {"link": link}


def _context(delegation: Delegation, site_url: str) -> dict[str, dict[str, str]]:
    """Every placeholder's value in every language."""
    grantor = {"en": delegation.grantor_name_en, "th": delegation.grantor_name_th}
    delegate = {"en": delegation.delegate_name_en, "th": delegation.delegate_name_th}
    context: dict[str, dict[str, str]] = {
        name: {} for name in ("grantor", "delegate", "scope", "until", "see_link")
    }
    for language in SUPPORTED:
        with translation.override(language):
            context["grantor"][language] = pick(grantor, language)
            context["delegate"][language] = pick(delegate, language) or delegation.delegate_email
            context["scope"][language] = scope_text(delegation)
            context["until"][language] = format_date(delegation.valid_until, language)
            context["see_link"][language] = _see_link(site_url)
    return context


def delegation_mail_send(*, delegation: Delegation, event: str, site_url: str = "") -> None:
    """Tell both sides about ``event``, in the caller's transaction (it must be in one)."""
    context = _context(delegation, site_url)
    reference = f"{delegation.pk}:{event}"
    grantor = delegation.granted_by
    message_send(
        event=delegation_event(event, "grantor"),
        context=context,
        to_user=grantor,
        reference=reference,
    )
    delegate = delegation.delegate_user
    message_send(
        event=delegation_event(event, "delegate"),
        context=context,
        to_user=delegate,
        to_email=None if delegate else delegation.delegate_email,
        language=_language(grantor.preferred_language),
        reference=reference,
    )
