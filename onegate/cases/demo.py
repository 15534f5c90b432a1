"""The demo's travellers: 40 seeded visitors who apply for an electronic travel authority (ETA).

``load_demo_eta_applicants()`` makes each visitor a registry person with a foreign passport
(from a visa-waiver country), an account proved with that passport (``identity_prove``), and
sends their application through the runner's own services, page by page, as the browser would
(``page_form`` reads each page's answers, ``application_page_save`` keeps them, the eligibility
rules are asked after every page, ``application_submit`` sends it). The case then opens from the
runner's "submitted" event and the worker decides it by the definition's rules, as for anyone.

The mix is fixed (``SEED``; dates count from the day of loading, so the stories stay true):

=========  =====================================================  ================================
visitors   what they declare                                      what happens
=========  =====================================================  ================================
36         an ordinary visit: holiday, family, business or        approved by the rules
           medical treatment (2 of them through a yellow-fever
           country, with a certificate; 2 whose passport expires
           about 7 months from now, still 6 months after arrival)
1          a criminal conviction (1 in 40)                        referred: waits in the
                                                                  immigration queue
1          coming to work                                         refused by the rules, with the
                                                                  way to a work visa
2          a passport that expires within 6 months of arrival     stopped by the eligibility rule
                                                                  before sending: no case (the
                                                                  draft stays in their account)
=========  =====================================================  ================================

So 38 cases open and 37 of them (97.4 %) are decided automatically. Loading again adds nothing:
a visitor who has an ETA application already (sent or not) is left as they are.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from onegate.audit.constants import RegistryAction
from onegate.audit.services import audit_record
from onegate.identity.acting import acting_option
from onegate.identity.constants import ProofingMethod
from onegate.identity.models import IdentityLink, User
from onegate.identity.proofing.passport import PassportDetails
from onegate.identity.services.proofing import identity_prove
from onegate.registries.constants import DocumentStatus, DocumentType
from onegate.registries.models import Person, TravelDocument
from onegate.registries.mrz import compose_td3
from onegate.registries.search import name_key
from onegate.runner.constants import AppliesAs
from onegate.runner.fields import page_form
from onegate.runner.journey import eligibility_of_subjects, journey_of
from onegate.runner.models import Application
from onegate.runner.selectors import answers_checksum, application_compiled
from onegate.runner.services import application_page_save, application_start, application_submit

__all__ = [
    "ETA",
    "SEED",
    "VISITORS",
    "EtaMix",
    "Visitor",
    "eta_visitors",
    "load_demo_eta_applicants",
]

ETA = "electronic-travel-authority"
SEED = 2026
VISITORS = 40
EMAIL = "visitor.{n:02d}@eta.demo.onegate.test"
_NAMESPACE = uuid.UUID("3f0c6a52-8d1e-4b7f-a2c9-5e4d7b1a9c08")
# Positions in the mix (0-based) of the visitors with a story; everyone else simply visits.
CONVICTION, WORK = 7, 19
EXPIRES_TOO_SOON = (11, 29)  # within 6 months of arrival: the eligibility rule stops them
EXPIRES_SOON_BUT_ENOUGH = (4, 23)  # 7 to 8 months from now: still approved
YELLOW_FEVER_CERTIFICATE = (15, 33)
NATIONALITIES = ("GBR", "DEU", "FRA", "AUS", "USA", "JPN", "KOR", "SGP", "NLD", "SWE", "CAN",
                 "NZL", "ITA", "ESP", "DNK", "CHE")  # fmt: skip
GIVEN = {
    "F": ("Emma", "Sophie", "Hannah", "Yuki", "Mia", "Chloe", "Olivia", "Aiko", "Lucia", "Freya"),
    "M": (
        "James",
        "Lukas",
        "Louis",
        "Kenta",
        "Noah",
        "Oliver",
        "Daniel",
        "Minjun",
        "Marco",
        "Erik",
    ),
}
FAMILY = ("Smith", "Becker", "Martin", "Wilson", "Johnson", "Sato", "Kim", "Tan", "de Vries",
          "Lindqvist", "Tremblay", "Walker", "Romano", "Garcia", "Jensen", "Keller")  # fmt: skip
PURPOSES = ("tourism", "tourism", "tourism", "family", "business", "medical")
# A first night in Chiang Mai: a real sub-district of the divisions the migrations load.
ADDRESS = {"sub_district": "Si Phum", "district": "เมืองเชียงใหม่", "province": "50",
           "postcode": "50200"}  # fmt: skip


@dataclass(frozen=True)
class Visitor:
    """One traveller of the mix and what they will answer."""

    number: int
    person_id: uuid.UUID
    given: str
    family: str
    sex: str
    born: dt.date
    nationality: str
    passport: str
    expires: dt.date
    arrival: dt.date
    departure: dt.date
    purpose: str
    convicted: bool = False
    yellow_fever: bool = False

    @property
    def email(self) -> str:
        return EMAIL.format(n=self.number)


@dataclass
class EtaMix:
    """What loading did: visitors whose application was sent now, stopped before sending by
    eligibility, and left alone because they had applied already."""

    sent: list[str] = field(default_factory=list)  # application references
    stopped: list[str] = field(default_factory=list)  # visitors' emails
    already: int = 0


def eta_visitors(today: dt.date | None = None) -> list[Visitor]:
    """The 40 visitors, the same every time (their dates counted from ``today``)."""
    today = today or timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 (a fixed demo mix, not a secret)
    return [_visitor(rng, n, today) for n in range(VISITORS)]


def _visitor(rng: random.Random, n: int, today: dt.date) -> Visitor:
    sex = rng.choice("FM")
    nationality = NATIONALITIES[n % len(NATIONALITIES)]
    arrival = today + dt.timedelta(days=rng.randint(14, 120))
    expires = today + dt.timedelta(days=rng.randint(900, 3400))  # a passport with years to run
    if n in EXPIRES_TOO_SOON:
        expires = arrival + dt.timedelta(days=rng.randint(60, 150))
    elif n in EXPIRES_SOON_BUT_ENOUGH:
        arrival = today + dt.timedelta(days=rng.randint(14, 21))
        expires = arrival + dt.timedelta(days=190 + rng.randint(0, 20))
    return Visitor(
        number=n,
        person_id=uuid.uuid5(_NAMESPACE, f"visitor/{n}"),
        given=rng.choice(GIVEN[sex]),
        family=rng.choice(FAMILY),
        sex=sex,
        born=dt.date(rng.randint(1952, 2004), rng.randint(1, 12), rng.randint(1, 28)),
        nationality=nationality,
        passport=f"98{n:07d}",  # serials starting 9 are never generated (registries.generator)
        expires=expires,
        arrival=arrival,
        departure=arrival + dt.timedelta(days=rng.randint(5, 30)),
        purpose="work" if n == WORK else rng.choice(PURPOSES),
        convicted=n == CONVICTION,
        yellow_fever=n in YELLOW_FEVER_CERTIFICATE,
    )


def load_demo_eta_applicants(*, today: dt.date | None = None) -> EtaMix:
    """Make the visitors and send the applications of those who have not applied yet."""
    mix = EtaMix()
    visitors = eta_visitors(today)
    with transaction.atomic():
        changed = sum(_registry_records(visitor) for visitor in visitors)
        if changed:
            audit_record(
                actor=None,
                action=RegistryAction.DEMO_PEOPLE_LOADED,
                subject_type="registries.demo_people",
                subject_id="eta-visitors",
                purpose="Demo travellers applying for an electronic travel authority",
                payload={"rows_changed": changed, "visitors": len(visitors)},
            )
    for visitor in visitors:
        user = _account(visitor)
        if Application.objects.filter(user=user, service_slug=ETA).exists():
            mix.already += 1
            continue
        reference = _apply(user, visitor)
        if reference is None:
            mix.stopped.append(visitor.email)
        else:
            mix.sent.append(reference)
    return mix


# --- the registry and the account -------------------------------------------------------------


def _registry_records(visitor: Visitor) -> int:
    """Create or refresh the visitor's person and passport; how many rows changed."""
    person_values = {
        "given_name_latin": visitor.given, "family_name_latin": visitor.family,
        "given_key": name_key(visitor.given), "family_key": name_key(visitor.family),
        "date_of_birth": visitor.born, "sex": visitor.sex, "nationality": visitor.nationality,
    }  # fmt: skip
    person, made = Person.objects.update_or_create(pk=visitor.person_id, defaults=person_values)
    mrz = compose_td3(
        document_number=visitor.passport, issuing_state=visitor.nationality,
        nationality=visitor.nationality, family_name=visitor.family, given_names=visitor.given,
        birth_date=visitor.born, sex=visitor.sex, expiry_date=visitor.expires,
    )  # fmt: skip
    passport_values = {
        "person": person, "document_type": DocumentType.PASSPORT, "number": visitor.passport,
        "issuing_state": visitor.nationality, "nationality": visitor.nationality,
        "family_name": visitor.family, "given_names": visitor.given,
        "date_of_birth": visitor.born, "sex": visitor.sex, "mrz": mrz,
        "issued_on": visitor.expires - dt.timedelta(days=3652),
        "expires_on": visitor.expires, "status": DocumentStatus.VALID,
    }  # fmt: skip
    passport_id = uuid.uuid5(_NAMESPACE, f"visitor/{visitor.number}/passport")
    found = TravelDocument.objects.filter(pk=passport_id).first()
    if found is not None and all(getattr(found, k) == v for k, v in passport_values.items()):
        return int(made)
    TravelDocument.objects.update_or_create(pk=passport_id, defaults=passport_values)
    return int(made) + 1


def _account(visitor: Visitor) -> User:
    """The visitor's account (no password: nobody signs in as them), proved by passport."""
    user = User.objects.filter(email=visitor.email).first()
    if user is None:
        user = User(email=visitor.email, display_name=visitor.given, preferred_language="en")
        user.set_unusable_password()
        user.save()
        EmailAddress.objects.create(user=user, email=visitor.email, verified=True, primary=True)
    if not IdentityLink.objects.filter(user=user).exists():
        details = PassportDetails(
            number=visitor.passport, issuing_state=visitor.nationality,
            given_names=visitor.given, family_name=visitor.family,
            date_of_birth=visitor.born, expiry_date=visitor.expires,
        )  # fmt: skip
        identity_prove(account=user, method=ProofingMethod.PASSPORT, details=details)
    return user


# --- the application, page by page ------------------------------------------------------------


def _apply(user: User, visitor: Visitor) -> str | None:
    """Fill in and send the visitor's application; its reference, or None when the eligibility
    rules stopped them (the runner shows "you cannot apply" and they go no further)."""
    option = acting_option(user, str(visitor.person_id))
    if option is None:
        raise RuntimeError(f"{visitor.email} is not linked to their registry person")
    application = application_start(
        actor=user, service_slug=ETA, subjects=[option], applies_as=AppliesAs.SELF, language="en"
    )
    compiled = application_compiled(application)
    page_id = journey_of(application, compiled).resume(application.pages_done)
    while page_id is not None:
        application = _page_send(user, application, compiled, page_id, visitor)
        verdicts = eligibility_of_subjects(compiled, application)
        if any(result.eligible is False for _subject, result in verdicts):
            return None
        page_id = journey_of(application, compiled).resume(application.pages_done)
    declared = journey_of(application, compiled).declaration_page
    declarations = None
    if declared is not None:
        form = _form(application, compiled, declared, {"declaration": "yes"})
        declarations = dict(form.answers)
    sent = application_submit(
        actor=user, application_id=application.pk, submit_token=application.submit_token,
        answers_checksum=answers_checksum(application), declarations=declarations,
        language="en", application=application,
    )  # fmt: skip
    return str(sent.reference)


def _form(application: Application, compiled: Any, page: Any, posted: dict[str, str]) -> Any:
    data = QueryDict(mutable=True)
    data.update({**posted, "action": "continue"})
    form = page_form(
        compiled=compiled, page=page, application=application, language="en", data=data,
        actor=application.user,
    )  # fmt: skip
    if not form.valid:
        raise RuntimeError(f"demo answers refused on page {page.id}: {form.errors}")
    return form


def _page_send(
    user: User, application: Application, compiled: Any, page_id: str, visitor: Visitor
) -> Application:
    page = next(p for p in compiled.model.pages if p.id == page_id)
    form = _form(application, compiled, page, _answers(page_id, visitor))
    following = journey_of(application, compiled).after(page_id) or ""
    return application_page_save(
        actor=user, application=application, page_id=page_id, answers=form.answers,
        complete=True, resume_page=following, invalid_ids=form.invalid_ids,
    )  # fmt: skip


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month),
            f"{prefix}-year": str(day.year)}  # fmt: skip


def _answers(page_id: str, visitor: Visitor) -> dict[str, str]:
    """What the visitor types on the page, as the browser posts it."""
    yes_no = {True: "yes", False: "no"}
    pages: dict[str, dict[str, str]] = {
        "your_trip": {**_date("arrival_date", visitor.arrival),
                      **_date("departure_date", visitor.departure)},
        "purpose_of_visit": {"purpose": visitor.purpose,
                             "host_organisation": "Siam Trading Co., Ltd."},
        "stay_in_thailand": {
            "accommodation": ("hotel", "private_home", "rented")[visitor.number % 3],
            **{f"address_in_thailand-{k}": v for k, v in ADDRESS.items()},
            "address_in_thailand-house_number": f"{10 + visitor.number}/2",
            "phone": "", "email": visitor.email,
        },
        "criminal_record": {
            "convicted": yes_no[visitor.convicted],
            "conviction_details": "Driving under the influence, 2016; a fine of 500 euros.",
        },
        "health": {"yellow_fever_country": yes_no[visitor.yellow_fever],
                   "yellow_fever_vaccinated": "yes"},
    }  # fmt: skip
    return pages[page_id]
