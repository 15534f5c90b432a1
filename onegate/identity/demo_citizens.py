"""Demo citizens: accounts for the registries' named demo people, some already proved.

``load_demo_citizens()`` makes (or refreshes) an account for each person below, with a verified
email address, a password and an authenticator app whose secret is printed, so a demonstrator
can sign in at level Substantial at once. The people proved already are proved **through the
proofing service**, against the demo registry, exactly as a person would be:

* Kenji Watanabe: by the details of his passport (level Substantial);
* Somsak Saengthong: by his Thai ID card and its laser code (level Substantial);
* Wichai Bunma: in person at a service centre (level High; a session reaches High once he
  adds and uses a passkey). The check is made by the demo staff's service-centre officer
  (``demo_staff``, loaded here if it was not).

Emily Clarke, Mali Bunma and Sudarat Srisuk are not proved: they are there to show proving.
The registry's demo people are loaded first (``load_demo_people`` is idempotent); the demo
catalogue must be loaded before (the demo staff's agencies come from it). Loading again
resets the passwords and leaves existing links and authenticators as they are.

Demo only: these passwords and secrets are published in README.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from onegate.audit.constants import IdentityAction
from onegate.audit.services import audit_record
from onegate.identity.constants import ProofingMethod, StaffRole
from onegate.identity.demo_staff import load_demo_staff
from onegate.identity.models import IdentityLink, ServiceCentre, StaffMembership, User
from onegate.identity.proofing.in_person import InPersonDetails, SightedDocument, desk_code
from onegate.identity.proofing.national_id_card import IdCardDetails
from onegate.identity.proofing.passport import PassportDetails
from onegate.identity.services.proofing import identity_prove
from onegate.registries import demo_people
from onegate.registries.adapters import AccessContext, TravelDocumentRecord, registry
from onegate.registries.constants import AccessorKind


@dataclass(frozen=True)
class DemoCitizen:
    """A line of README's table of demo accounts."""

    email: str
    password: str
    totp_secret: str
    shows: str


CITIZENS = (
    DemoCitizen(
        "emily.clarke@demo.onegate.test",
        "demo-emily-visits-bangkok",
        "VPFUJBSR5435FBPBZJQYQ2LR2R75DDEL",
        "British visitor, not proved yet: proves her identity with her passport (GBR 927184536, "
        "born 12 8 1994; or its machine-readable zone) and reaches level Substantial",
    ),
    DemoCitizen(
        "kenji.watanabe@demo.onegate.test",
        "demo-kenji-moved-to-bangkok",
        "N7YYOM46HJRDWWO7FLKKHQR6JHDTU7WU",
        "Japanese parent, proved by passport (level Substantial once signed in with the app "
        "code); acts for his children Yui and Haruto",
    ),
    DemoCitizen(
        "somsak.saengthong@demo.onegate.test",
        "demo-somsak-renews-licence",
        "S47A73CVNOUSLAJBAY26LF2Z5KK5Z6CW",
        "Thai driver, proved by Thai ID card and laser code (level Substantial)",
    ),
    DemoCitizen(
        "wichai.bunma@demo.onegate.test",
        "demo-wichai-three-children",
        "V2JMANSU2VPZMHCSVO2VJ2CXXPFWKDCI",
        "Thai parent, proved in person at a service centre: level High once he adds and uses a "
        "passkey (Substantial with the app code); acts for Phakhin, Nicha and Tawan",
    ),
    DemoCitizen(
        "mali.bunma@demo.onegate.test",
        "demo-mali-three-children",
        "R5UUVUNHI72HPDQDYXHZNEATHESWXDNV",
        "Thai parent, not proved yet: proves her identity with her ID card (1103095120530, "
        "laser code ME9512053314, มาลี บุญมา, born 21 6 1986); then acts for her children",
    ),
    DemoCitizen(
        "sudarat.srisuk@demo.onegate.test",
        "demo-sudarat-passport-renewal",
        "SEL5BF5OHZ2YK32MRI4K4FJBX7T25IUM",
        "Thai citizen, not proved yet, passport expiring in three weeks: proves her identity "
        "with her ID card (1120197330158, laser code ID9733015568, born 7 7 1991)",
    ),
)


def load_demo_citizens() -> tuple[DemoCitizen, ...]:
    """Create or refresh the demo citizens (and prove those who are proved); README's lines."""
    demo_people.load_demo_people()
    with transaction.atomic():
        accounts = {citizen.email: _account(citizen) for citizen in CITIZENS}
        _prove_somsak(accounts["somsak.saengthong@demo.onegate.test"])
        _prove_kenji(accounts["kenji.watanabe@demo.onegate.test"])
        officer, centre = _centre_officer()
        _prove_wichai(accounts["wichai.bunma@demo.onegate.test"], officer, centre)
        audit_record(
            actor=None,
            action=IdentityAction.DEMO_CITIZENS_LOADED,
            subject_type="identity.demo_citizens",
            subject_id="demo",
            purpose="Demo citizens' accounts for demonstrations",
            payload={"accounts": sorted(accounts)},
        )
        emily = accounts["emily.clarke@demo.onegate.test"]
        return tuple(
            replace(
                citizen, shows=f"{citizen.shows}. {_passport_to_type(emily, demo_people.EMILY)}"
            )
            if citizen.email == emily.email
            else citizen
            for citizen in CITIZENS
        )


def _own_passport(user: User, person_id: object) -> TravelDocumentRecord:
    """The person's passport, read as the person (the demo types it for them: nothing logged)."""
    own = AccessContext(
        kind=AccessorKind.SELF,
        accessor_id=str(user.pk),
        accessor_label=user.email,
        organisation="self",
        purpose="Demo set-up: the person reads their own passport",
        channel="demo",
        self_person_id=str(person_id),
        user=user,
    )
    return registry().travel_documents_of(person_id=str(person_id), access=own)[0].value


def _passport_to_type(user: User, person_id: object) -> str:
    """What the demonstrator types: the expiry date (it moves with the day of loading) and MRZ."""
    passport = _own_passport(user, person_id)
    lines = " / ".join(passport.mrz.splitlines())
    return f"Expires {passport.expires_on:%d %m %Y}; machine-readable zone: {lines}"


def _account(citizen: DemoCitizen) -> User:
    user = User.objects.filter(email=citizen.email).first()
    if user is None:
        user = User.objects.create_user(citizen.email, citizen.password)
    else:
        user.set_password(citizen.password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=citizen.email, defaults={"verified": True, "primary": True}
    )
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, citizen.totp_secret)
    return user


def _already_proved(user: User) -> bool:
    return IdentityLink.objects.filter(user=user).exists()


def _prove_somsak(user: User) -> None:
    if _already_proved(user):
        return
    details = IdCardDetails(
        national_id="3500194801233",
        given_name="สมศักดิ์",
        family_name="แสงทอง",
        date_of_birth=dt.date(1978, 3, 14),
        laser_code="JT9480112356",
    )
    identity_prove(account=user, method=ProofingMethod.NATIONAL_ID_CARD, details=details)


def _prove_kenji(user: User) -> None:
    if _already_proved(user):
        return
    passport = _own_passport(user, demo_people.KENJI)
    details = PassportDetails(
        number=passport.number,
        issuing_state=passport.issuing_state,
        given_names=passport.given_names,
        family_name=passport.family_name,
        date_of_birth=passport.date_of_birth,
        expiry_date=passport.expires_on,
    )
    identity_prove(account=user, method=ProofingMethod.PASSPORT, details=details)


def _prove_wichai(user: User, officer: User, centre: ServiceCentre) -> None:
    if _already_proved(user):
        return
    details = InPersonDetails(
        centre_id=str(centre.pk),
        desk_code=desk_code(user),
        document_type=SightedDocument.THAI_ID_CARD,
        document_number="3103095120463",
        laser_code="ME9512040071",
    )
    identity_prove(account=user, method=ProofingMethod.IN_PERSON, details=details, officer=officer)


def _centre_officer() -> tuple[User, ServiceCentre]:
    """A current service-centre officer and their centre, from the demo staff (loaded if not)."""
    for attempt in range(2):
        membership = (
            StaffMembership.objects.select_related("user", "centre")
            .filter(
                role=StaffRole.CENTRE_OFFICER,
                ended_at__isnull=True,
                centre__is_active=True,
                user__is_active=True,
            )
            .order_by("granted_at")
            .first()
        )
        if membership is not None and membership.centre is not None:
            return membership.user, membership.centre
        if attempt == 0:
            load_demo_staff()
    raise ImproperlyConfigured("the demo staff have no service-centre officer")
