"""Shared pieces of the proofing and assurance tests: people in the registry with their cards
and passports, accounts, the details a person would type, and a session's sign-in records."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from onegate.identity.constants import StaffRole
from onegate.identity.models import User
from onegate.identity.proofing.in_person import InPersonDetails, SightedDocument, desk_code
from onegate.identity.proofing.national_id_card import IdCardDetails
from onegate.identity.proofing.passport import PassportDetails
from onegate.identity.tests.organisation_fixtures import service_centre, staff_member
from onegate.registries.models import NationalIdCard, Person
from onegate.registries.tests.factories import (
    NationalIdCardFactory,
    PersonFactory,
    TravelDocumentFactory,
)

# allauth keeps, beside its records, whose they are (allauth.account.internal.flows.login).
RECORDS_USER_SESSION_KEY = "account_authentication_methods_user"


@pytest.fixture(autouse=True)
def _clean_slate() -> Iterator[None]:
    """Each test starts in English (another test may leave Thai active in the thread, and
    ``reverse`` would then give /th/ addresses) with none of allauth's burst limits used (they
    live in the in-memory cache)."""
    cache.clear()
    with translation.override("en"):
        yield


def account(email: str = "person@example.test") -> User:
    return User.objects.create_user(email, "a long test password")


def thai_person(**extra: Any) -> tuple[Any, Any]:
    """A living Thai citizen with a valid ID card."""
    person = PersonFactory(**extra)
    return person, NationalIdCardFactory(person=person)


def card_details(person: Any, card: Any, **changes: Any) -> IdCardDetails:
    """What the person would type from their card (Thai names), with ``changes``."""
    values = {
        "national_id": person.national_id,
        "given_name": person.given_name_th,
        "family_name": person.family_name_th,
        "date_of_birth": person.date_of_birth,
        "laser_code": card.laser_code,
        **changes,
    }
    return IdCardDetails(**values)


def visitor_with_passport(**extra: Any) -> tuple[Any, Any]:
    person = PersonFactory(foreigner=True)
    return person, TravelDocumentFactory(person=person, **extra)


def passport_details(document: Any, **changes: Any) -> PassportDetails:
    values = {
        "number": document.number,
        "issuing_state": document.issuing_state,
        "given_names": document.given_names,
        "family_name": document.family_name,
        "date_of_birth": document.date_of_birth,
        "expiry_date": document.expires_on,
        **changes,
    }
    return PassportDetails(**values)


def centre_officer(email: str = "officer@example.test") -> tuple[User, Any]:
    """A service-centre officer (with an authenticator app) and the centre they work at."""
    centre = service_centre("lak-si")
    officer = staff_member(email, StaffRole.CENTRE_OFFICER, "service-centres", centre=centre)
    return officer, centre


def in_person_details(
    account_: User, centre: Any, person: Person, card: NationalIdCard | None, **changes: Any
) -> InPersonDetails:
    values = {
        "centre_id": str(centre.pk),
        "desk_code": desk_code(account_),
        "document_type": SightedDocument.THAI_ID_CARD,
        "document_number": person.national_id,
        "laser_code": card.laser_code if card else "",
        **changes,
    }
    return InPersonDetails(**values)


def record(method: str, **extra: Any) -> dict[str, Any]:
    """One of allauth's authentication records, as it writes them."""
    return {"method": method, "at": time.time(), **extra}


PASSWORD = record("password", email="person@example.test")
APP_CODE = record("mfa", type="totp", id=1)
RECOVERY_CODE = record("mfa", type="recovery_codes", id=2)
PASSKEY = record("mfa", type="webauthn", id=3)
PASSKEY_SIGN_IN = record("mfa", type="webauthn", id=3, passwordless=True)


def signed_in(user: User, *records: dict[str, Any], client: Client | None = None) -> Client:
    """A client signed in as ``user`` whose session used the given authentication methods."""
    client = client or Client()
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = list(records)
    session[RECORDS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


def days_ago(days: int) -> dt.datetime:
    from django.utils import timezone

    return timezone.now() - dt.timedelta(days=days)
