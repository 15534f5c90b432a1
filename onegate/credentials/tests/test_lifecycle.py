"""An entitlement's life: suspended, reinstated, revoked by a team lead of its agency (with a
reason, on the version they saw), reported lost by its holder, expired by the daily job; the
credential's status as an offline verifier reads it follows each change, and the holder is told.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from onegate.audit.models import AuditEvent
from onegate.cases.tests.factories import demo_services, staff  # noqa: F401  (fixture)
from onegate.credentials.constants import (
    MAX_REASON_LENGTH,
    CredentialStatus,
    EntitlementStatus,
    EventKind,
)
from onegate.credentials.models import Entitlement
from onegate.credentials.services import (
    EntitlementRefused,
    entitlement_reinstate,
    entitlement_report_lost,
    entitlement_revoke,
    entitlement_suspend,
    entitlements_expire,
)
from onegate.credentials.tests.factories import (
    current_credential,
    entitlement_make,
    verdict_of,
)
from onegate.identity.constants import StaffRole
from onegate.identity.tests.account_fixtures import make_account
from onegate.notify.models import Message

pytestmark = pytest.mark.usefixtures("demo_services")

IMMIGRATION = "immigration"


def lead(agency: str = IMMIGRATION):
    return staff(StaffRole.TEAM_LEAD, agency)


def fresh(entitlement: Entitlement) -> Entitlement:
    return Entitlement.objects.get(pk=entitlement.pk)


def suspend(entitlement: Entitlement, actor=None, **extra) -> Entitlement:
    return entitlement_suspend(
        actor=actor or lead(),
        entitlement_id=entitlement.pk,
        reason=extra.pop("reason", "The passport was reported stolen."),
        lock_version=extra.pop("lock_version", fresh(entitlement).lock_version),
    )


def refused(call, **kwargs) -> EntitlementRefused:
    with pytest.raises(EntitlementRefused) as caught:
        call(**kwargs)
    return caught.value


def test_a_suspended_entitlement_reads_suspended_offline_and_the_holder_is_told():
    entitlement = entitlement_make()
    credential = current_credential(entitlement)
    assert verdict_of(credential).status == "valid"

    suspended = suspend(entitlement)

    assert suspended.status == EntitlementStatus.SUSPENDED
    assert suspended.status_reason == "The passport was reported stolen."
    verdict = verdict_of(credential)
    assert verdict.status == "suspended", verdict
    credential.refresh_from_db()
    assert credential.status == CredentialStatus.SUSPENDED
    event = suspended.events.get(kind=EventKind.SUSPENDED)
    assert event.actor_label  # the agency, not the officer's name
    message = Message.objects.get(
        user=entitlement.case.user, event="credentials.suspended", channel="inbox"
    )
    assert "The passport was reported stolen." in message.body


def test_reinstating_makes_it_valid_again():
    entitlement = entitlement_make()
    credential = current_credential(entitlement)
    officer = lead()
    suspend(entitlement, officer)

    back = entitlement_reinstate(
        actor=officer,
        entitlement_id=entitlement.pk,
        reason="The passport was found.",
        lock_version=fresh(entitlement).lock_version,
    )

    assert back.status == EntitlementStatus.ACTIVE
    assert verdict_of(credential).status == "valid"
    assert Message.objects.filter(event="credentials.reinstated").exists()


def test_a_revoked_entitlement_reads_revoked_and_cannot_come_back():
    entitlement = entitlement_make()
    credential = current_credential(entitlement)
    officer = lead()

    entitlement_revoke(
        actor=officer,
        entitlement_id=entitlement.pk,
        reason="Granted on a forged document.",
        lock_version=entitlement.lock_version,
    )

    assert verdict_of(credential).status == "revoked"
    again = refused(
        entitlement_reinstate,
        actor=officer,
        entitlement_id=entitlement.pk,
        reason="Changed my mind.",
        lock_version=fresh(entitlement).lock_version,
    )
    assert again.code == "state"
    assert fresh(entitlement).status == EntitlementStatus.REVOKED
    assert verdict_of(credential).status == "revoked"


def test_a_suspended_entitlement_can_be_revoked():
    entitlement = entitlement_make()
    officer = lead()
    suspend(entitlement, officer)

    entitlement_revoke(actor=officer, entitlement_id=entitlement.pk, reason="Confirmed fraud.",
                       lock_version=fresh(entitlement).lock_version)  # fmt: skip

    assert verdict_of(current_credential(entitlement)).status == "revoked"


def test_a_change_on_an_out_of_date_form_is_refused():
    entitlement = entitlement_make()
    stale = entitlement.lock_version
    suspend(entitlement)

    refusal = refused(
        entitlement_reinstate, actor=lead(), entitlement_id=entitlement.pk,
        reason="Found.", lock_version=stale,
    )  # fmt: skip

    assert refusal.code == "stale"
    assert fresh(entitlement).status == EntitlementStatus.SUSPENDED
    assert AuditEvent.objects.filter(
        action="credentials.action_refused", payload__code="stale"
    ).exists()


@pytest.mark.parametrize(
    "who",
    [
        lambda: staff(StaffRole.CASE_WORKER, IMMIGRATION),
        lambda: staff(StaffRole.TEAM_LEAD, "land-transport"),
        lambda: make_account("citizen-x@example.test"),
    ],
    ids=["case worker", "team lead of another agency", "citizen"],
)
def test_only_a_team_lead_of_its_agency_may_suspend(who):
    entitlement = entitlement_make()

    refusal = refused(
        entitlement_suspend, actor=who(), entitlement_id=entitlement.pk,
        reason="No.", lock_version=entitlement.lock_version,
    )  # fmt: skip

    assert refusal.code == "not_allowed"
    assert fresh(entitlement).status == EntitlementStatus.ACTIVE
    assert verdict_of(current_credential(entitlement)).status == "valid"


@pytest.mark.parametrize(
    ("reason", "code"), [("  ", "invalid"), ("x" * (MAX_REASON_LENGTH + 1), "invalid")]
)
def test_a_reason_is_needed_and_not_too_long(reason, code):
    entitlement = entitlement_make()

    assert refused(
        entitlement_suspend, actor=lead(), entitlement_id=entitlement.pk,
        reason=reason, lock_version=entitlement.lock_version,
    ).code == code  # fmt: skip


def test_reporting_lost_suspends_the_old_copy_and_issues_a_new_one():
    entitlement = entitlement_make()
    holder_account = entitlement.case.user
    old = current_credential(entitlement)

    new = entitlement_report_lost(
        user=holder_account, entitlement_id=entitlement.pk, lock_version=entitlement.lock_version
    )

    assert new.pk != old.pk
    assert verdict_of(old).status == "suspended"
    assert verdict_of(new).status == "valid"
    assert fresh(entitlement).status == EntitlementStatus.ACTIVE
    old.refresh_from_db()
    assert (old.status, old.status_reason) == (CredentialStatus.SUSPENDED, "lost")
    assert entitlement.events.filter(kind=EventKind.LOST_REPORTED).exists()
    assert Message.objects.filter(user=holder_account, event="credentials.lost_reissued").exists()


def test_a_copy_reported_lost_stays_suspended_when_the_entitlement_is_reinstated():
    entitlement = entitlement_make()
    old = current_credential(entitlement)
    new = entitlement_report_lost(user=entitlement.case.user, entitlement_id=entitlement.pk,
                                  lock_version=entitlement.lock_version)  # fmt: skip
    officer = lead()
    suspend(entitlement, officer)
    assert verdict_of(new).status == "suspended"

    entitlement_reinstate(actor=officer, entitlement_id=entitlement.pk, reason="Cleared.",
                          lock_version=fresh(entitlement).lock_version)  # fmt: skip

    assert verdict_of(new).status == "valid"
    assert verdict_of(old).status == "suspended"


def test_someone_else_cannot_report_it_lost():
    entitlement = entitlement_make()
    stranger = entitlement_make().case.user
    assert stranger is not None

    with pytest.raises(Http404):
        entitlement_report_lost(user=stranger, entitlement_id=entitlement.pk,
                                lock_version=entitlement.lock_version)  # fmt: skip

    assert entitlement.credentials.count() == 1
    assert AuditEvent.objects.filter(
        action="credentials.action_refused", actor_id=str(stranger.pk)
    ).exists()


def test_the_expiry_job_expires_what_is_past_its_last_day():
    entitlement = entitlement_make()
    last_day = entitlement.valid_until
    assert last_day is not None

    assert entitlements_expire(today=last_day) == 0
    assert entitlements_expire(today=last_day + dt.timedelta(days=1)) == 1

    expired = fresh(entitlement)
    assert expired.status == EntitlementStatus.EXPIRED
    assert expired.events.filter(kind=EventKind.EXPIRED).exists()
    assert AuditEvent.objects.filter(
        action="credentials.expired", subject_id=str(entitlement.pk), actor_type="system"
    ).exists()
    assert entitlements_expire(today=last_day + dt.timedelta(days=2)) == 0


def test_every_change_is_audited():
    entitlement = entitlement_make()
    officer = lead()
    suspend(entitlement, officer)
    entitlement_reinstate(actor=officer, entitlement_id=entitlement.pk, reason="Fine.",
                          lock_version=fresh(entitlement).lock_version)  # fmt: skip
    entitlement_report_lost(user=entitlement.case.user, entitlement_id=entitlement.pk,
                            lock_version=fresh(entitlement).lock_version)  # fmt: skip
    entitlement_revoke(actor=officer, entitlement_id=entitlement.pk, reason="Fraud.",
                       lock_version=fresh(entitlement).lock_version)  # fmt: skip

    actions = list(
        AuditEvent.objects.filter(subject_id=str(entitlement.pk))
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )
    for action in ("suspended", "reinstated", "lost_reported", "revoked"):
        assert f"credentials.{action}" in actions
