"""Entitlements as tests need them, made the way production makes them.

``approved_eta_entitlement()`` runs the whole journey: a visitor sends an electronic travel
authority, the rules approve it, and the worker runs the tasks (``case_decided`` →
``entitlement_issue_task`` → ``entitlement_issue_for_case``). ``entitlement_make()`` is cheaper:
an approved case through the cases services, then the issue service called directly (no worker).
Both need the demo services published (the ``demo_services`` fixture)::

    from onegate.cases.tests.factories import demo_services  # noqa: F401
    from onegate.credentials.tests.factories import approved_eta_entitlement

    pytestmark = pytest.mark.usefixtures("demo_services")

    def test_something():
        user, entitlement = approved_eta_entitlement()
"""

from __future__ import annotations

from typing import Any

from onegate.cases.constants import CaseStatus
from onegate.cases.models import Case
from onegate.cases.services import case_decide, case_take_next
from onegate.cases.tests.factories import (
    ETA,
    citizen_account,
    driving_renewal_sent,
    eta_sent,
    open_and_decide,
    run_tasks,
    send,
    staff,
    visitor_account,
)
from onegate.credentials.models import Credential, Entitlement
from onegate.identity.acting import people_i_act_for
from onegate.identity.constants import StaffRole
from onegate.identity.models import User
from onegate.identity.tests.acting_fixtures import Household, make_household
from onegate.runner.constants import AppliesAs
from onegate.runner.services import application_start
from onegate.runner.tests.journey_support import pages_saved

CHILD_HEALTH = "child-health-card"

__all__ = [
    "approved_case",
    "approved_eta_entitlement",
    "child_health_case",
    "current_credential",
    "entitlement_make",
    "verdict_of",
]


def approved_case(*, service: str = ETA, user: User | None = None) -> Case:
    """A case the rules approved (an ETA for a visitor, or a driving-licence renewal without a
    medical condition for a citizen), decided through the cases services, no task run."""
    if service == ETA:
        application = eta_sent(user or visitor_account()[0])
    else:
        application = driving_renewal_sent(user or citizen_account()[0], medical=False)
    [case] = open_and_decide(application)
    assert case.status == CaseStatus.APPROVED, case.rules
    return case


def approved_eta_entitlement(
    *, user: User | None = None, nationality: str = "GBR"
) -> tuple[User, Entitlement]:
    """A visitor (new unless ``user``) whose ETA the rules approved, with the entitlement the
    worker issued through the real path; returns (the visitor's account, the entitlement)."""
    user = user or visitor_account(nationality=nationality)[0]
    eta_sent(user)
    run_tasks()  # the case opened, decided, announced; the entitlement issued
    case = Case.objects.filter(user=user, service_slug=ETA).latest("submitted_at")
    assert case.status == CaseStatus.APPROVED, case.rules
    entitlement = Entitlement.objects.get(case=case)
    return user, entitlement


def entitlement_make(*, service: str = ETA, user: User | None = None) -> Entitlement:
    """An entitlement (with its links and one credential) for an approved case, issued by
    calling ``entitlement_issue_for_case`` directly (no worker run)."""
    from onegate.credentials.services import entitlement_issue_for_case

    case = approved_case(service=service, user=user)
    entitlement = entitlement_issue_for_case(case_id=str(case.pk))
    assert entitlement is not None
    return entitlement


def child_health_case() -> tuple[Household, Case]:
    """A parent's child health card for their ten-year-old, approved (by the rules, or by a
    health officer when the register does not show the child living here); no task run."""
    household = make_household()
    parent = household.parent_user
    child = next(o for o in people_i_act_for(parent) if o.person_id == str(household.child.pk))
    application = application_start(
        actor=parent, service_slug=CHILD_HEALTH, subjects=[child], applies_as=AppliesAs.CHILD,
        language="en",
    )  # fmt: skip
    pages: dict[str, dict[str, Any]] = {
        "about_your_child": {},
        "health_centre": {"health_centre_choice": "nearest"},
        "health_needs": {"long_term_condition": False, "allergies": ["none"]},
        "contact": {"parent_phone": "081 234 5678"},
    }
    [case] = open_and_decide(send(parent, pages_saved(parent, application, pages)))
    if case.status == CaseStatus.REFERRED:
        officer = staff(StaffRole.CASE_WORKER, case.agency_slug)
        taken = case_take_next(actor=officer, service_slug=CHILD_HEALTH)
        assert taken is not None and taken.pk == case.pk
        case = case_decide(
            actor=officer, reference=case.reference, lock_version=taken.lock_version,
            outcome="approve", template="generic:evidence_accepted",
        )  # fmt: skip
    assert case.status == CaseStatus.APPROVED, case.rules
    return household, case


def current_credential(entitlement: Entitlement) -> Credential:
    """The entitlement's newest credential."""
    return entitlement.credentials.order_by("-issued_at", "-pk")[:1].get()


def verdict_of(credential: Credential | str, *, now: int | None = None) -> Any:
    """What an offline verifier says of the credential (or payload), trusting the issuer's
    published keys and reading its status lists here (``onegate_verify.verify``)."""
    import time

    from onegate.credentials.publishing import status_list_token
    from onegate.credentials.selectors import credential_issuer_url, trusted_keys
    from onegate_verify.verify import credential_verify

    payload = credential if isinstance(credential, str) else credential.token

    def status_token_for(uri: str) -> str:
        list_id = int(uri.rstrip("/").rsplit("/", 1)[-1])
        return status_list_token(list_id=list_id)[0]

    return credential_verify(
        payload,
        keys=trusted_keys(),
        issuer=credential_issuer_url(),
        now=int(time.time()) if now is None else now,
        status_token_for=status_token_for,
    )
