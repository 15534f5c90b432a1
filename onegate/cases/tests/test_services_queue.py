"""Who works on a case: "take next" (oldest due first, in the officer's agencies, each case to
one officer), releasing, assigning by a team lead, and reviews kept from the first officers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F

from onegate.audit.constants import CaseAction
from onegate.audit.models import AuditEvent
from onegate.cases.constants import CaseStatus, EventKind
from onegate.cases.models import Case
from onegate.cases.services import (
    CaseRefused,
    case_assign,
    case_decide,
    case_release,
    case_review_ask,
    case_take_next,
)
from onegate.cases.services.queue import _claim
from onegate.cases.tests.factories import (
    ETA,
    case_in,
    demo_services,  # noqa: F401  (fixture)
    referred_case,
    staff,
)
from onegate.identity.constants import StaffRole
from onegate.identity.tests.account_fixtures import make_account

pytestmark = pytest.mark.usefixtures("demo_services")


def refused(call, **kwargs) -> CaseRefused:
    with pytest.raises(CaseRefused) as caught:
        call(**kwargs)
    return caught.value


def due_in(case: Case, days: int) -> None:
    Case.objects.filter(pk=case.pk).update(sla_due_on=F("sla_due_on") + dt.timedelta(days=days))


# --- take next --------------------------------------------------------------------------------


def test_take_next_hands_the_case_due_first_and_puts_it_in_review():
    later, sooner = referred_case(), referred_case()
    due_in(later, 2)
    officer = staff()

    taken = case_take_next(actor=officer)

    assert taken is not None and taken.pk == sooner.pk
    assert taken.status == CaseStatus.IN_REVIEW and taken.assigned_to == officer
    assert taken.assigned_at is not None and taken.lock_version == sooner.lock_version + 1
    last = taken.events.last()
    assert last is not None
    assert (last.kind, last.from_status, last.to_status) == (
        EventKind.STATUS,
        CaseStatus.REFERRED,
        CaseStatus.IN_REVIEW,
    )
    [audit] = AuditEvent.objects.filter(action=CaseAction.CASE_ASSIGNED)
    assert audit.payload["how"] == "take_next" and audit.actor_id == str(officer.pk)
    second = case_take_next(actor=staff())
    assert second is not None and second.pk == later.pk


def test_take_next_only_hands_cases_of_the_officers_agency_and_chosen_service():
    eta = referred_case(service=ETA)
    licence = referred_case()

    immigration = case_take_next(actor=staff(StaffRole.CASE_WORKER, "immigration"))
    none_for_service = case_take_next(actor=staff(), service_slug="child-health-card")
    land = case_take_next(actor=staff(), service_slug="renew-driving-licence")

    assert immigration is not None and immigration.pk == eta.pk
    assert none_for_service is None
    assert land is not None and land.pk == licence.pk


def test_take_next_gives_nothing_when_nothing_waits():
    case_in(CaseStatus.IN_REVIEW)  # taken already

    assert case_take_next(actor=staff()) is None


def test_someone_who_does_not_work_cases_cannot_take_one():
    referred_case()
    citizen = make_account("not-staff@example.test")
    owner = staff(StaffRole.SERVICE_OWNER)

    assert refused(case_take_next, actor=citizen).code == "not_allowed"
    assert refused(case_take_next, actor=owner).code == "not_allowed"
    assert Case.objects.get().status == CaseStatus.REFERRED


def test_a_case_claimed_by_someone_else_meanwhile_is_not_handed_twice():
    first_case, second_case = referred_case(), referred_case()
    due_in(second_case, 1)
    one, two = staff(), staff()
    # given: the first officer claims the case due first, the second officer's claim of the
    # same case (read as waiting a moment before) then loses the compare-and-set
    assert _claim(one, first_case.pk, CaseStatus.REFERRED) is not None

    lost = _claim(two, first_case.pk, CaseStatus.REFERRED)
    taken = case_take_next(actor=two)

    assert lost is None
    assert taken is not None and taken.pk == second_case.pk
    assert Case.objects.get(pk=first_case.pk).assigned_to == one


def test_an_answered_request_is_taken_again_from_the_queue():
    case = case_in(CaseStatus.INFORMATION_RECEIVED)

    taken = case_take_next(actor=staff())

    assert taken is not None and taken.pk == case.pk
    last = taken.events.last()
    assert last is not None and last.from_status == CaseStatus.INFORMATION_RECEIVED


# --- release and assign -----------------------------------------------------------------------


def test_the_officer_releases_a_case_back_to_the_queue():
    case = case_in(CaseStatus.IN_REVIEW)
    officer = case.assigned_to

    released = case_release(actor=officer, reference=case.reference, lock_version=case.lock_version)

    assert released.status == CaseStatus.REFERRED and released.assigned_to is None
    assert AuditEvent.objects.filter(action=CaseAction.CASE_RELEASED).count() == 1
    again = case_take_next(actor=staff())
    assert again is not None and again.pk == case.pk


def test_only_the_officer_holding_a_case_releases_it():
    case = case_in(CaseStatus.IN_REVIEW)

    problem = refused(
        case_release, actor=staff(), reference=case.reference, lock_version=case.lock_version
    )

    assert problem.code == "not_allowed"
    assert Case.objects.get(pk=case.pk).assigned_to == case.assigned_to


def test_a_team_lead_assigns_a_waiting_case_and_reassigns_it():
    case = referred_case()
    lead, first, second = staff(StaffRole.TEAM_LEAD), staff(), staff()

    assigned = case_assign(
        actor=lead, reference=case.reference, lock_version=case.lock_version, to_user_id=first.pk
    )
    moved = case_assign(
        actor=lead,
        reference=case.reference,
        lock_version=assigned.lock_version,
        to_user_id=second.pk,
    )

    assert assigned.status == CaseStatus.IN_REVIEW and assigned.assigned_to == first
    assert moved.status == CaseStatus.IN_REVIEW and moved.assigned_to == second
    kinds = [e.kind for e in moved.events.all()][-2:]
    assert kinds == [EventKind.STATUS, EventKind.ASSIGNED]  # the person sees only the first


def test_a_team_lead_puts_a_case_back_in_the_queue():
    case = case_in(CaseStatus.IN_REVIEW)
    lead = staff(StaffRole.TEAM_LEAD)

    back = case_assign(
        actor=lead, reference=case.reference, lock_version=case.lock_version, to_user_id=None
    )

    assert back.status == CaseStatus.REFERRED and back.assigned_to is None


def test_a_case_worker_may_not_assign_and_nobody_assigns_outside_the_agency():
    case = referred_case()
    lead = staff(StaffRole.TEAM_LEAD)
    outsider = staff(StaffRole.CASE_WORKER, "immigration")

    not_lead = refused(
        case_assign,
        actor=staff(),
        reference=case.reference,
        lock_version=case.lock_version,
        to_user_id=staff().pk,
    )
    elsewhere = refused(
        case_assign,
        actor=lead,
        reference=case.reference,
        lock_version=case.lock_version,
        to_user_id=outsider.pk,
    )

    assert not_lead.code == "not_allowed"
    assert (elsewhere.code, elsewhere.message) == (
        "invalid",
        "Choose an officer who works on this agency's cases.",
    )
    assert Case.objects.get(pk=case.pk).assigned_to is None


def test_assigning_from_a_stale_page_is_refused():
    case = referred_case()
    lead = staff(StaffRole.TEAM_LEAD)
    taken = case_take_next(actor=staff())
    assert taken is not None

    problem = refused(
        case_assign,
        actor=lead,
        reference=case.reference,
        lock_version=case.lock_version,
        to_user_id=staff().pk,
    )

    assert problem.code == "stale"
    assert Case.objects.get(pk=case.pk).assigned_to == taken.assigned_to


# --- reviews go to a different officer --------------------------------------------------------


def test_a_review_is_not_handed_to_the_officers_who_refused_it():
    closed = case_in(CaseStatus.CLOSED)
    review = closed.reviews.get()
    proposer, confirmer = closed.decided_by, closed.confirmed_by

    assert case_take_next(actor=proposer) is None
    assert case_take_next(actor=confirmer) is None
    other = staff()
    taken = case_take_next(actor=other)
    assert taken is not None and taken.pk == review.pk


def test_a_review_cannot_be_assigned_to_or_decided_by_the_officers_who_refused_it():
    closed = case_in(CaseStatus.CLOSED)
    review = closed.reviews.get()
    lead = staff(StaffRole.TEAM_LEAD)

    problem = refused(
        case_assign,
        actor=lead,
        reference=review.reference,
        lock_version=review.lock_version,
        to_user_id=closed.decided_by_id,
    )
    assert problem.code == "not_allowed"

    # even if it reached them another way, they may not decide it
    Case.objects.filter(pk=review.pk).update(
        status=CaseStatus.IN_REVIEW, assigned_to=closed.confirmed_by
    )
    review.refresh_from_db()
    decided = refused(
        case_decide,
        actor=closed.confirmed_by,
        reference=review.reference,
        lock_version=review.lock_version,
        outcome="approve",
        template="generic:evidence_accepted",
    )
    assert decided.code == "not_allowed" and "different officer" in decided.message


def test_a_review_can_be_asked_only_once():
    closed = case_in(CaseStatus.CLOSED)

    problem = refused(
        case_review_ask, actor=closed.user, reference=closed.reference, reason="Again, please."
    )

    assert problem.code == "review_exists"
    assert closed.reviews.count() == 1
