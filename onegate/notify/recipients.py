"""Who a message goes to, on which channels, in which language: from the call and preferences.

``message_send`` names an account, a registry person (whose own account and everyone who acts
for them receive it) or a bare email address. Each account's ``Preference`` (or, without one,
the account's own language and email address) decides the channels and the language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from onegate.core.languages import SUPPORTED
from onegate.notify.constants import Channel
from onegate.notify.models import Preference
from onegate.notify.templates import MessageTemplate

# Why notify reads a person's parents and guardians from the registry (their access log).
FAN_OUT_PURPOSE = "Send a message about this person to whoever acts for them"


@dataclass(frozen=True)
class Route:
    """One message to write: a channel and an address for one recipient."""

    channel: str
    address: str  # email address or E.164 number; "" for the inbox
    user: Any  # the account, or None for a bare address
    language: str
    recipient_key: str


def language_of(value: str | None) -> str:
    code = (value or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in SUPPORTED else settings.LANGUAGE_CODE


def preference_of(user: Any) -> Preference:
    """The account's saved preference, or the defaults it would have (not saved)."""
    found = Preference.objects.filter(user=user).first()
    if found is None:
        found = Preference(user=user, language=language_of(user.preferred_language))
    return found


def accounts_about(person_id: str) -> list[Any]:
    """The person's own account and every account that acts for them today."""
    from onegate.identity.acting import accounts_acting_for

    return accounts_acting_for(person_id, purpose=FAN_OUT_PURPOSE)


def account_routes(template: MessageTemplate, user: Any) -> list[Route]:
    """The channels an account hears about this event on, by its preferences."""
    preference = preference_of(user)
    language = language_of(preference.language)
    key = f"user:{user.pk}"
    routes = []
    if template.inbox:
        routes.append(Route(Channel.INBOX, "", user, language, key))
    email = preference.email or user.email
    if template.email and email and (preference.email_enabled or template.always_email):
        routes.append(Route(Channel.EMAIL, email, user, language, key))
    if template.sms and preference.sms_enabled and preference.phone:
        routes.append(Route(Channel.SMS, preference.phone, user, language, key))
    if not routes and email:
        # Every channel is off for this event: email still, rather than tell nobody.
        routes.append(Route(Channel.EMAIL, email, user, language, key))
    return routes


def email_route(address: str, language: str | None) -> Route:
    """An email to an address without an account (an invitation, say)."""
    clean = address.strip()
    return Route(Channel.EMAIL, clean, None, language_of(language), f"email:{clean.lower()}")


def routes_for(
    template: MessageTemplate,
    *,
    to_user: Any,
    about_person_id: str | None,
    to_email: str | None,
    language: str | None,
) -> list[Route]:
    """Every (channel, address) this message is written for, each account once."""
    accounts: dict[Any, Any] = {}
    if to_user is not None:
        accounts[to_user.pk] = to_user
    if about_person_id:
        for user in accounts_about(about_person_id):
            accounts.setdefault(user.pk, user)
    routes = _account_routes(template, accounts.values())
    if to_email and to_email.strip():
        routes.append(email_route(to_email, language))
    return routes


def _account_routes(template: MessageTemplate, users: Iterable[Any]) -> list[Route]:
    return [route for user in users for route in account_routes(template, user)]
