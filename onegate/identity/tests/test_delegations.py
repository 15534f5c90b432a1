"""Delegations: offered, accepted, declined, revoked by either side and expired by the job, each
with its history row and audit record, each telling both sides (through notify's outbox) in
their own language;
refusals (a delegate who is the grantor, a stranger, an answer to an ended offer) write nothing
but their audit record."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.core.scheduling import discover_jobs
from onegate.core.scheduling import registry as job_registry
from onegate.identity.acting import may_act_for
from onegate.identity.constants import DelegationStatus
from onegate.identity.models import Delegation, DelegationStatusChange
from onegate.identity.services.delegations import (
    DelegationRefused,
    delegation_accept,
    delegation_decline,
    delegation_offer,
    delegation_revoke,
    delegations_expire,
)
from onegate.identity.tests.account_fixtures import PASSWORD, make_account
from onegate.identity.tests.acting_fixtures import (
    active_delegation,
    citizen,
    link_account,
    strong_session,
    years_ago,
)
from onegate.notify.models import Message
from onegate.notify.tests.outbox import deliver_outbox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Start in English whatever language an earlier test left active in this thread."""
    with translation.override("en"):
        yield


def today() -> dt.date:
    """Today where the code under test looks (asked each time: a run may pass midnight)."""
    return timezone.localdate()


@pytest.fixture
def grace():
    person = citizen("Grace", "Giver", years_ago(70), given_th="เกรซ", family_th="ใจกว้าง")
    return person, link_account(make_account("grace@example.test"), person)


@pytest.fixture
def dan():
    person = citizen("Dan", "Helper", years_ago(40))
    account = make_account("dan@example.test", preferred_language="th")
    return person, link_account(account, person)


def offer(grantor_user, email="dan@example.test", **extra):
    values = {"all_services": True, "valid_until": today() + dt.timedelta(days=60), **extra}
    return delegation_offer(grantor=grantor_user, delegate_email=email, **values)


def actions():
    """Identity's audit actions in order (notify records its own for the notices it queues)."""
    found = AuditEvent.objects.order_by("created_at").values_list("action", flat=True)
    return [action for action in found if not action.startswith("notify.")]


def test_an_offer_is_recorded_and_both_sides_are_emailed_in_their_language(grace, dan):
    _, grace_user = grace
    delegation = offer(grace_user, email=" Dan@Example.test ")
    deliver_outbox()  # the worker sends what the offer put in the outbox

    assert delegation.status == DelegationStatus.OFFERED
    assert delegation.delegate_user == dan[1]
    assert delegation.grantor_name_en == "Grace Giver"
    assert [h.status for h in delegation.history.all()] == [DelegationStatus.OFFERED]
    assert IdentityAction.DELEGATION_OFFERED in actions()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"grace@example.test", "dan@example.test"}
    assert "You asked dan@example.test to act for you" in by_address["grace@example.test"].subject
    # Dan reads Thai: his email names Grace by her Thai name, with Buddhist Era dates.
    until = delegation.valid_until
    assert "เกรซ ใจกว้าง" in by_address["dan@example.test"].subject
    assert str(until.year + 543) in by_address["dan@example.test"].body
    assert str(until.year) in by_address["grace@example.test"].body


def test_nothing_is_emailed_when_the_offer_is_rolled_back(grace, dan):
    # The notices are written to the outbox in the offer's own transaction: when it rolls back,
    # they go with it, and the worker finds nothing to send.
    def offer_then_fail() -> None:
        with transaction.atomic():
            offer(grace[1])
            assert Message.objects.filter(channel="email").count() == 2
            raise RuntimeError("the request failed after the offer")

    with pytest.raises(RuntimeError):
        offer_then_fail()
    assert not Message.objects.exists()
    deliver_outbox()
    assert mail.outbox == []


def test_an_offer_to_an_address_without_an_account_is_an_invitation(grace):
    delegation = offer(grace[1], email="nobody-yet@example.test")
    assert delegation.delegate_user is None
    assert delegation.status == DelegationStatus.OFFERED


def test_the_grantor_cannot_be_their_own_delegate(grace):
    _, grace_user = grace
    with pytest.raises(DelegationRefused) as refused:
        offer(grace_user, email="GRACE@example.test")
    assert refused.value.code == "delegate_is_grantor"
    assert "cannot make yourself your own delegate" in str(refused.value.message)
    assert not Delegation.objects.exists()
    assert actions() == [IdentityAction.DELEGATION_REFUSED]


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"valid_until": today() - dt.timedelta(days=1)}, "ends_before_start"),
        ({"valid_until": today() + dt.timedelta(days=4 * 366)}, "too_long"),
        ({"all_services": False, "service_slugs": []}, "no_services"),
        ({"all_services": False, "service_slugs": ["no-such-service"]}, "unknown_service"),
        ({"valid_from": today() - dt.timedelta(days=1)}, "starts_in_past"),
    ],
)
def test_an_offer_that_makes_no_sense_is_refused(grace, dan, extra, code):
    with pytest.raises(DelegationRefused) as refused:
        offer(grace[1], **extra)
    assert refused.value.code == code
    assert not Delegation.objects.exists()


def test_an_unproved_account_cannot_offer():
    with pytest.raises(DelegationRefused) as refused:
        offer(make_account("unproved@example.test"))
    assert refused.value.code == "grantor_not_linked"


def test_asking_the_same_person_twice_is_refused(grace, dan):
    offer(grace[1])
    with pytest.raises(DelegationRefused) as refused:
        offer(grace[1])
    assert refused.value.code == "already_offered"
    assert Delegation.objects.count() == 1


def test_the_delegate_accepts_and_may_then_act(grace, dan):
    grace_person, grace_user = grace
    dan_person, dan_user = dan
    delegation = offer(grace_user)
    assert not may_act_for(dan_user, str(grace_person.pk))

    mail.outbox.clear()
    accepted = delegation_accept(delegation_id=delegation.pk, user=dan_user)
    deliver_outbox()

    assert accepted.status == DelegationStatus.ACTIVE
    assert accepted.delegate_person_id == dan_person.pk
    assert accepted.delegate_name_en == "Dan Helper"
    assert may_act_for(dan_user, str(grace_person.pk))
    history = list(accepted.history.values_list("previous_status", "status"))
    assert history == [("", "offered"), ("offered", "active")]
    assert actions()[-1] == IdentityAction.DELEGATION_ACCEPTED
    assert {m.to[0] for m in mail.outbox} == {"grace@example.test", "dan@example.test"}
    assert any("Dan Helper can now act for you" in m.subject for m in mail.outbox)


def test_someone_else_cannot_accept_and_learns_nothing(grace, dan):
    delegation = offer(grace[1])
    stranger = link_account(make_account("eve@example.test"), citizen("Eve", "X", years_ago(30)))
    with pytest.raises(DelegationRefused) as refused:
        delegation_accept(delegation_id=delegation.pk, user=stranger)
    assert str(refused.value.message) == "There is no such delegation."
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.OFFERED
    assert AuditEvent.objects.filter(action=IdentityAction.DELEGATION_REFUSED).count() == 1


def test_an_invitee_signs_up_proves_who_they_are_and_accepts(grace):
    delegation = offer(grace[1], email="newcomer@example.test")
    newcomer = make_account("newcomer@example.test")
    with pytest.raises(DelegationRefused) as refused:
        delegation_accept(delegation_id=delegation.pk, user=newcomer)
    assert refused.value.code == "delegate_not_linked"

    person = citizen("New", "Comer", years_ago(25))
    link_account(newcomer, person)
    delegation_accept(delegation_id=delegation.pk, user=newcomer)
    assert may_act_for(newcomer, str(grace[0].pk))


def test_the_grantor_accepting_their_own_invitation_is_refused(grace):
    # Grace invites an address that has no account, then moves her own account to it.
    _, grace_user = grace
    delegation = offer(grace_user, email="grace.new@example.test")
    grace_user.email = "grace.new@example.test"
    grace_user.save()
    with pytest.raises(DelegationRefused) as refused:
        delegation_accept(delegation_id=delegation.pk, user=grace_user)
    assert refused.value.code == "delegate_is_grantor"
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.OFFERED


def test_a_declined_offer_cannot_be_accepted_afterwards(grace, dan):
    delegation = offer(grace[1])
    delegation_decline(delegation_id=delegation.pk, user=dan[1])
    with pytest.raises(DelegationRefused) as refused:
        delegation_accept(delegation_id=delegation.pk, user=dan[1])
    assert refused.value.code == "not_offered"
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.DECLINED


def test_an_offer_past_its_last_day_cannot_be_accepted(grace, dan):
    delegation = offer(grace[1])
    Delegation.objects.filter(pk=delegation.pk).update(
        valid_from=today() - dt.timedelta(days=10), valid_until=today() - dt.timedelta(days=1)
    )
    with pytest.raises(DelegationRefused) as refused:
        delegation_accept(delegation_id=delegation.pk, user=dan[1])
    assert refused.value.code == "offer_expired"


@pytest.mark.parametrize("side", ["grantor", "delegate"])
def test_either_side_can_revoke_and_it_stops_at_once(grace, dan, side):
    grace_person, grace_user = grace
    dan_person, dan_user = dan
    delegation = active_delegation(grace_person, grace_user, dan_user, dan_person)
    by = grace_user if side == "grantor" else dan_user

    revoked = delegation_revoke(delegation_id=delegation.pk, user=by)

    assert revoked.status == DelegationStatus.REVOKED
    assert revoked.revoked_by == by
    assert not may_act_for(dan_user, str(grace_person.pk))
    assert actions()[-1] == IdentityAction.DELEGATION_REVOKED
    with pytest.raises(DelegationRefused) as refused:
        delegation_revoke(delegation_id=delegation.pk, user=by)
    assert refused.value.code == "already_ended"


def test_the_job_expires_delegations_past_their_last_day(grace, dan):
    grace_person, grace_user = grace
    dan_person, dan_user = dan
    ended = active_delegation(
        grace_person,
        grace_user,
        dan_user,
        dan_person,
        valid_from=today() - dt.timedelta(days=10),
        valid_until=today() - dt.timedelta(days=1),
    )
    current = active_delegation(grace_person, grace_user, dan_user, dan_person)
    assert not may_act_for(dan_user, str(grace_person.pk), on=today() + dt.timedelta(days=31))

    assert delegations_expire() == 1
    deliver_outbox()
    ended.refresh_from_db()
    current.refresh_from_db()
    assert ended.status == DelegationStatus.EXPIRED
    assert current.status == DelegationStatus.ACTIVE
    last = ended.history.last()
    assert last is not None
    assert last.status == DelegationStatus.EXPIRED and last.changed_by is None
    event = AuditEvent.objects.get(action=IdentityAction.DELEGATION_EXPIRED)
    assert event.actor_type == "system"
    assert len(mail.outbox) == 2
    assert delegations_expire() == 0


def test_the_expiry_job_is_registered_with_the_scheduler():
    discover_jobs()
    assert "onegate.identity.jobs.expire_delegations" in job_registry


def test_history_rows_cannot_be_changed_or_deleted(grace, dan):
    change = offer(grace[1]).history.get()
    change.status = DelegationStatus.ACTIVE
    with pytest.raises(ValueError, match="append-only"):
        change.save()
    with pytest.raises(ValueError, match="append-only"):
        change.delete()
    assert DelegationStatusChange.objects.get().status == DelegationStatus.OFFERED


# --- the pages --------------------------------------------------------------------------------


def offer_form(**extra):
    until = today() + dt.timedelta(days=90)
    return {
        "email": "dan@example.test",
        "services": ["all"],
        "valid_until_day": str(until.day),
        "valid_until_month": str(until.month),
        "valid_until_year": str(until.year + 543),  # a Buddhist Era year is read as such
        **extra,
    }


def test_granting_asks_to_sign_in_again_first(client, grace, dan):
    strong_session(client, grace[1])
    response = client.post(reverse("identity:delegation_new"), offer_form())
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response["Location"]
    assert not Delegation.objects.exists()


def test_granting_after_signing_in_again_sends_the_request(client, grace, dan):
    strong_session(client, grace[1], reauthenticated=True)
    response = client.post(reverse("identity:delegation_new"), offer_form())
    delegation = Delegation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "identity:delegation", kwargs={"delegation_id": delegation.pk}
    )
    assert delegation.valid_until == today() + dt.timedelta(days=90)
    page = client.get(response["Location"])
    assert "We have sent your request to dan@example.test." in page.content.decode()
    assert "Withdraw the request" in page.content.decode()


def test_the_grant_form_says_what_is_wrong(client, grace):
    strong_session(client, grace[1], reauthenticated=True)
    response = client.post(
        reverse("identity:delegation_new"),
        offer_form(
            email="grace@example.test", services=[], valid_until_day="31", valid_until_month="2"
        ),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose all services, or at least one service" in text
    assert "The last day must be a real date" in text
    assert not Delegation.objects.exists()


def test_the_delegate_accepts_on_the_page(client, grace, dan):
    delegation = offer(grace[1])
    strong_session(client, dan[1])
    listing = client.get(reverse("identity:delegations"))
    assert "Grace Giver" in listing.content.decode()
    response = client.post(
        reverse("identity:delegation_accept", kwargs={"delegation_id": delegation.pk}), follow=True
    )
    assert "You can now act for Grace Giver." in response.content.decode()
    assert may_act_for(dan[1], str(grace[0].pk))


def test_citizen_b_cannot_see_or_end_a_s_delegations(client, grace, dan):
    delegation = active_delegation(grace[0], grace[1], dan[1], dan[0])
    stranger = link_account(make_account("eve@example.test"), citizen("Eve", "X", years_ago(30)))
    strong_session(client, stranger)
    kwargs = {"delegation_id": delegation.pk}
    assert client.get(reverse("identity:delegation", kwargs=kwargs)).status_code == 404
    for name in ("delegation_revoke", "delegation_accept", "delegation_decline"):
        assert client.post(reverse(f"identity:{name}", kwargs=kwargs)).status_code == 404
    assert "Grace" not in client.get(reverse("identity:delegations")).content.decode()
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.ACTIVE


# --- a real mail server -------------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name for the hook
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


def test_the_offer_reaches_a_real_mail_server(grace, dan, smtp_server):
    offer(grace[1], site_url="https://onegate.example/")
    deliver_outbox()
    received = {message["To"]: message for message in smtp_server.messages}
    assert set(received) == {"grace@example.test", "dan@example.test"}
    body = received["dan@example.test"].get_content()
    # Dan reads Thai: the link goes to the Thai delegations page.
    assert "https://onegate.example/th/account/delegations/" in body


def test_after_confirming_the_password_the_request_is_sent_as_it_was_filled_in(client, grace, dan):
    strong_session(client, grace[1])
    url = reverse("identity:delegation_new")
    asked = client.post(url, offer_form())
    assert asked["Location"].startswith(reverse("account_reauthenticate"))

    resumed = client.post(asked["Location"], {"password": PASSWORD})

    delegation = Delegation.objects.get()
    assert delegation.delegate_email == "dan@example.test"
    assert resumed.status_code == 302
    assert resumed["Location"] == reverse(
        "identity:delegation", kwargs={"delegation_id": delegation.pk}
    )
