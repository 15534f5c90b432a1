"""Cases as tests need them, made the way production makes them: real demo services, real
people and accounts, applications filled in and sent through the runner's services, cases
opened and decided by the cases services, officers with real staff roles.

Plain functions (no pytest needed), plus the fixture ``demo_services`` to use in a test module::

    from onegate.cases.tests.factories import case_in, demo_services, staff  # noqa: F401

    pytestmark = pytest.mark.usefixtures("demo_services")

    def test_something():
        case = case_in("in_review")            # a driving-licence renewal an officer holds
        officer = case.assigned_to
        lead = staff("team_lead")              # a team lead at land-transport

``case_in(status)`` drives a driving-licence renewal (or, with ``service=ETA``, a travel
authority) into every state of ``CaseStatus``; the people involved are on the case
(``case.user``, ``case.assigned_to``, ``case.decided_by``, ``case.confirmed_by``). The automatic
decision is run the way the worker runs it (``run_tasks``), or directly with ``open_and_decide``.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from onegate.cases.constants import CaseStatus
from onegate.cases.models import Case
from onegate.cases.services import (
    case_decide,
    case_decide_automatically,
    case_information_answer,
    case_information_request,
    case_refusal_confirm,
    case_review_ask,
    case_take_next,
    case_withdraw,
    cases_open_for_application,
)
from onegate.catalogue.selectors import catalogue_forget
from onegate.catalogue.services import DEMO_CATALOGUE, catalogue_load_file
from onegate.definitions.demo import load_demo_definitions
from onegate.definitions.language.model import FileField
from onegate.definitions.selectors import definition_cache_clear, definition_version_compiled
from onegate.identity.acting import people_i_act_for
from onegate.identity.constants import StaffRole
from onegate.identity.models import User
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import citizen, link_account, years_ago
from onegate.identity.tests.organisation_fixtures import staff_member
from onegate.registries.models import Person
from onegate.registries.tests.events_support import run_worker
from onegate.registries.tests.factories import TravelDocumentFactory
from onegate.registries.tests.registry_fixtures import person as registry_person
from onegate.runner.constants import AppliesAs
from onegate.runner.models import Application
from onegate.runner.selectors import answers_checksum
from onegate.runner.services import application_start, application_submit
from onegate.runner.services.uploads import upload_accept
from onegate.runner.tests.journey_support import pages_saved, pdf_bytes

LICENCE = "renew-driving-licence"
ETA = "electronic-travel-authority"
AGENCY = {LICENCE: "land-transport", ETA: "immigration"}

_serial = itertools.count(1)


# --- the demo services ------------------------------------------------------------------------


def published_demo_services() -> None:
    """The demo catalogue and the five demo services published, nothing cached from before."""
    cache.clear()
    catalogue_load_file(path=DEMO_CATALOGUE)
    catalogue_forget()
    definition_cache_clear()
    load_demo_definitions(warnings=io.StringIO())
    catalogue_forget()


@pytest.fixture
def demo_services(db: Any) -> Iterator[None]:
    """``published_demo_services`` for one test, and nothing left cached after it."""
    published_demo_services()
    yield
    catalogue_forget()
    definition_cache_clear()
    cache.clear()


# --- people and staff -------------------------------------------------------------------------


def citizen_account(*, born_years_ago: int = 45, email: str = "") -> tuple[User, Person]:
    """A Thai citizen with an account linked to them (for services people apply to themselves)."""
    n = next(_serial)
    who = citizen("Kanya", f"Saetang {_letters(n)}", years_ago(born_years_ago), given_th="กันยา")
    user = link_account(make_account(email or f"citizen{n}@example.test"), who)
    return user, who


def _letters(n: int) -> str:
    """``n`` as letters (a name in a passport's machine-readable zone has no digits)."""
    word = ""
    while True:
        n, rest = divmod(n, 26)
        word = chr(ord("A") + rest) + word
        if not n:
            return word.capitalize()


def visitor_account(*, nationality: str = "GBR", passport_years: int = 9) -> tuple[User, Person]:
    """A visitor (no Thai ID) with a passport in the travel-document register and an account."""
    n = next(_serial)
    who = registry_person(
        "Emily", f"Clarke {_letters(n)}", years_ago(32), nationality=nationality, national_id=None
    )
    TravelDocumentFactory(
        person=who,
        issued_on=timezone.localdate() - dt.timedelta(days=365),
        expires_on=timezone.localdate() + dt.timedelta(days=365 * passport_years),
    )
    user = link_account(make_account(f"visitor{n}@example.test"), who)
    return user, who


def staff(role: str = StaffRole.CASE_WORKER, agency: str = "land-transport") -> User:
    """A new officer with ``role`` in ``agency`` (a real membership, granted as the platform)."""
    return staff_member(f"officer{next(_serial)}@example.test", StaffRole(role), agency)


# --- applications sent through the runner -----------------------------------------------------


def _start_self(user: User, service: str) -> Application:
    me = next(option for option in people_i_act_for(user) if option.is_self)
    return application_start(
        actor=user, service_slug=service, subjects=[me], applies_as=AppliesAs.SELF, language="en"
    )


def send(user: User, application: Application, *, language: str = "en") -> Application:
    """ "Accept and send", with the declaration made."""
    return application_submit(
        actor=user,
        application_id=application.pk,
        submit_token=application.submit_token,
        answers_checksum=answers_checksum(application),
        declarations={"declaration": True},
        language=language,
    )


def _certificate(user: User, application: Application) -> dict[str, Any]:
    """A real PDF kept as the medical certificate (an ``Upload`` row and its stored file)."""
    compiled = definition_version_compiled(version_id=application.definition_version_id)
    field = next(f for _page, f in compiled.model.all_fields() if f.id == "medical_certificate")
    assert isinstance(field, FileField)
    upload = upload_accept(
        application=application,
        field=field,
        uploaded=SimpleUploadedFile("certificate.pdf", pdf_bytes(), "application/pdf"),
        actor=user,
    )
    return {"id": str(upload.pk), "name": upload.name, "size": upload.size,
            "content_type": upload.content_type}  # fmt: skip


def driving_renewal_sent(
    user: User | None = None, *, medical: bool = True, expires_in_days: int = 30
) -> Application:
    """A driving-licence renewal sent by ``user`` (a new citizen if None) for themselves. With the
    medical declaration the rules refer it to an officer; without, they approve it."""
    user = user or citizen_account()[0]
    today = timezone.localdate()
    expires = today + dt.timedelta(days=expires_in_days)
    licence = {"licence_number": "63001234", "licence_class": "car",
               "licence_expires_on": expires.isoformat()}  # fmt: skip
    application = pages_saved(user, _start_self(user, LICENCE), {"your_licence": licence})
    # The file is given on its own page, just before that page is saved (saving a page removes
    # the files no answer lists).
    medical_page: dict[str, Any] = {
        "medical_condition": medical,
        "medical_certificate": [_certificate(user, application)],
        "certificate_date": today.isoformat(),
    }
    if medical:
        medical_page["medical_conditions"] = ["diabetes_insulin"]
    pages = {
        "medical": medical_page,
        "photo": {"photo_source": "id_card"},
        "delivery": {"collect_or_post": "collect"},
    }
    return send(user, pages_saved(user, application, pages))


THAI_ADDRESS = {
    "kind": "thai",
    "house_number": "99",
    "village": "",
    "moo": "",
    "soi": "",
    "road": "Na Phra Lan",
    "sub_district": "Phra Borom Maha Ratchawang",
    "district": "Phra Nakhon",
    "province": "Bangkok",
    "postcode": "10200",
    "sub_district_code": "100101",
}


def eta_sent(
    user: User | None = None, *, purpose: str = "tourism", convicted: bool = False
) -> Application:
    """An electronic travel authority sent by a visitor (a new one if None). Tourism without a
    conviction is approved by the rules; ``convicted`` refers it, ``purpose="work"`` refuses it."""
    user = user or visitor_account()[0]
    application = _start_self(user, ETA)
    arrival = timezone.localdate() + dt.timedelta(days=30)
    record: dict[str, Any] = {"convicted": convicted}
    if convicted:
        record["conviction_details"] = "Speeding, Manchester, 2015; a fine of 200 pounds."
    pages: dict[str, dict[str, Any]] = {
        "your_passport": {},
        "your_trip": {
            "arrival_date": arrival.isoformat(),
            "departure_date": (arrival + dt.timedelta(days=14)).isoformat(),
        },
        "purpose_of_visit": {"purpose": purpose},
        "stay_in_thailand": {
            "accommodation": "hotel",
            "address_in_thailand": THAI_ADDRESS,
            "email": "emily@example.test",
        },
        "criminal_record": record,
        "health": {"yellow_fever_country": False},
    }
    return send(user, pages_saved(user, application, pages))


def submitted_application(
    service: str = LICENCE, *, user: User | None = None, **options: Any
) -> Application:
    """An application to ``service`` (the driving-licence renewal or the ETA) sent through the
    runner; ``options`` as ``driving_renewal_sent`` or ``eta_sent`` take them."""
    if service == ETA:
        return eta_sent(user, **options)
    if service == LICENCE:
        return driving_renewal_sent(user, **options)
    raise ValueError(f"no sent application is made here for {service!r}")


# --- cases ------------------------------------------------------------------------------------


def run_tasks() -> None:
    """Run every task due now in this process, as ``manage.py db_worker --batch`` would (the
    runner's announcement, the case's opening and automatic decision, messages).

    The worker closes database connections between tasks as a long-running process should; a
    test runs inside one transaction on one connection, so here they are left open."""
    with mock.patch(f"{Worker.__module__}.close_old_connections"):
        run_worker()


def open_and_decide(application: Application) -> list[Case]:
    """The application's cases opened and decided by the rules, calling the services the tasks
    call (without running other tasks)."""
    cases = cases_open_for_application(application_id=str(application.pk))
    return [case_decide_automatically(case_id=str(case.pk)) for case in cases]


def referred_case(*, service: str = LICENCE, user: User | None = None) -> Case:
    application = eta_sent(user, convicted=True) if service == ETA else driving_renewal_sent(user)
    [case] = open_and_decide(application)
    assert case.status == CaseStatus.REFERRED, case.rules
    return case


def _officer(given: User | None, case: Case) -> User:
    return given or staff(StaffRole.CASE_WORKER, case.agency_slug)


def _taken(case: Case, officer: User) -> Case:
    taken = case_take_next(actor=officer, service_slug=case.service_slug)
    assert taken is not None and taken.pk == case.pk, "another case was waiting first"
    return taken


def _requested(case: Case, officer: User) -> Case:
    case_information_request(
        actor=officer,
        reference=case.reference,
        lock_version=case.lock_version,
        question="Please send a medical certificate signed by your specialist.",
    )
    return Case.objects.get(pk=case.pk)


def _answered(case: Case) -> Case:
    request = case.information_requests.get(answered_at__isnull=True)
    case_information_answer(
        actor=case.user,
        request_id=request.pk,
        answer="Here is the certificate from my specialist.",
        files=[SimpleUploadedFile("specialist.pdf", pdf_bytes(), "application/pdf")],
    )
    return Case.objects.get(pk=case.pk)


def _refused(case: Case, officer: User, second: User | None) -> Case:
    case = case_decide(
        actor=officer,
        reference=case.reference,
        lock_version=case.lock_version,
        outcome="refuse",
        template="generic:evidence_not_accepted",
        explanation="The certificate does not say you are fit to drive.",
    )
    second = second or staff(StaffRole.CASE_WORKER, case.agency_slug)
    return case_refusal_confirm(
        actor=second, reference=case.reference, lock_version=case.lock_version
    )


def case_in(
    status: str,
    *,
    service: str = LICENCE,
    user: User | None = None,
    officer: User | None = None,
    second: User | None = None,
) -> Case:
    """A case in ``status`` (a ``CaseStatus`` value), got there through the real services.

    ``user``: who applies (a new citizen or visitor); ``officer``: who takes it from the queue
    (a new case worker of the service's agency); ``second``: who confirms a refusal. "approved"
    is decided by the rules; "refused" by four eyes (officer proposes, second confirms);
    "closed" is a refusal whose review was asked for (the review: ``case.reviews.get()``).
    "deciding" never lasts outside the decision's transaction: it is set directly.
    """
    if status == CaseStatus.APPROVED:
        application = (
            eta_sent(user) if service == ETA else driving_renewal_sent(user, medical=False)
        )
        [case] = open_and_decide(application)
        return case
    if status in (CaseStatus.SUBMITTED, CaseStatus.DECIDING):
        sent = eta_sent(user) if service == ETA else driving_renewal_sent(user)
        [case] = cases_open_for_application(application_id=str(sent.pk))
        if status == CaseStatus.DECIDING:
            Case.objects.filter(pk=case.pk).update(status=CaseStatus.DECIDING)
            case.refresh_from_db()
        return case
    case = referred_case(service=service, user=user)
    return _onward(case, status, officer=officer, second=second)


def _onward(case: Case, status: str, *, officer: User | None, second: User | None) -> Case:
    if status == CaseStatus.REFERRED:
        return case
    if status == CaseStatus.WITHDRAWN:
        return case_withdraw(
            actor=case.user, reference=case.reference, lock_version=case.lock_version
        )
    holder = _officer(officer, case)
    case = _taken(case, holder)
    if status == CaseStatus.IN_REVIEW:
        return case
    if status in (CaseStatus.REFUSED, CaseStatus.CLOSED):
        refused = _refused(case, holder, second)
        if status == CaseStatus.REFUSED:
            return refused
        case_review_ask(
            actor=refused.user,
            reference=refused.reference,
            reason="My specialist says I can drive.",
        )
        return Case.objects.get(pk=refused.pk)
    case = _requested(case, holder)
    if status == CaseStatus.INFORMATION_REQUESTED:
        return case
    if status == CaseStatus.INFORMATION_RECEIVED:
        return _answered(case)
    raise ValueError(f"no way to a case in {status!r}")
