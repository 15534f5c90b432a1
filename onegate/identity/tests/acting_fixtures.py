"""People, family links, linked accounts and strong sessions, as the acting tests need them.

Dates are relative to today (or to a day the test names), so a child stays a child whenever the
tests run. Accounts are linked to registry people with an ``IdentityLink`` row, as a successful
proofing leaves it; the session's sign-in records are written as allauth writes them after a
password and an authenticator app, so ``session_level`` is ``substantial``.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.conf import settings
from django.test import Client
from django.utils import timezone

from onegate.identity.acting import family_forget
from onegate.identity.constants import DelegationStatus, LevelOfAssurance, ProofingMethod
from onegate.identity.models import Delegation, DelegationStatusChange, IdentityLink, User
from onegate.identity.tests.account_fixtures import make_account
from onegate.registries.models import FamilyLink, Person
from onegate.registries.tests.registry_fixtures import national_id, person


def years_ago(years: int, *, days: int = 0, today: dt.date | None = None) -> dt.date:
    """The date ``years`` years before ``today`` (28 February for a 29 February), minus days."""
    today = today or timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return day - dt.timedelta(days=days)


def link_account(user: User, who: Person, *, level: str = LevelOfAssurance.SUBSTANTIAL) -> User:
    """Link ``user`` to ``who`` as a successful online proofing does."""
    IdentityLink.objects.create(
        user=user,
        person_id=who.pk,
        level=level,
        method=ProofingMethod.NATIONAL_ID_CARD,
        proved_at=timezone.now(),
    )
    family_forget(str(who.pk))
    return user


def family_link(
    adult: Person,
    child: Person,
    *,
    kind: str = "parent",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> FamilyLink:
    found = FamilyLink.objects.create(
        adult=adult,
        child=child,
        kind=kind,
        source="birth_registration" if kind == "parent" else "court_order",
        valid_from=valid_from or child.date_of_birth,
        valid_until=valid_until,
    )
    family_forget(str(adult.pk))
    return found


_serial = iter(range(100000, 999999))


def citizen(given: str, family: str, born: dt.date, **extra: Any) -> Person:
    """A Thai citizen with a unique valid national ID number."""
    return person(
        given,
        family,
        born,
        given_th=extra.pop("given_th", ""),
        family_th=extra.pop("family_th", ""),
        national_id=national_id(f"110180{next(_serial):06d}"),
        **extra,
    )


@dataclass
class Household:
    """A parent with an account, a child of 10, a child turning 18 tomorrow, a ward."""

    parent: Person
    parent_user: User
    child: Person
    nearly_adult: Person
    ward: Person


def make_household(*, today: dt.date | None = None) -> Household:
    today = today or timezone.localdate()
    parent = citizen(
        "Somchai", "Jaidee", years_ago(40, today=today), given_th="สมชาย", family_th="ใจดี"
    )
    child = citizen(
        "Niran", "Jaidee", years_ago(10, today=today), given_th="นิรันดร์", family_th="ใจดี"
    )
    nearly = citizen(
        "Malee",
        "Jaidee",
        years_ago(18, days=-1, today=today),
        given_th="มาลี",
        family_th="ใจดี",
        sex="F",
    )
    ward = citizen("Anong", "Sukjai", years_ago(12, today=today), sex="F")
    for kid in (child, nearly):
        family_link(parent, kid)
    family_link(parent, ward, kind="guardian", valid_from=today - dt.timedelta(days=100))
    user = link_account(make_account("somchai@example.test"), parent)
    return Household(parent=parent, parent_user=user, child=child, nearly_adult=nearly, ward=ward)


def strong_session(client: Client, user: User, *, reauthenticated: bool = False) -> Client:
    """Sign ``user`` in on ``client`` with a password and an authenticator app (substantial)."""
    client.force_login(user)
    now = time.time()
    records = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    if reauthenticated:
        records.append({"method": "password", "at": now, "reauthenticated": True})
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(user.pk)  # whose records these are
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key or ""
    return client


def active_delegation(
    grantor: Person,
    grantor_user: User,
    delegate_user: User,
    delegate: Person,
    *,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    services: list[str] | None = None,
    status: str = DelegationStatus.ACTIVE,
) -> Delegation:
    """A delegation in the state a test needs, with its history row."""
    today = timezone.localdate()
    delegation = Delegation.objects.create(
        grantor_person_id=grantor.pk,
        grantor_name_en=str(grantor),
        granted_by=grantor_user,
        delegate_email=delegate_user.email,
        delegate_user=delegate_user,
        delegate_person_id=delegate.pk,
        delegate_name_en=str(delegate),
        all_services=services is None,
        service_slugs=services or [],
        valid_from=valid_from or today,
        valid_until=valid_until or today + dt.timedelta(days=30),
        status=status,
    )
    DelegationStatusChange.objects.create(
        delegation=delegation, status=status, changed_at=timezone.now(), changed_by=grantor_user
    )
    return delegation
